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
 * {@code hcs} backend), and the home directory ({@code ~} in paths). Tests pass fixed values.
 *
 * @param memoryBytes total physical memory in bytes
 * @param processors  logical CPUs available
 * @param windows     whether the host runs Windows
 * @param home        the user's home directory
 */
public record HostInfo(long memoryBytes, int processors, boolean windows, Path home) {

    /** Reads the running host: {@code /proc/meminfo} MemTotal where present, else the JVM's view. */
    public static HostInfo detect() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return new HostInfo(totalMemory(), Runtime.getRuntime().availableProcessors(), windows,
                Path.of(System.getProperty("user.home")));
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
