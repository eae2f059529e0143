package dev.uvm.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of {@code uvm config check [FILE]} and {@code uvm config show}. The CLI prints
 * {@link CheckResult#output()} and exits with {@link CheckResult#exitCode()}.
 */
public final class ConfigReport {
    /** The file is usable (it may have warnings). */
    public static final int EXIT_OK = 0;
    /** The file has errors, or cannot be read. */
    public static final int EXIT_ERRORS = 1;

    private static final int KEY_WIDTH = ConfigKey.of(ConfigKey.Scope.VM).stream()
            .mapToInt(k -> k.keyName().length()).max().orElse(20);
    private static final int VALUE_WIDTH = 28;

    private ConfigReport() {
    }

    /**
     * The outcome of a check.
     *
     * @param output   one line per problem ({@code error: ...} or {@code warning: ...}), then a summary line
     * @param exitCode {@link #EXIT_OK} or {@link #EXIT_ERRORS}
     */
    public record CheckResult(String output, int exitCode) {
    }

    /** Checks {@code file} against this host. */
    public static CheckResult check(Path file) {
        return check(file, HostInfo.detect());
    }

    /** Checks {@code file} against {@code host}. */
    public static CheckResult check(Path file, HostInfo host) {
        ConfigLoader.Analysis analysis = ConfigLoader.analyse(file, host);
        StringBuilder out = new StringBuilder();
        int errors = 0;
        int warnings = 0;
        for (ConfigProblem p : analysis.problems()) {
            boolean error = p.severity() == ConfigProblem.Severity.ERROR;
            errors += error ? 1 : 0;
            warnings += error ? 0 : 1;
            out.append(error ? "error: " : "warning: ").append(p).append('\n');
        }
        out.append(file).append(": ");
        if (errors > 0) {
            out.append(count(errors, "error")).append(", ").append(count(warnings, "warning"));
        } else {
            out.append("OK, VMs: ").append(String.join(", ", analysis.config().vms().keySet()));
            if (warnings > 0) {
                out.append("; ").append(count(warnings, "warning"));
            }
        }
        return new CheckResult(out.append('\n').toString(), errors > 0 ? EXIT_ERRORS : EXIT_OK);
    }

    /** The effective configuration with the origin of every value; platform defaults resolved for this process. */
    public static String show(LoadedConfig loaded) {
        return show(loaded, ConfigLocator.system());
    }

    /**
     * The effective configuration in config syntax, every daemon key and every key of every VM, each
     * followed by a comment saying where its value came from ({@code uvm.conf:12 [vm.second]},
     * {@code uvm.conf:3 [vm]} or {@code default}). The output is itself a valid config file.
     */
    public static String show(LoadedConfig loaded, ConfigLocator locator) {
        UvmConfig config = loaded.config();
        ConfigOrigins origins = loaded.origins();
        StringBuilder out = new StringBuilder();
        out.append("# Effective uvm configuration, ")
                .append(config.source() == null ? "built-in defaults (no config file)" : "read from " + config.source())
                .append('\n');
        if (!origins.isRecorded()) {
            out.append("# (origins were not recorded for this configuration)\n");
        }
        out.append("\n[daemon]\n");
        for (ConfigKey key : ConfigKey.of(ConfigKey.Scope.DAEMON)) {
            String value = key.valueIn(config.daemon());
            Origin origin = origins.daemon(key);
            if (key == ConfigKey.SOCKET) {
                value = locator.socketOf(config.daemon()).toString();
            } else if (key == ConfigKey.STATE_DIR) {
                value = locator.stateDirOf(config.daemon()).toString();
            }
            line(out, key, value, origins.isRecorded() ? describe(origin, key, value) : "not recorded");
        }
        for (VmConfig vm : config.vms().values()) {
            out.append("\n[vm.").append(vm.name()).append("]\n");
            for (ConfigKey key : ConfigKey.of(ConfigKey.Scope.VM)) {
                Origin origin = origins.vm(vm.name(), key);
                String value = key.valueIn(vm);
                if (key == ConfigKey.HOST_SHARE_ALLOW_ROOT) {
                    value = Boolean.toString(!origin.isDefault() && ValueSyntax.parseBoolean(origin.text()));
                }
                line(out, key, value, origins.isRecorded() ? describe(origin, key, value) : "not recorded");
            }
        }
        return out.toString();
    }

    private static String describe(Origin origin, ConfigKey key, String value) {
        if (origin.isDefault() && value.isEmpty()) {
            return "default: " + key.defaultText();
        }
        if (key == ConfigKey.VM_IDLE_TIMEOUT && value.startsWith("-")) {
            return origin + "; never stops when idle";
        }
        return origin.toString();
    }

    private static void line(StringBuilder out, ConfigKey key, String value, String comment) {
        String shown = quoteIfNeeded(value);
        out.append(pad(key.keyName(), KEY_WIDTH)).append(" = ").append(pad(shown, VALUE_WIDTH))
                .append(" # ").append(comment);
        out.append('\n');
    }

    /** Quotes values that would otherwise lose text to comment stripping or whitespace trimming. */
    static String quoteIfNeeded(String value) {
        boolean needs = !value.equals(value.strip()) || value.startsWith("\"")
                || !IniLexer.stripComment(value).equals(value);
        return needs ? '"' + value + '"' : value;
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    private static String count(int n, String noun) {
        return String.format(Locale.ROOT, "%d %s%s", n, noun, n == 1 ? "" : "s");
    }

    /** Every problem as a line, for logs: {@code warning: ...}. */
    public static List<String> lines(List<ConfigProblem> problems) {
        List<String> lines = new ArrayList<>();
        for (ConfigProblem p : problems) {
            lines.add((p.severity() == ConfigProblem.Severity.ERROR ? "error: " : "warning: ") + p);
        }
        return lines;
    }
}
