package dev.uvm.config;

import java.util.Locale;
import java.util.Set;

/**
 * What uvm knows of {@code .wslconfig} and {@code wsl.conf} beyond the keys it implements, so that
 * a WSL file given as-is produces "not supported by uvm, ignored" warnings rather than errors or
 * "unknown key" noise.
 */
final class WslCompat {
    /** {@code [wsl2]} and {@code [experimental]} keys of WSL that uvm does not implement (lower case). */
    private static final Set<String> UNSUPPORTED_KEYS = lower(Set.of(
            "kernelModules", "loadKernelModules", "loadDefaultKernelModules", "debugConsole",
            "debugConsoleLogFile", "earlyBootLogging", "swapFile",
            "nestedVirtualization", "virtio9p", "virtiofs", "virtio", "kernelDebugPort", "gpuSupport",
            "guiApplications", "systemDistro", "telemetry", "distributionStartTimeout",
            "hostFileSystemAccess", "mountDeviceTimeout", "hardwarePerformanceCounters",
            "vmSwitch", "macAddress", "dhcp", "dhcpTimeout", "ipv6", "dnsProxy", "safeMode",
            "crashDumpFolder", "maxCrashDumpCount", "dnsTunneling", "firewall",
            "autoProxy", "pageReporting", "sparseVhd", "bestEffortDnsParsing", "dnsTunnelingIpAddress",
            "initialAutoProxyTimeout", "ignoredPorts", "hostAddressLoopback", "setVersionDebug",
            "useWindowsDnsCache"));

    /** Sections of {@code wsl.conf} (and {@code .wslconfig}'s {@code [general]}) that mean nothing to uvm. */
    private static final Set<String> WSL_CONF_SECTIONS = Set.of(
            "general", "boot", "automount", "network", "interop", "user", "filesystem", "gpu", "time");

    private WslCompat() {
    }

    /** Whether {@code key} is a WSL VM setting uvm does not implement. Case is ignored, as WSL does. */
    static boolean isUnsupportedWslKey(String key) {
        return UNSUPPORTED_KEYS.contains(key.toLowerCase(Locale.ROOT));
    }

    /** Whether {@code section} is a {@code wsl.conf}-style section such as {@code [general]}. */
    static boolean isWslConfSection(String section) {
        return WSL_CONF_SECTIONS.contains(section.toLowerCase(Locale.ROOT));
    }

    private static Set<String> lower(Set<String> keys) {
        return Set.copyOf(keys.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList());
    }
}
