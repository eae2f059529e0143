package dev.uvm.core.lifecycle;

import java.util.Date;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Timers} on a Quartz scheduler with an in-memory job store. Each timer is a one-shot
 * trigger whose job runs the task (which only posts an event to the loop).
 */
public final class QuartzTimers implements Timers, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QuartzTimers.class);
    private static final String TASK = "task";
    private final Scheduler quartz;
    private final AtomicLong ids = new AtomicLong();

    public QuartzTimers() {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "uvm-timers");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
        try {
            quartz = new StdSchedulerFactory(p).getScheduler();
            quartz.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the Quartz timer scheduler: " + e.getMessage(), e);
        }
    }

    /** The Quartz scheduler, for other schedules (samplers, cron-based warm-up). */
    public Scheduler quartz() {
        return quartz;
    }

    @Override
    public long nowMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public Cancellable schedule(String description, long delayMillis, Runnable task) {
        JobKey key = JobKey.jobKey("timer-" + ids.incrementAndGet(), "uvm");
        JobDataMap data = new JobDataMap();
        data.put(TASK, task);
        JobDetail job = JobBuilder.newJob(RunTask.class).withIdentity(key).withDescription(description)
                .usingJobData(data).build();
        Trigger trigger = TriggerBuilder.newTrigger().startAt(new Date(nowMillis() + delayMillis))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        try {
            quartz.scheduleJob(job, trigger);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule " + description + ": " + e.getMessage(), e);
        }
        return () -> {
            try {
                quartz.deleteJob(key);
            } catch (SchedulerException e) {
                log.debug("cancelling {}: {}", description, e.getMessage());
            }
        };
    }

    @Override
    public void close() {
        try {
            quartz.shutdown(false);
        } catch (SchedulerException e) {
            log.debug("stopping Quartz: {}", e.getMessage());
        }
    }

    /** The Quartz job that runs a timer's task. */
    public static final class RunTask implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            ((Runnable) context.getMergedJobDataMap().get(TASK)).run();
        }
    }
}
