package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code VirtualMachine_Processor}; {@code count} must not exceed the host's logical processors. */
public record VirtualMachineProcessor(
        @JsonProperty("Count") int count) {
}
