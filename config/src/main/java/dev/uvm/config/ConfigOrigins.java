package dev.uvm.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Provenance of an effective configuration: for each daemon key and each key of each VM, the
 * {@link Origin} it came from. Keys that no file line set report {@link Origin#DEFAULT}.
 * Immutable once built.
 */
public final class ConfigOrigins {
    private static final ConfigOrigins NONE = new ConfigOrigins(Map.of(), Map.of(), false);

    private final Map<ConfigKey, Origin> daemon;
    private final Map<String, Map<ConfigKey, Origin>> vms;
    private final boolean recorded;

    private ConfigOrigins(Map<ConfigKey, Origin> daemon, Map<String, Map<ConfigKey, Origin>> vms,
                          boolean recorded) {
        this.daemon = daemon;
        this.vms = vms;
        this.recorded = recorded;
    }

    /** Origins of a configuration that was not read by {@link ConfigLoader}: nothing recorded. */
    public static ConfigOrigins none() {
        return NONE;
    }

    /** Whether the loader recorded these origins; {@code false} for {@link #none()}. */
    public boolean isRecorded() {
        return recorded;
    }

    /** Where the daemon key's effective value came from. */
    public Origin daemon(ConfigKey key) {
        requireScope(key, ConfigKey.Scope.DAEMON);
        return daemon.getOrDefault(key, Origin.DEFAULT);
    }

    /** Where a VM key's effective value came from, for the VM named {@code vm}. */
    public Origin vm(String vm, ConfigKey key) {
        requireScope(key, ConfigKey.Scope.VM);
        return vms.getOrDefault(vm, Map.of()).getOrDefault(key, Origin.DEFAULT);
    }

    /** Where the effective value of the named key came from; the key is looked up in the VM's scope. */
    public Origin vm(String vm, String key) {
        return ConfigKey.named(ConfigKey.Scope.VM, key).map(k -> vm(vm, k))
                .orElseThrow(() -> new IllegalArgumentException("not a VM key: " + key));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigOrigins other && recorded == other.recorded && daemon.equals(other.daemon)
                && vms.equals(other.vms);
    }

    @Override
    public int hashCode() {
        return Objects.hash(daemon, vms, recorded);
    }

    @Override
    public String toString() {
        return "ConfigOrigins[daemon=" + daemon + ", vms=" + vms + "]";
    }

    private static void requireScope(ConfigKey key, ConfigKey.Scope scope) {
        if (key.scope() != scope) {
            throw new IllegalArgumentException(key.keyName() + " is not a " + scope + " key");
        }
    }

    /** Collects origins while the loader assembles the configuration. */
    static final class Builder {
        private final Map<ConfigKey, Origin> daemon = new EnumMap<>(ConfigKey.class);
        private final Map<String, Map<ConfigKey, Origin>> vms = new LinkedHashMap<>();

        void daemon(ConfigKey key, Origin origin) {
            daemon.put(key, origin);
        }

        void vm(String vm, ConfigKey key, Origin origin) {
            vms.computeIfAbsent(vm, v -> new EnumMap<>(ConfigKey.class)).put(key, origin);
        }

        ConfigOrigins build() {
            Map<String, Map<ConfigKey, Origin>> copy = new LinkedHashMap<>();
            vms.forEach((vm, keys) -> copy.put(vm, Collections.unmodifiableMap(new EnumMap<>(keys))));
            return new ConfigOrigins(Collections.unmodifiableMap(new EnumMap<>(daemon)),
                    Collections.unmodifiableMap(copy), true);
        }
    }
}
