package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code Properties}: the result of HcsGetComputeSystemProperties (and each element of
 * HcsEnumerateComputeSystems). The basic fields are always present; {@code statistics} and
 * {@code memory} only when the query asked for them.
 *
 * @param runtimeId the VM's GUID, used to address it over hvsocket
 * @param exitType set once the system has stopped
 */
public record Properties(
        @JsonProperty("Id") String id,
        @JsonProperty("SystemType") String systemType,
        @JsonProperty("RuntimeOsType") String runtimeOsType,
        @JsonProperty("Name") String name,
        @JsonProperty("Owner") String owner,
        @JsonProperty("RuntimeId") String runtimeId,
        @JsonProperty("State") SystemState state,
        @JsonProperty("Stopped") Boolean stopped,
        @JsonProperty("ExitType") ExitType exitType,
        @JsonProperty("Statistics") Statistics statistics,
        @JsonProperty("Memory") MemoryInformationForVm memory) {
}
