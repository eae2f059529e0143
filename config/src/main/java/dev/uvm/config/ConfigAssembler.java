package dev.uvm.config;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the effective {@link UvmConfig} and its {@link ConfigOrigins} from a file's settings:
 * built-in defaults, overlaid by {@code [vm]} (with {@code [wsl2]} and {@code [experimental]}), overlaid
 * by {@code [vm.NAME]}. Each setting's value is parsed once, so an error in {@code [vm]} is reported
 * once, not once per VM that inherits it.
 */
final class ConfigAssembler {
    private static final List<ConfigKey> SHARE_OPTIONS = List.of(ConfigKey.HOST_SHARE_MOUNT_POINT,
            ConfigKey.HOST_SHARE_READ_ONLY, ConfigKey.HOST_SHARE_ALLOW_ROOT, ConfigKey.HOST_SHARE_CACHE);

    private final Problems problems;
    private final SettingParser parser;
    private final Map<Setting, Object> parsed = new IdentityHashMap<>();
    /** Share options seen, and whether any VM that inherits them has a share at all. */
    private final Map<Setting, Boolean> shareOptionUsed = new IdentityHashMap<>();
    private final ConfigOrigins.Builder origins = new ConfigOrigins.Builder();
    /** Per VM, the {@code ports} setting it took (its own or {@code [vm]}'s), for the check across VMs. */
    private final Map<String, Setting> portSettings = new LinkedHashMap<>();

    /** The result: the configuration (meaningful only if no error was recorded) and its origins. */
    record Result(UvmConfig config, ConfigOrigins origins) {
    }

    ConfigAssembler(Problems problems, HostInfo host) {
        this.problems = problems;
        this.parser = new SettingParser(problems, host);
    }

    Result assemble(SectionModel model, Path source) {
        model.daemon.values().forEach(this::value);
        model.base.values().forEach(this::value);
        model.named.values().forEach(m -> m.values().forEach(this::value));

        DaemonConfig daemon = daemon(model.daemon);
        Map<String, VmConfig> vms = new LinkedHashMap<>();
        vms.put(VmConfig.DEFAULT_NAME, vm(VmConfig.DEFAULT_NAME, model));
        for (String name : model.named.keySet()) {
            vms.putIfAbsent(name, vm(name, model));
        }
        checkPortsAcrossVms(vms);
        shareOptionUsed.forEach((s, used) -> {
            if (!used) {
                problems.warning(s.line(), s.written(), s.value(), "has no effect without hostShare");
            }
        });
        return new Result(new UvmConfig(source, daemon, vms), origins.build());
    }

    /** A host port may be declared for one VM only: the host has one listener on it. */
    private void checkPortsAcrossVms(Map<String, VmConfig> vms) {
        Map<Integer, String> owner = new HashMap<>();
        for (VmConfig vm : vms.values()) {
            for (PortForward p : vm.ports()) {
                String first = owner.putIfAbsent(p.hostPort(), vm.name());
                if (first == null) {
                    continue;
                }
                Setting mine = portSettings.get(vm.name());
                Setting theirs = portSettings.get(first);
                String why = mine == theirs
                        ? "host port " + p.hostPort() + " is declared for VMs " + first + " and " + vm.name()
                        + ", which both take this [vm] setting; declare ports in a [vm.NAME] section of one VM"
                        : "host port " + p.hostPort() + " is already declared for VM " + first + " (line "
                        + theirs.line() + "); one host port can wake one VM only";
                problems.error(mine.line(), mine.written(), mine.value(), why);
            }
        }
    }

    /** The {@code [daemon]} section alone; nothing else of the model is parsed. */
    DaemonConfig daemonOnly(SectionModel model) {
        return daemon(model.daemon);
    }

    private DaemonConfig daemon(Map<ConfigKey, Setting> settings) {
        DaemonConfig d = DaemonConfig.defaults();
        Path socket = d.socket();
        String group = d.socketGroup();
        String metrics = d.metricsAddress();
        Backend backend = d.backend();
        Path stateDir = d.stateDir();
        String logLevel = d.logLevel();
        long consoleLog = d.consoleLogBytes();
        for (Setting s : settings.values()) {
            Object v = value(s);
            if (v == null) {
                continue;
            }
            origins.daemon(s.key(), s.origin());
            Object x = v == SettingParser.UNSET ? null : v;
            switch (s.key()) {
                case SOCKET -> socket = (Path) x;
                case SOCKET_GROUP -> group = (String) x;
                case METRICS_ADDRESS -> metrics = (String) x;
                case BACKEND -> backend = (Backend) x;
                case STATE_DIR -> stateDir = (Path) x;
                case LOG_LEVEL -> logLevel = (String) x;
                case CONSOLE_LOG_SIZE -> consoleLog = (Long) x;
                default -> throw new IllegalStateException("not a daemon key: " + s.key());
            }
        }
        return new DaemonConfig(socket, group, metrics, backend, stateDir, logLevel, consoleLog);
    }

