package dev.uvm.config;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What validation needs to know about the host: its memory and CPUs (the upper bounds of
 * {@code memory} and {@code processors}), whether it is Windows (for {@code .wslconfig} paths and the
 * {@code hcs} backend), the home directory ({@code ~} in paths) and the lowest port the process may
 * listen on (declared {@code ports}). Tests pass fixed values.
 *
 * @param memoryBytes total physical memory in bytes
 * @param processors  logical CPUs available
 * @param windows     whether the host runs Windows
 * @param home        the user's home directory
 * @param firstUnprivilegedPort the lowest TCP port this process may listen on: 0 for root (or a host
 *                    that lets anyone listen anywhere), else {@code net.ipv4.ip_unprivileged_port_start}
 */
public record HostInfo(long memoryBytes, int processors, boolean windows, Path home, int firstUnprivilegedPort) {

    /** Linux's default {@code ip_unprivileged_port_start}. */
    public static final int PRIVILEGED_PORTS_END = 1024;

    /** A host where ports below 1024 need root, and this process is not root. */
    public HostInfo(long memoryBytes, int processors, boolean windows, Path home) {
        this(memoryBytes, processors, windows, home, PRIVILEGED_PORTS_END);
    }

    /** Whether this JVM runs on Windows (where {@code backend = auto} means HCS). */
    public static boolean onWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    /** Reads the running host: {@code /proc/meminfo} MemTotal where present, else the JVM's view. */
    public static HostInfo detect() {
        boolean windows = onWindows();
        return new HostInfo(totalMemory(), Runtime.getRuntime().availableProcessors(), windows,
                Path.of(System.getProperty("user.home")), windows || Locations.isRoot() ? 0 : unprivilegedPortStart());
    }

    /** {@code /proc/sys/net/ipv4/ip_unprivileged_port_start}, or 1024 where it cannot be read. */
    static int unprivilegedPortStart() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).strip());
        } catch (IOException | RuntimeException e) {
            return PRIVILEGED_PORTS_END;
        }
    }

    static long totalMemory() {
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.isReadable(meminfo)) {
            try {
                List<String> lines = Files.readAllLines(meminfo);
                long kib = memTotalKib(lines);
                if (kib > 0) {
                    return kib * ValueSyntax.KIB;
                }
            } catch (IOException | RuntimeException e) {
                // fall through to the JVM's figure
            }
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Long.MAX_VALUE;
    }

    /** The {@code MemTotal:} figure of {@code /proc/meminfo}, in KiB, or -1. */
    static long memTotalKib(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).strip().split("\\s+");
                return Long.parseLong(parts[0]);
            }
        }
        return -1;
    }
}
