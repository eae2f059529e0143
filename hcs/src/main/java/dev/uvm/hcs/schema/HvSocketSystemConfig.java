package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * {@code HvSocketSystemConfig}: who may bind and connect hvsockets to the VM, as SDDL.
 *
 * @param serviceTable per-service overrides keyed by service GUID
 */
public record HvSocketSystemConfig(
        @JsonProperty("DefaultBindSecurityDescriptor") String defaultBindSecurityDescriptor,
        @JsonProperty("DefaultConnectSecurityDescriptor") String defaultConnectSecurityDescriptor,
        @JsonProperty("ServiceTable") Map<String, HvSocketServiceConfig> serviceTable) {

    /** SYSTEM and the built-in Administrators group. */
    public static final String SYSTEM_AND_ADMINISTRATORS = "D:P(A;;FA;;;SY)(A;;FA;;;BA)";
}
