package dev.uvm.scheduler.observe;

import dev.uvm.metrics.UvmMetrics;
import dev.uvm.scheduler.lifecycle.RunningVm;
import dev.uvm.scheduler.lifecycle.Scheduler;
import java.io.IOException;
import java.util.Map;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the memory of every running VM on a Quartz schedule: the host's view (VMM resident
 * set, or HCS private working set) and the guest's (/proc/meminfo through the agent).
 */
public final class MemorySampler {
    private static final Logger log = LoggerFactory.getLogger(MemorySampler.class);
    /** How often memory is sampled while a VM runs. */
    public static final long INTERVAL_MILLIS = 5_000;

    /** Schedules sampling every {@code intervalMillis} on the given Quartz scheduler. */
    public static void schedule(org.quartz.Scheduler quartz, Scheduler scheduler, UvmMetrics metrics,
                                long intervalMillis) throws SchedulerException {
        JobDataMap data = new JobDataMap();
        data.put("scheduler", scheduler);
        data.put("metrics", metrics);
        quartz.scheduleJob(JobBuilder.newJob(Sampling.class).withIdentity("memory-sampler", "uvm")
                        .usingJobData(data).build(),
                TriggerBuilder.newTrigger().startNow().withSchedule(SimpleScheduleBuilder
                        .repeatSecondlyForever().withIntervalInMilliseconds(intervalMillis)
                        .withMisfireHandlingInstructionNextWithRemainingCount()).build());
    }

    /** Takes one sample of every running VM now (also used right after a boot and by tests). */
    public static void sampleAll(Scheduler scheduler, UvmMetrics metrics) {
        for (Map.Entry<String, RunningVm> e : scheduler.running().join().entrySet()) {
            RunningVm vm = e.getValue();
            long total = -1;
            long available = -1;
            long cache = -1;
            try {
                Map<String, Long> stats = vm.guestStats();
                total = stats.getOrDefault("mem_total", -1L);
                available = stats.getOrDefault("mem_available", -1L);
                cache = stats.getOrDefault("mem_cached", -1L);
            } catch (IOException ex) {
                log.debug("VM {}: no guest statistics this time: {}", e.getKey(), ex.getMessage());
            }
            metrics.vm(e.getKey()).memory(vm.hostResidentBytes(), total, available, cache);
        }
    }

    private MemorySampler() {
    }

    /** The Quartz job; one run at a time. */
    @DisallowConcurrentExecution
    public static final class Sampling implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            JobDataMap d = context.getMergedJobDataMap();
            sampleAll((Scheduler) d.get("scheduler"), (UvmMetrics) d.get("metrics"));
        }
    }
}