    private VmConfig vm(String name, SectionModel model) {
        Map<ConfigKey, Setting> settings = new EnumMap<>(model.base);
        settings.putAll(model.named.getOrDefault(name, Map.of()));
        VmConfig d = VmConfig.defaults(name);
        long memory = d.memoryBytes();
        int processors = d.processors();
        GuestKernel kernel = d.kernel();
        Path initrd = d.initrd();
        String commandLine = d.kernelCommandLine();
        long idle = d.vmIdleTimeoutMillis();
        long boot = d.bootTimeoutMillis();
        long shutdown = d.shutdownTimeoutMillis();
        long swap = d.swapBytes();
        MemoryReclaim reclaim = d.autoMemoryReclaim();
        Path share = null;
        String mountPoint = ConfigKey.HostShareDefaults.MOUNT_POINT;
        boolean readOnly = false;
        boolean allowRoot = false;
        String shareCache = "none";
        double idleCpu = d.reclaimIdleCpuPercent();
        long idleWindow = d.reclaimIdleWindowMillis();
        IdleAction idleAction = d.idleAction();
        List<String> prewarm = d.prewarm();
        List<String> keepAlive = d.keepAlive();
        long disk = d.diskBytes();
        NetworkingMode networking = d.networkingMode();
        boolean forwarding = d.localhostForwarding();
        long forwardIdle = d.forwardIdleTimeoutMillis();
        List<PortForward> ports = d.ports();
        for (Setting s : settings.values()) {
            Object v = value(s);
            if (v == null) {
                continue;
            }
            origins.vm(name, s.key(), s.origin());
            Object x = v == SettingParser.UNSET ? null : v;
            switch (s.key()) {
                case MEMORY -> memory = (Long) x;
                case PROCESSORS -> processors = (Integer) x;
                case KERNEL -> kernel = (GuestKernel) x;
                case INITRD -> initrd = (Path) x;
                case KERNEL_COMMAND_LINE -> commandLine = (String) x;
                case VM_IDLE_TIMEOUT -> idle = (Long) x;
                case BOOT_TIMEOUT -> boot = (Long) x;
                case SHUTDOWN_TIMEOUT -> shutdown = (Long) x;
                case SWAP -> swap = (Long) x;
                case AUTO_MEMORY_RECLAIM -> reclaim = (MemoryReclaim) x;
                case HOST_SHARE -> share = (Path) x;
                case HOST_SHARE_MOUNT_POINT -> mountPoint = (String) x;
                case HOST_SHARE_READ_ONLY -> readOnly = (Boolean) x;
                case HOST_SHARE_ALLOW_ROOT -> allowRoot = (Boolean) x;
                case HOST_SHARE_CACHE -> shareCache = (String) x;
                case RECLAIM_IDLE_CPU -> idleCpu = (Double) x;
                case RECLAIM_IDLE_WINDOW -> idleWindow = (Long) x;
                case IDLE_ACTION -> idleAction = (IdleAction) x;
                case PREWARM -> prewarm = castList(x);
                case KEEP_ALIVE -> keepAlive = castList(x);
                case DISK_SIZE -> disk = (Long) x;
                case NETWORKING_MODE -> networking = (NetworkingMode) x;
                case LOCALHOST_FORWARDING -> forwarding = (Boolean) x;
                case FORWARD_IDLE_TIMEOUT -> forwardIdle = (Long) x;
                case PORTS -> ports = castList(x);
                default -> throw new IllegalStateException("not a VM key: " + s.key());
            }
        }
        if (share != null && share.getNameCount() == 0 && !allowRoot) {
            Setting s = settings.get(ConfigKey.HOST_SHARE);
            problems.error(s.line(), s.written(), s.value(), "sharing " + share
                    + " gives the guest the whole host file system; set hostShareAllowRoot = true to allow it");
        }
        for (ConfigKey option : SHARE_OPTIONS) {
            Setting s = settings.get(option);
            if (s != null) {
                shareOptionUsed.merge(s, share != null, Boolean::logicalOr);
            }
        }
        if (settings.containsKey(ConfigKey.PORTS)) {
            portSettings.put(name, settings.get(ConfigKey.PORTS));
        }
        HostShare hostShare = share == null ? null : new HostShare(share, mountPoint, readOnly, shareCache);
        return new VmConfig(name, memory, processors, kernel, initrd, commandLine, idle, boot, shutdown, swap,
                reclaim, hostShare, idleCpu, idleWindow, idleAction, prewarm, keepAlive, disk, networking, forwarding, forwardIdle,
                ports);
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> castList(Object x) {
        return (List<T>) x;
    }

    private Object value(Setting s) {
        if (!parsed.containsKey(s)) {
            parsed.put(s, parser.parse(s));
        }
        return parsed.get(s);
    }
}
