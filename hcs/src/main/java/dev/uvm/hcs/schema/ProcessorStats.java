package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code ProcessorStats}, in units of 100 ns; absent counters are zero. */
public record ProcessorStats(
        @JsonProperty("TotalRuntime100ns") Long totalRuntime100ns,
        @JsonProperty("RuntimeUser100ns") Long runtimeUser100ns,
        @JsonProperty("RuntimeKernel100ns") Long runtimeKernel100ns) {
}
