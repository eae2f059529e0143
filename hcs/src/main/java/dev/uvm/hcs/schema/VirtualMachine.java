package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code VirtualMachine}. {@code GuestConnection} is deliberately absent: with it, Start waits for a
 * guest speaking Microsoft's GCS protocol, which a uvm guest does not.
 *
 * @param stopOnReset treat a guest reset (for example after {@code panic=-1}) as a stop
 */
public record VirtualMachine(
        @JsonProperty("StopOnReset") Boolean stopOnReset,
        @JsonProperty("Chipset") Chipset chipset,
        @JsonProperty("ComputeTopology") Topology computeTopology,
        @JsonProperty("Devices") Devices devices) {
}
