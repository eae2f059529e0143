package dev.uvm.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A complete, validated configuration: the daemon settings and every configured VM.
 * The VM named {@code default} always exists.
 *
 * @param source the file it was read from, or {@code null} for built-in defaults
 */
public record UvmConfig(Path source, DaemonConfig daemon, Map<String, VmConfig> vms) {

    public UvmConfig {
        vms = Collections.unmodifiableMap(new LinkedHashMap<>(vms));
    }

    /** Built-in defaults: one VM named {@code default}. */
    public static UvmConfig defaults() {
        return new UvmConfig(null, DaemonConfig.defaults(),
                Map.of(VmConfig.DEFAULT_NAME, VmConfig.defaults(VmConfig.DEFAULT_NAME)));
    }

    public VmConfig vm(String name) {
        return vms.get(name);
    }
}
