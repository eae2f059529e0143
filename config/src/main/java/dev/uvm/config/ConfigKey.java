package dev.uvm.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every key uvm reads, with its section, type, default, when a change takes effect and its
 * {@code .wslconfig} counterpart. This is the schema that the loader, {@link ConfigReport},
 * {@link ConfigDiff} and {@code docs/config.md} agree on.
 */
public enum ConfigKey {
    SOCKET("socket", Scope.DAEMON, TakesEffect.DAEMON_RESTART, null, "path",
            "$XDG_RUNTIME_DIR/uvm/uvm.sock (root: /run/uvm/uvm.sock)",
            null, d -> text(d.socket())),
    SOCKET_GROUP("socketGroup", Scope.DAEMON, TakesEffect.DAEMON_RESTART, null, "group name",
            "none (owner only)", null, d -> text(d.socketGroup())),
    METRICS_ADDRESS("metricsAddress", Scope.DAEMON, TakesEffect.DAEMON_RESTART, null, "host:port or off",
            DaemonConfig.DEFAULT_METRICS_ADDRESS, null, DaemonConfig::metricsAddress),
    BACKEND("backend", Scope.DAEMON, TakesEffect.DAEMON_RESTART, null, "auto | qemu | hcs", "auto",
            null, d -> d.backend().name().toLowerCase(Locale.ROOT)),
    STATE_DIR("stateDir", Scope.DAEMON, TakesEffect.DAEMON_RESTART, null, "path",
            "$XDG_STATE_HOME/uvm or ~/.local/state/uvm (root: /var/lib/uvm)", null, d -> text(d.stateDir())),
    LOG_LEVEL("logLevel", Scope.DAEMON, TakesEffect.IMMEDIATELY, null, "error | warn | info | debug | trace",
            "info", null, DaemonConfig::logLevel),
    CONSOLE_LOG_SIZE("consoleLogSize", Scope.DAEMON, TakesEffect.DAEMON_RESTART, null, "size", "1MB", null,
            d -> ValueSyntax.formatSize(d.consoleLogBytes())),

