package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code Plan9Share}: a host directory the guest mounts over 9p (on vsock port {@code port}).
 *
 * @param flags bit set of {@link #READ_ONLY}, {@link #LINUX_METADATA}, {@link #CASE_SENSITIVE}, ...
 */
public record Plan9Share(
        @JsonProperty("Name") String name,
        @JsonProperty("AccessName") String accessName,
        @JsonProperty("Path") String path,
        @JsonProperty("Port") Integer port,
        @JsonProperty("Flags") Integer flags,
        @JsonProperty("AllowedFiles") List<String> allowedFiles) {

    public static final int READ_ONLY = 0x1;
    public static final int LINUX_METADATA = 0x4;
    public static final int CASE_SENSITIVE = 0x8;
    public static final int USE_SHARE_ROOT_IDENTITY = 0x10;
    public static final int ALLOW_OPTIONS = 0x20;
    public static final int ALLOW_SUB_PATHS = 0x40;
}
