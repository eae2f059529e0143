package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code HvSocket}: the Hyper-V socket device (AF_VSOCK in a Linux guest). */
public record HvSocket(
        @JsonProperty("HvSocketConfig") HvSocketSystemConfig hvSocketConfig) {
}
