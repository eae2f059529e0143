package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code ModifySettingRequest} for HcsModifyComputeSystem.
 *
 * @param resourcePath for example {@code VirtualMachine/Devices/Plan9/Shares} or
 *        {@code VirtualMachine/ComputeTopology/Memory/SizeInMB}
 * @param requestType "Add", "Remove" or "Update"
 * @param settings the resource's new value; any JSON-serializable object
 */
public record ModifySettingRequest(
        @JsonProperty("ResourcePath") String resourcePath,
        @JsonProperty("RequestType") String requestType,
        @JsonProperty("Settings") Object settings,
        @JsonProperty("GuestRequest") Object guestRequest) {

    public static final String PLAN9_SHARES = "VirtualMachine/Devices/Plan9/Shares";
    public static final String MEMORY_SIZE = "VirtualMachine/ComputeTopology/Memory/SizeInMB";

    public static ModifySettingRequest add(String resourcePath, Object settings) {
        return new ModifySettingRequest(resourcePath, "Add", settings, null);
    }

    public static ModifySettingRequest remove(String resourcePath, Object settings) {
        return new ModifySettingRequest(resourcePath, "Remove", settings, null);
    }

    public static ModifySettingRequest update(String resourcePath, Object settings) {
        return new ModifySettingRequest(resourcePath, "Update", settings, null);
    }
}