    MEMORY("memory", Scope.VM, TakesEffect.NEXT_BOOT, "[wsl2] memory", "size", "512MB",
            v -> ValueSyntax.formatSize(v.memoryBytes()), null),
    PROCESSORS("processors", Scope.VM, TakesEffect.NEXT_BOOT, "[wsl2] processors", "integer", "1",
            v -> Integer.toString(v.processors()), null),
    KERNEL("kernel", Scope.VM, TakesEffect.NEXT_BOOT, "[wsl2] kernel", "uvm | debian | path", "uvm",
            v -> text(v.kernel()), null),
    INITRD("initrd", Scope.VM, TakesEffect.NEXT_BOOT, null, "path", "uvm's guest initramfs",
            v -> text(v.initrd()), null),
    KERNEL_COMMAND_LINE("kernelCommandLine", Scope.VM, TakesEffect.NEXT_BOOT, "[wsl2] kernelCommandLine",
            "string", "empty", VmConfig::kernelCommandLine, null),
    VM_IDLE_TIMEOUT("vmIdleTimeout", Scope.VM, TakesEffect.IMMEDIATELY, "[wsl2] vmIdleTimeout", "duration",
            "60000 (60s)", v -> ValueSyntax.formatDuration(v.vmIdleTimeoutMillis()), null),
    BOOT_TIMEOUT("bootTimeout", Scope.VM, TakesEffect.IMMEDIATELY, "[wsl2] kernelBootTimeout", "duration",
            "30s", v -> ValueSyntax.formatDuration(v.bootTimeoutMillis()), null, "kernelBootTimeout"),
    SHUTDOWN_TIMEOUT("shutdownTimeout", Scope.VM, TakesEffect.IMMEDIATELY, null, "duration", "30s",
            v -> ValueSyntax.formatDuration(v.shutdownTimeoutMillis()), null),
    SWAP("swap", Scope.VM, TakesEffect.NEXT_BOOT, "[wsl2] swap", "size", "0 (none)",
            v -> ValueSyntax.formatSize(v.swapBytes()), null),
    AUTO_MEMORY_RECLAIM("autoMemoryReclaim", Scope.VM, TakesEffect.IMMEDIATELY,
            "[experimental] autoMemoryReclaim", "disabled | dropCache | gradual", "disabled",
            v -> reclaimName(v.autoMemoryReclaim()), null),
    HOST_SHARE("hostShare", Scope.VM, TakesEffect.NEXT_BOOT, null, "path", "none",
            v -> v.hostShare() == null ? "" : v.hostShare().hostPath().toString(), null),
    HOST_SHARE_MOUNT_POINT("hostShareMountPoint", Scope.VM, TakesEffect.NEXT_BOOT, null, "guest path",
            HostShareDefaults.MOUNT_POINT,
            v -> v.hostShare() == null ? HostShareDefaults.MOUNT_POINT : v.hostShare().guestPath(), null),
    HOST_SHARE_READ_ONLY("hostShareReadOnly", Scope.VM, TakesEffect.NEXT_BOOT, null, "boolean", "false",
            v -> Boolean.toString(v.hostShare() != null && v.hostShare().readOnly()), null),
    HOST_SHARE_CACHE("hostShareCache", Scope.VM, TakesEffect.NEXT_BOOT, null, "none | mmap | loose", "none",
            v -> v.hostShare() == null ? "none" : v.hostShare().cache(), null),
    /** Only gates validation, so it has no field in {@link VmConfig} and no text form. */
    HOST_SHARE_ALLOW_ROOT("hostShareAllowRoot", Scope.VM, TakesEffect.NEXT_BOOT, null, "boolean", "false",
            v -> null, null),
    RECLAIM_IDLE_CPU("reclaimIdleCpu", Scope.VM, TakesEffect.IMMEDIATELY, null, "percent", "0.5%",
            v -> ValueSyntax.formatPercent(v.reclaimIdleCpuPercent()), null),
    RECLAIM_IDLE_WINDOW("reclaimIdleWindow", Scope.VM, TakesEffect.IMMEDIATELY, null, "duration", "30s",
            v -> ValueSyntax.formatDuration(v.reclaimIdleWindowMillis()), null),
    IDLE_ACTION("idleAction", Scope.VM, TakesEffect.IMMEDIATELY, null, "shutdown | suspend", "shutdown",
            v -> v.idleAction().name().toLowerCase(Locale.ROOT), null),
    PREWARM("prewarm", Scope.VM, TakesEffect.IMMEDIATELY, null, "cron expressions separated by |", "none",
            v -> String.join(" | ", v.prewarm()), null),
    KEEP_ALIVE("keepAlive", Scope.VM, TakesEffect.IMMEDIATELY, null, "cron expressions separated by |", "none",
            v -> String.join(" | ", v.keepAlive()), null),
    DISK_SIZE("diskSize", Scope.VM, TakesEffect.NEXT_BOOT, "[wsl2] defaultVhdSize", "size", "64GB (sparse)",
            v -> ValueSyntax.formatSize(v.diskBytes()), null, "defaultVhdSize"),
    NETWORKING_MODE("networkingMode", Scope.VM, TakesEffect.NEXT_BOOT, "[wsl2] networkingMode", "nat | none", "nat",
            v -> v.networkingMode().name().toLowerCase(Locale.ROOT), null),
    LOCALHOST_FORWARDING("localhostForwarding", Scope.VM, TakesEffect.NEXT_BOOT, "[wsl2] localhostForwarding", "boolean",
            "true", v -> Boolean.toString(v.localhostForwarding()), null),
    FORWARD_IDLE_TIMEOUT("forwardIdleTimeout", Scope.VM, TakesEffect.NEXT_BOOT, null, "duration", "5min",
            v -> ValueSyntax.formatDuration(v.forwardIdleTimeoutMillis()), null),
    PORTS("ports", Scope.VM, TakesEffect.IMMEDIATELY, null, "host ports, or host:guest pairs, separated by commas",
            "none", v -> String.join(", ", v.ports().stream().map(PortForward::toString).toList()), null);

