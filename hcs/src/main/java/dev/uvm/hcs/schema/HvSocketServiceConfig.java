package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code HvSocketServiceConfig}: access to one hvsocket service. */
public record HvSocketServiceConfig(
        @JsonProperty("BindSecurityDescriptor") String bindSecurityDescriptor,
        @JsonProperty("ConnectSecurityDescriptor") String connectSecurityDescriptor,
        @JsonProperty("AllowWildcardBinds") Boolean allowWildcardBinds) {
}
