package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code ComputeSystem}: the document passed to HcsCreateComputeSystem. Only the virtual-machine
 * form is modelled.
 *
 * @param shouldTerminateOnLastHandleClosed when true, HCS terminates the system as soon as the
 *        last handle to it is closed, so a crashed client cannot leak a VM
 */
public record ComputeSystemConfig(
        @JsonProperty("Owner") String owner,
        @JsonProperty("SchemaVersion") SchemaVersion schemaVersion,
        @JsonProperty("HostingSystemId") String hostingSystemId,
        @JsonProperty("VirtualMachine") VirtualMachine virtualMachine,
        @JsonProperty("ShouldTerminateOnLastHandleClosed") Boolean shouldTerminateOnLastHandleClosed) {
}
