package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code ShutdownOptions} (schema 2.5) for HcsShutDownComputeSystem.
 *
 * @param mechanism "GuestConnection" or "IntegrationService"
 * @param type "Shutdown", "Hibernate" or "Reboot"
 */
public record ShutdownOptions(
        @JsonProperty("Mechanism") String mechanism,
        @JsonProperty("Type") String type,
        @JsonProperty("Force") Boolean force,
        @JsonProperty("Reason") String reason) {

    /** A shutdown through the Hyper-V shutdown integration component (hv_utils in a Linux guest). */
    public static ShutdownOptions integrationService() {
        return new ShutdownOptions("IntegrationService", "Shutdown", null, null);
    }
}
