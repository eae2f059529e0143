package dev.uvm.hcs;

import dev.uvm.hcs.schema.MemoryStats;
import dev.uvm.hcs.schema.ProcessorStats;
import dev.uvm.hcs.schema.Statistics;
import java.time.Duration;

/**
 * What a utility VM costs the host right now. HCS omits zero counters; they read as 0 here.
 *
 * @param memoryCommitBytes memory committed for the VM
 * @param privateWorkingSetBytes host memory the VM really occupies
 * @param uptime time since the VM started
 * @param processorTime CPU time the VM has used
 */
public record VmStatistics(long memoryCommitBytes, long privateWorkingSetBytes, Duration uptime,
        Duration processorTime) {

    static VmStatistics from(Statistics statistics) {
        if (statistics == null) {
            return new VmStatistics(0, 0, Duration.ZERO, Duration.ZERO);
        }
        MemoryStats memory = statistics.memory();
        ProcessorStats processor = statistics.processor();
        return new VmStatistics(
                memory == null ? 0 : orZero(memory.memoryUsageCommitBytes()),
                memory == null ? 0 : orZero(memory.memoryUsagePrivateWorkingSetBytes()),
                hundredNanos(statistics.uptime100ns()),
                processor == null ? Duration.ZERO : hundredNanos(processor.totalRuntime100ns()));
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private static Duration hundredNanos(Long value) {
        return value == null ? Duration.ZERO : Duration.ofSeconds(value / 10_000_000, value % 10_000_000 * 100);
    }
}
