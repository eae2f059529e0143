package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code Chipset}: how the VM boots. */
public record Chipset(
        @JsonProperty("UseUtc") Boolean useUtc,
        @JsonProperty("LinuxKernelDirect") LinuxKernelDirect linuxKernelDirect) {
}
