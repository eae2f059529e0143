package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code VmMemory}.
 *
 * @param assignedMemory memory assigned to the VM in 4 KiB pages
 */
public record VmMemory(
        @JsonProperty("AvailableMemory") Integer availableMemory,
        @JsonProperty("AvailableMemoryBuffer") Integer availableMemoryBuffer,
        @JsonProperty("ReservedMemory") Long reservedMemory,
        @JsonProperty("AssignedMemory") Long assignedMemory,
        @JsonProperty("SlpActive") Boolean slpActive,
        @JsonProperty("BalancingEnabled") Boolean balancingEnabled,
        @JsonProperty("DmOperationInProgress") Boolean dmOperationInProgress) {
}
