package dev.uvm.config;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of a file grouped by what they configure: the daemon, every VM ({@code [vm]},
 * {@code [wsl2]} and {@code [experimental]}), and each named VM ({@code [vm.NAME]}). Repeated
 * sections are already merged; within a group the last entry for a key wins.
 */
final class SectionModel {
    final Map<ConfigKey, Setting> daemon = new EnumMap<>(ConfigKey.class);
    final Map<ConfigKey, Setting> base = new EnumMap<>(ConfigKey.class);
    /** Named VMs in the order their first header appears; {@code default} may be among them. */
    final Map<String, Map<ConfigKey, Setting>> named = new LinkedHashMap<>();

    Map<ConfigKey, Setting> vm(String name) {
        return named.computeIfAbsent(name, n -> new EnumMap<>(ConfigKey.class));
    }
}
