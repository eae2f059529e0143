package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code Topology}: memory and processors of a VM. */
public record Topology(
        @JsonProperty("Memory") VirtualMachineMemory memory,
        @JsonProperty("Processor") VirtualMachineProcessor processor) {
}
