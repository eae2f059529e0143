package dev.uvm.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and validates a uvm config file.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** Loads {@code file}; a missing file is an error here (callers decide whether defaults apply). */
    public static LoadedConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(ConfigProblem.Severity.ERROR, file.toString(), 0,
                    null, null, "cannot read the file: " + e.getMessage())));
        }
        return parse(text, file.toString(), file);
    }

    /** Parses config text; {@code fileName} is used in messages. */
    public static LoadedConfig parse(String text, String fileName, Path source) throws ConfigException {
        List<ConfigProblem> errors = new ArrayList<>();
        List<ConfigProblem> warnings = new ArrayList<>();
        DaemonConfig daemon = DaemonConfig.defaults();
        VmConfig base = VmConfig.defaults(VmConfig.DEFAULT_NAME);
        Map<String, Map<String, String>> named = new LinkedHashMap<>();
        String section = "";
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                if (section.startsWith("vm.")) {
                    named.putIfAbsent(section.substring(3), new LinkedHashMap<>());
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                errors.add(new ConfigProblem(ConfigProblem.Severity.ERROR, fileName, i + 1, null, null,
                        "expected key = value or [section], got: " + line));
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            try {
                switch (section) {
                    case "daemon" -> {
                        switch (key) {
                            case "socket" -> daemon = new DaemonConfig(Path.of(value), daemon.socketGroup(),
                                    daemon.metricsAddress(), daemon.backend(), daemon.stateDir(), daemon.logLevel());
                            case "stateDir" -> daemon = new DaemonConfig(daemon.socket(), daemon.socketGroup(),
                                    daemon.metricsAddress(), daemon.backend(), Path.of(value), daemon.logLevel());
                            case "metricsAddress" -> daemon = new DaemonConfig(daemon.socket(), daemon.socketGroup(),
                                    value, daemon.backend(), daemon.stateDir(), daemon.logLevel());
                            default -> warnings.add(new ConfigProblem(ConfigProblem.Severity.WARNING, fileName,
                                    i + 1, key, value, "unknown key, ignored"));
                        }
                    }
                    case "vm", "wsl2" -> base = applyVm(base, key, value, fileName, i + 1, warnings);
                    default -> {
                        if (section.startsWith("vm.")) {
                            named.get(section.substring(3)).put(key, (i + 1) + "\u0000" + value);
                        } else {
                            warnings.add(new ConfigProblem(ConfigProblem.Severity.WARNING, fileName, i + 1, key,
                                    value, "unknown section [" + section + "], ignored"));
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                errors.add(new ConfigProblem(ConfigProblem.Severity.ERROR, fileName, i + 1, key, value,
                        e.getMessage()));
            }
        }
        Map<String, VmConfig> vms = new LinkedHashMap<>();
        vms.put(VmConfig.DEFAULT_NAME, base);
        for (Map.Entry<String, Map<String, String>> e : named.entrySet()) {
            VmConfig vm = base.withName(e.getKey());
            for (Map.Entry<String, String> kv : e.getValue().entrySet()) {
                String[] lv = kv.getValue().split("\u0000", 2);
                try {
                    vm = applyVm(vm, kv.getKey(), lv[1], fileName, Integer.parseInt(lv[0]), warnings);
                } catch (IllegalArgumentException ex) {
                    errors.add(new ConfigProblem(ConfigProblem.Severity.ERROR, fileName, Integer.parseInt(lv[0]),
                            kv.getKey(), lv[1], ex.getMessage()));
                }
            }
            vms.put(e.getKey(), vm);
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new LoadedConfig(new UvmConfig(source, daemon, vms), warnings);
    }

    private static VmConfig applyVm(VmConfig vm, String key, String value, String file, int line,
                                    List<ConfigProblem> warnings) {
        return switch (key) {
            case "vmIdleTimeout" -> vm.withIdleTimeout(Long.parseLong(value));
            case "memory" -> new VmConfig(vm.name(), parseSize(value), vm.processors(), vm.kernel(), vm.initrd(),
                    vm.kernelCommandLine(), vm.vmIdleTimeoutMillis(), vm.bootTimeoutMillis(),
                    vm.shutdownTimeoutMillis(), vm.swapBytes(), vm.autoMemoryReclaim(), vm.hostShare());
            case "processors" -> new VmConfig(vm.name(), vm.memoryBytes(), Integer.parseInt(value), vm.kernel(),
                    vm.initrd(), vm.kernelCommandLine(), vm.vmIdleTimeoutMillis(), vm.bootTimeoutMillis(),
                    vm.shutdownTimeoutMillis(), vm.swapBytes(), vm.autoMemoryReclaim(), vm.hostShare());
            case "kernel" -> new VmConfig(vm.name(), vm.memoryBytes(), vm.processors(), Path.of(value), vm.initrd(),
                    vm.kernelCommandLine(), vm.vmIdleTimeoutMillis(), vm.bootTimeoutMillis(),
                    vm.shutdownTimeoutMillis(), vm.swapBytes(), vm.autoMemoryReclaim(), vm.hostShare());
            case "bootTimeout" -> new VmConfig(vm.name(), vm.memoryBytes(), vm.processors(), vm.kernel(),
                    vm.initrd(), vm.kernelCommandLine(), vm.vmIdleTimeoutMillis(), Long.parseLong(value),
                    vm.shutdownTimeoutMillis(), vm.swapBytes(), vm.autoMemoryReclaim(), vm.hostShare());
            default -> {
                warnings.add(new ConfigProblem(ConfigProblem.Severity.WARNING, file, line, key, value,
                        "unknown key, ignored"));
                yield vm;
            }
        };
    }

    private static long parseSize(String value) {
        String v = value.toUpperCase();
        long mult = 1;
        if (v.endsWith("GB")) {
            mult = 1L << 30;
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("MB")) {
            mult = 1L << 20;
            v = v.substring(0, v.length() - 2);
        }
        try {
            return Long.parseLong(v.strip()) * mult;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a size such as 512MB or 4GB");
        }
    }
}
