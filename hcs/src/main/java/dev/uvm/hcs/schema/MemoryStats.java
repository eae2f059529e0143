package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code MemoryStats}, in bytes; absent counters are zero. For an overcommitted
 * (virtual-address-backed) VM these may not reflect what the host really spends.
 */
public record MemoryStats(
        @JsonProperty("MemoryUsageCommitBytes") Long memoryUsageCommitBytes,
        @JsonProperty("MemoryUsageCommitPeakBytes") Long memoryUsageCommitPeakBytes,
        @JsonProperty("MemoryUsagePrivateWorkingSetBytes") Long memoryUsagePrivateWorkingSetBytes) {
}
