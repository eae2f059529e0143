package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code Statistics}. HCS omits counters that are zero, so every field may be null.
 *
 * @param timestamp ISO-8601 with up to 7 fractional digits, such as {@code 2026-08-25T23:32:19.0685861Z}
 * @param uptime100ns time since start in units of 100 ns
 */
public record Statistics(
        @JsonProperty("Timestamp") String timestamp,
        @JsonProperty("ContainerStartTime") String containerStartTime,
        @JsonProperty("Uptime100ns") Long uptime100ns,
        @JsonProperty("Processor") ProcessorStats processor,
        @JsonProperty("Memory") MemoryStats memory) {
}
