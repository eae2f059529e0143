package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code MemoryInformationForVm}: the "Memory" property of a VM. */
public record MemoryInformationForVm(
        @JsonProperty("VirtualNodeCount") Integer virtualNodeCount,
        @JsonProperty("VirtualMachineMemory") VmMemory virtualMachineMemory) {
}
