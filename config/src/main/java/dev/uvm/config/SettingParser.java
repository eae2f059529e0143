package dev.uvm.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one setting's text into its typed value and range-checks it. Errors and warnings go to
 * {@link Problems}, naming the line, the key as written and the value. Checks that involve more
 * than one key (sharing {@code /}) are {@link ConfigAssembler}'s.
 */
final class SettingParser {
    /** Returned for an empty path, which means "not set": the built-in default applies. */
    static final Object UNSET = new Object() {
        @Override
        public String toString() {
            return "UNSET";
        }
    };

    static final long MIN_MEMORY_BYTES = 64 * ValueSyntax.MIB;
    static final long MIN_DISK_BYTES = 1024 * ValueSyntax.MIB;
    static final long MAX_DISK_BYTES = 16L << 40;
    static final long MAX_IDLE_TIMEOUT_MILLIS = 30L * 24 * 3_600_000;
    static final long MIN_STOP_BOOT_TIMEOUT_MILLIS = 1_000;
    static final long MAX_STOP_BOOT_TIMEOUT_MILLIS = 10 * 60_000;
    static final long MIN_RECLAIM_WINDOW_MILLIS = 10_000;
    static final long MAX_RECLAIM_WINDOW_MILLIS = 3_600_000;
    /** sun_path holds 108 bytes including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final Pattern GROUP = Pattern.compile("[a-z_][a-z0-9_-]{0,31}\\$?");
    private static final Pattern ADDRESS = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):(\\d{1,5})");
    private static final Pattern PORT = Pattern.compile("(\\d{1,5})(?::(\\d{1,5}))?");
    private static final Pattern GUEST_PATH = Pattern.compile("(/[^/\\s,]+)+/?");

    private final Problems problems;
    private final HostInfo host;

    SettingParser(Problems problems, HostInfo host) {
        this.problems = problems;
        this.host = host;
    }

    /** The typed value, {@link #UNSET}, or {@code null} when the value is wrong (an error was recorded). */
    Object parse(Setting s) {
        try {
            return switch (s.key()) {
                case SOCKET -> socket(s.value());
                case SOCKET_GROUP -> s.value().isEmpty() ? UNSET : matching(GROUP, s.value(),
                        "expected a group name such as uvm");
                case METRICS_ADDRESS -> metricsAddress(s.value());
                case BACKEND -> backend(s.value());
                case STATE_DIR -> stateDir(s.value());
                case LOG_LEVEL -> oneOf(s.value(), "error", "warn", "info", "debug", "trace");
                case CONSOLE_LOG_SIZE -> within(ValueSyntax.parseSize(s.value()), 64L << 10, 1L << 30,
                        "must be from 64KB to 1GB (two copies are kept per VM: the log and the one before)");
                case MEMORY -> memory(s.value());
                case PROCESSORS -> processors(s.value());
                case KERNEL -> kernel(s);
                case INITRD -> file(s);
                case KERNEL_COMMAND_LINE -> s.value();
                case VM_IDLE_TIMEOUT -> within(ValueSyntax.parseDuration(s.value()), Long.MIN_VALUE,
                        MAX_IDLE_TIMEOUT_MILLIS, "must be at most 30 days (720h); negative means never");
                case BOOT_TIMEOUT, SHUTDOWN_TIMEOUT -> within(ValueSyntax.parseDuration(s.value()),
                        MIN_STOP_BOOT_TIMEOUT_MILLIS, MAX_STOP_BOOT_TIMEOUT_MILLIS, "must be from 1s to 10min");
                case SWAP -> ValueSyntax.parseSize(s.value());
                case AUTO_MEMORY_RECLAIM -> reclaim(s.value());
                case HOST_SHARE -> directory(s);
                case HOST_SHARE_MOUNT_POINT -> mountPoint(s.value());
                case HOST_SHARE_READ_ONLY, HOST_SHARE_ALLOW_ROOT -> ValueSyntax.parseBoolean(s.value());
                case HOST_SHARE_CACHE -> oneOf(s.value(), "none", "mmap", "loose");
                case RECLAIM_IDLE_CPU -> idleCpu(s.value());
                case RECLAIM_IDLE_WINDOW -> within(ValueSyntax.parseDuration(s.value()), MIN_RECLAIM_WINDOW_MILLIS,
                        MAX_RECLAIM_WINDOW_MILLIS, "must be from 10s to 1h");
                case IDLE_ACTION -> IdleAction.valueOf(oneOf(s.value(), "shutdown", "suspend").toUpperCase(Locale.ROOT));
                case PREWARM, KEEP_ALIVE -> CronList.parse(s.value());
                case NETWORKING_MODE -> networkingMode(s.value());
                case LOCALHOST_FORWARDING -> ValueSyntax.parseBoolean(s.value());
                case FORWARD_IDLE_TIMEOUT -> within(ValueSyntax.parseDuration(s.value()), 1_000, 24 * 3_600_000L,
                        "must be from 1s to 24h");
                case PORTS -> ports(s.value());
                case DISK_SIZE -> within(ValueSyntax.parseSize(s.value()), MIN_DISK_BYTES, MAX_DISK_BYTES,
                        "must be from 1GB to 16TB (the disk is sparse: only what the distributions use takes space)");
            };
        } catch (IllegalArgumentException e) {
            problems.error(s.line(), s.written(), s.value(), e.getMessage());
            return null;
        }
    }