    /** Which section a key belongs to. */
    public enum Scope { DAEMON, VM }

    private final String keyName;
    private final Scope scope;
    private final TakesEffect effect;
    private final String wslCounterpart;
    private final String type;
    private final String defaultText;
    private final Function<VmConfig, String> vmText;
    private final Function<DaemonConfig, String> daemonText;
    private final List<String> aliases;

    ConfigKey(String keyName, Scope scope, TakesEffect effect, String wslCounterpart, String type,
              String defaultText, Function<VmConfig, String> vmText, Function<DaemonConfig, String> daemonText,
              String... aliases) {
        this.keyName = keyName;
        this.scope = scope;
        this.effect = effect;
        this.wslCounterpart = wslCounterpart;
        this.type = type;
        this.defaultText = defaultText;
        this.vmText = vmText;
        this.daemonText = daemonText;
        this.aliases = List.of(aliases);
    }

    /** The key as written in the file, for example {@code vmIdleTimeout}. */
    public String keyName() {
        return keyName;
    }

    public Scope scope() {
        return scope;
    }

    public TakesEffect effect() {
        return effect;
    }

    /** The {@code .wslconfig} key that means the same, for example {@code [wsl2] memory}, or {@code null}. */
    public String wslCounterpart() {
        return wslCounterpart;
    }

    /** A short description of the accepted values. */
    public String type() {
        return type;
    }

    /** The built-in default, as documented. */
    public String defaultText() {
        return defaultText;
    }

    /** Other names accepted for this key, such as {@code .wslconfig}'s {@code kernelBootTimeout}. */
    public List<String> aliases() {
        return aliases;
    }

    /** The effective value of this VM key in config syntax, or {@code null} if the key has no text form. */
    public String valueIn(VmConfig vm) {
        if (scope != Scope.VM) {
            throw new IllegalStateException(keyName + " is a [daemon] key");
        }
        return vmText.apply(vm);
    }

    /** The effective value of this daemon key in config syntax; empty for "platform default". */
    public String valueIn(DaemonConfig daemon) {
        if (scope != Scope.DAEMON) {
            throw new IllegalStateException(keyName + " is a VM key");
        }
        return daemonText.apply(daemon);
    }

    /** The keys of one section, in documentation order. */
    public static List<ConfigKey> of(Scope scope) {
        return Arrays.stream(values()).filter(k -> k.scope == scope).toList();
    }

    /** Looks a key up by its exact name or alias. */
    public static Optional<ConfigKey> named(Scope scope, String name) {
        return Arrays.stream(values())
                .filter(k -> k.scope == scope && (k.keyName.equals(name) || k.aliases.contains(name)))
                .findFirst();
    }

    /** Looks a key up ignoring case, for the "keys are case-sensitive" warning. */
    static Optional<ConfigKey> namedIgnoringCase(Scope scope, String name) {
        return Arrays.stream(values())
                .filter(k -> k.scope == scope && (k.keyName.equalsIgnoreCase(name)
                        || k.aliases.stream().anyMatch(a -> a.equalsIgnoreCase(name))))
                .findFirst();
    }

    /** The {@code .wslconfig} spelling: {@code disabled}, {@code dropCache}, {@code gradual}. */
    public static String reclaimName(MemoryReclaim mode) {
        return switch (mode) {
            case DISABLED -> "disabled";
            case DROP_CACHE -> "dropCache";
            case GRADUAL -> "gradual";
        };
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    /** Holds constants the enum constructors need before the enum's own statics exist. */
    static final class HostShareDefaults {
        static final String MOUNT_POINT = "/mnt/host";

        private HostShareDefaults() {
        }
    }
}
