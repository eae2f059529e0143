package dev.uvm.daemon.observe;

import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.reclaim.MemoryReclaimer;
import dev.uvm.metrics.UvmMetrics;
import dev.uvm.vm.RunningVm;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
 * Samples every serving VM on a Quartz schedule: the host's view of its memory (VMM resident
 * set, or HCS private working set) and the guest's (/proc/meminfo and /proc/stat through the
 * agent). The samples feed the metrics and the {@link MemoryReclaimer}; sampling runs whether or
 * not the metrics endpoint is served.
 */
public final class MemorySampler {
    private static final Logger log = LoggerFactory.getLogger(MemorySampler.class);
    /** How often memory is sampled while a VM runs. */
    public static final long INTERVAL_MILLIS = 5_000;

    /** Schedules sampling every {@code intervalMillis} on the given Quartz scheduler. */
    public static void schedule(org.quartz.Scheduler quartz, Scheduler scheduler, UvmMetrics metrics,
                                MemoryReclaimer reclaimer, long intervalMillis) throws SchedulerException {
        JobDataMap data = new JobDataMap();
        data.put("scheduler", scheduler);
        data.put("metrics", metrics);
        data.put("reclaimer", reclaimer);
        quartz.scheduleJob(JobBuilder.newJob(Sampling.class).withIdentity("memory-sampler", "uvm")
                        .usingJobData(data).build(),
                TriggerBuilder.newTrigger().startNow().withSchedule(SimpleScheduleBuilder
                        .repeatSecondlyForever().withIntervalInMilliseconds(intervalMillis)
                        .withMisfireHandlingInstructionNextWithRemainingCount()).build());
    }

    /** Takes one sample of every serving VM now. */
    public static void sampleAll(Scheduler scheduler, UvmMetrics metrics, MemoryReclaimer reclaimer) {
        Set<String> serving = new HashSet<>();
        for (Scheduler.Up up : scheduler.serving().join()) {
            serving.add(up.name());
            RunningVm vm = up.vm();
            Map<String, Long> stats = Map.of();
            try {
                stats = vm.guestStats();
            } catch (IOException ex) {
                log.debug("VM {}: no guest statistics this time: {}", up.name(), ex.getMessage());
            }
            metrics.vm(up.name()).memory(vm.hostResidentBytes(), stats.getOrDefault("mem_total", -1L),
                    stats.getOrDefault("mem_available", -1L), stats.getOrDefault("mem_cached", -1L));
            if (!stats.isEmpty()) {
                reclaimer.observe(up, stats);
            }
        }
        reclaimer.retain(serving);
    }

    private MemorySampler() {
    }

    /** The Quartz job; one run at a time. */
    @DisallowConcurrentExecution
    public static final class Sampling implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            JobDataMap d = context.getMergedJobDataMap();
            sampleAll((Scheduler) d.get("scheduler"), (UvmMetrics) d.get("metrics"),
                    (MemoryReclaimer) d.get("reclaimer"));
        }
    }
}