    private Path socket(String value) {
        Path path = ValueSyntax.parsePath(value, host.home());
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("longer than " + MAX_SOCKET_PATH_BYTES
                    + " bytes, the limit for a Unix socket path; choose a shorter path");
        }
        return path;
    }

    private String metricsAddress(String value) {
        if (value.equalsIgnoreCase("off")) {
            return "off";
        }
        Matcher m = ADDRESS.matcher(value);
        if (!m.matches() || Integer.parseInt(m.group(2)) > 65_535) {
            throw new IllegalArgumentException("expected host:port such as 127.0.0.1:9477 or [::1]:9477, or off");
        }
        return value;
    }

    private Backend backend(String value) {
        Backend backend = Backend.valueOf(oneOf(value, "auto", "qemu", "hcs").toUpperCase(Locale.ROOT));
        if (backend == Backend.HCS && !host.windows()) {
            throw new IllegalArgumentException("the hcs backend needs Windows; use auto or qemu on this host");
        }
        return backend;
    }

    private Path stateDir(String value) {
        Path path = ValueSyntax.parsePath(value, host.home());
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new IllegalArgumentException("exists and is not a directory");
        }
        return path;
    }

    private long memory(String value) {
        long bytes = ValueSyntax.parseSize(value);
        if (bytes < MIN_MEMORY_BYTES) {
            throw new IllegalArgumentException("must be at least 64MB");
        }
        if (bytes > host.memoryBytes()) {
            throw new IllegalArgumentException("must be at most the host's memory, "
                    + ValueSyntax.describeSize(host.memoryBytes()));
        }
        return bytes;
    }

    private int processors(String value) {
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number of processors from 1 to " + host.processors());
        }
        return (int) within(n, 1, host.processors(),
                "must be from 1 to " + host.processors() + ", the host's logical CPUs");
    }

    /** {@code uvm}, {@code debian} or a kernel file; a Windows path stays a warning ({@link #hostPath}). */
    private Object kernel(Setting s) {
        String v = s.value().strip();
        if (v.equalsIgnoreCase("uvm")) {
            return GuestKernel.UVM;
        }
        if (v.equalsIgnoreCase("debian")) {
            return GuestKernel.DEBIAN;
        }
        try {
            Object file = file(s);
            return file instanceof Path p ? GuestKernel.file(p) : file;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; kernel is uvm (uvm's own, the default), debian"
                    + " (Debian's generic kernel) or the path of a kernel file");
        }
    }

    private Object file(Setting s) {
        Object path = hostPath(s);
        if (path instanceof Path p) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("file not found: " + p);
            }
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("not a regular file: " + p);
            }
        }
        return path;
    }

    private Object directory(Setting s) {
        Object path = hostPath(s);
        if (path instanceof Path p) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("directory not found: " + p);
            }
            if (!Files.isDirectory(p)) {
                throw new IllegalArgumentException("not a directory: " + p);
            }
        }
        return path;
    }

    /** A host path; empty means unset, and a Windows path on another host is ignored with a warning. */
    private Object hostPath(Setting s) {
        if (s.value().isEmpty()) {
            return UNSET;
        }
        if (!host.windows() && ValueSyntax.isWindowsPath(s.value())) {
            problems.warning(s.line(), s.written(), s.value(),
                    "a Windows path cannot be used on this host, ignored; the built-in default applies");
            return UNSET;
        }
        return ValueSyntax.parsePath(s.value(), host.home());
    }

    private static MemoryReclaim reclaim(String value) {
        return switch (oneOf(value, "disabled", "dropCache", "gradual")) {
            case "disabled" -> MemoryReclaim.DISABLED;
            case "dropCache" -> MemoryReclaim.DROP_CACHE;
            default -> MemoryReclaim.GRADUAL;
        };
    }

    private static double idleCpu(String value) {
        String v = value.strip();
        if (v.endsWith("%")) {
            v = v.substring(0, v.length() - 1).strip();
        }
        double percent;
        try {
            percent = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a percentage such as 0.5%");
        }
        if (!(percent > 0 && percent <= 50)) {
            throw new IllegalArgumentException("must be more than 0% and at most 50%");
        }
        return percent;
    }

    private static String mountPoint(String value) {
        String v = matching(GUEST_PATH, value, "expected an absolute guest path such as /mnt/host");
        if (v.contains("/../") || v.endsWith("/..") || v.contains("/./") || v.endsWith("/.")) {
            throw new IllegalArgumentException("expected an absolute guest path such as /mnt/host, without . or ..");
        }
        return v.length() > 1 && v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
    }

    /**
     * {@code 8080, 15432:5432}: each a host port, or host:guest. A host port below the host's first
     * unprivileged port ({@link HostInfo#firstUnprivilegedPort}) is refused: the daemon could not listen there.
     */
    private List<PortForward> ports(String value) {
        List<PortForward> ports = new ArrayList<>();
        Set<Integer> hosts = new HashSet<>();
        for (String item : value.split(",")) {
            String t = item.strip();
            if (t.isEmpty()) {
                continue;
            }
            Matcher m = PORT.matcher(t);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + t + "' is not a port: expected a host port such as 8080, or"
                        + " host:guest such as 15432:5432, separated by commas");
            }
            int host = Integer.parseInt(m.group(1));
            int guest = m.group(2) == null ? host : Integer.parseInt(m.group(2));
            if (host < 1 || host > 65_535 || guest < 1 || guest > 65_535) {
                throw new IllegalArgumentException("'" + t + "': ports are numbered 1 to 65535");
            }
            if (host < this.host.firstUnprivilegedPort()) {
                throw new IllegalArgumentException("host port " + host + " is below "
                        + this.host.firstUnprivilegedPort() + ", where only root may listen, and the daemon does not"
                        + " run as root; choose a host port from " + this.host.firstUnprivilegedPort()
                        + ", for example " + (host + 8000) + ":" + guest);
            }
            if (!hosts.add(host)) {
                throw new IllegalArgumentException("host port " + host + " is declared twice");
            }
            ports.add(new PortForward(host, guest));
        }
        return ports;
    }

    /** {@code nat} or {@code none}; WSL's other modes are named with why uvm has none of them. */
    private static NetworkingMode networkingMode(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("mirrored") || v.equals("bridged") || v.equals("virtioproxy")) {
            throw new IllegalArgumentException("WSL's " + v + " mode needs Hyper-V's virtual switch or Windows' own"
                    + " network stack; uvm offers nat (the default) or none");
        }
        return NetworkingMode.valueOf(oneOf(value, "nat", "none").toUpperCase(Locale.ROOT));
    }

    /** One of {@code allowed}, matched ignoring case, returned in its canonical spelling. */
    private static String oneOf(String value, String... allowed) {
        for (String a : allowed) {
            if (a.equalsIgnoreCase(value.strip())) {
                return a;
            }
        }
        int last = allowed.length - 1;
        throw new IllegalArgumentException("expected " + String.join(", ", Arrays.copyOf(allowed, last))
                + " or " + allowed[last]);
    }

    private static String matching(Pattern pattern, String value, String expected) {
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(expected);
        }
        return value;
    }

    private static long within(long value, long min, long max, String rule) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(rule);
        }
        return value;
    }
}
