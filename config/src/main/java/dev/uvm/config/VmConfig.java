package dev.uvm.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The effective settings of one named VM: {@code [vm]} defaults overlaid with {@code [vm.NAME]}.
 *
 * @param name                  the VM's name ({@code default} for the unnamed one)
 * @param memoryBytes           guest RAM in bytes
 * @param processors            virtual CPUs
 * @param kernel                which guest kernel: uvm's own (the default), Debian's, or a file; {@code null}
 *                              means uvm's own
 * @param initrd                initramfs; {@code null} means the project's guest image
 * @param kernelCommandLine     extra kernel command line, appended to the backend's own; may be empty
 * @param vmIdleTimeoutMillis   ms after the last session ends before the VM stops; 0 = at once, negative = never
 * @param bootTimeoutMillis     ms a boot may take before it fails
 * @param shutdownTimeoutMillis ms a clean power-off may take before the VMM is forced down
 * @param swapBytes             guest swap size; 0 = none
 * @param autoMemoryReclaim     what to do with guest memory while idle
 * @param hostShare             a host folder shared into the guest, or {@code null}
 * @param reclaimIdleCpuPercent the guest CPU busy share (percent of all its CPUs) under which it counts as idle
 * @param reclaimIdleWindowMillis how long the guest must stay under that share before memory is reclaimed
 * @param idleAction            what the idle timeout does: stop the VM, or suspend it to disk
 * @param prewarm               Quartz cron expressions at which the VM is booted ahead of use; may be empty
 * @param keepAlive             Quartz cron expressions; while one matches the current second the VM is
 *                              booted and held up whatever the idle timeout says; may be empty
 * @param diskBytes             size of the VM's data disk, which holds its distributions (sparse: the
 *                              host stores only what is used)
 * @param networkingMode        the guest's network: NAT behind the host, or none
 * @param localhostForwarding   whether TCP ports guest processes listen on are forwarded from the host's loopback
 * @param forwardIdleTimeoutMillis how long a forwarded connection may carry no byte before the daemon closes it
 * @param ports                 declared ports: listened on by the host while the VM is down, and waking it
 */
public record VmConfig(String name, long memoryBytes, int processors, GuestKernel kernel, Path initrd,
                       String kernelCommandLine, long vmIdleTimeoutMillis, long bootTimeoutMillis,
                       long shutdownTimeoutMillis, long swapBytes, MemoryReclaim autoMemoryReclaim,
                       HostShare hostShare, double reclaimIdleCpuPercent, long reclaimIdleWindowMillis,
                       IdleAction idleAction, List<String> prewarm, List<String> keepAlive, long diskBytes,
                       NetworkingMode networkingMode, boolean localhostForwarding, long forwardIdleTimeoutMillis,
                       List<PortForward> ports) {

    public static final String DEFAULT_NAME = "default";
    public static final long DEFAULT_MEMORY_BYTES = 512L * 1024 * 1024;
    public static final int DEFAULT_PROCESSORS = 1;
    public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 60_000;
    public static final long DEFAULT_BOOT_TIMEOUT_MILLIS = 30_000;
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 30_000;
    public static final double DEFAULT_RECLAIM_IDLE_CPU_PERCENT = 0.5;
    public static final long DEFAULT_RECLAIM_IDLE_WINDOW_MILLIS = 30_000;
    /** The data disk's default size, as WSL's {@code defaultVhdSize}: 64 GiB, sparse. */
    public static final long DEFAULT_DISK_BYTES = 64L << 30;
    /** Longer than a browser keeps an idle keep-alive connection (Chrome: 5 minutes), so scale-to-zero still works. */
    public static final long DEFAULT_FORWARD_IDLE_TIMEOUT_MILLIS = 5 * 60_000;

    public VmConfig {
        kernel = kernel == null ? GuestKernel.UVM : kernel;
        prewarm = List.copyOf(prewarm);
        keepAlive = List.copyOf(keepAlive);
        ports = List.copyOf(ports);
    }

    /** With the default network (NAT, localhost forwarding on). */
    public VmConfig(String name, long memoryBytes, int processors, GuestKernel kernel, Path initrd, String kernelCommandLine,
                    long vmIdleTimeoutMillis, long bootTimeoutMillis, long shutdownTimeoutMillis, long swapBytes,
                    MemoryReclaim autoMemoryReclaim, HostShare hostShare, double reclaimIdleCpuPercent,
                    long reclaimIdleWindowMillis, IdleAction idleAction, List<String> prewarm, List<String> keepAlive,
                    long diskBytes) {
        this(name, memoryBytes, processors, kernel, initrd, kernelCommandLine, vmIdleTimeoutMillis, bootTimeoutMillis,
                shutdownTimeoutMillis, swapBytes, autoMemoryReclaim, hostShare, reclaimIdleCpuPercent,
                reclaimIdleWindowMillis, idleAction, prewarm, keepAlive, diskBytes, NetworkingMode.NAT, true,
                DEFAULT_FORWARD_IDLE_TIMEOUT_MILLIS, List.of());
    }

    /** The built-in defaults for a VM of the given name. */
    public static VmConfig defaults(String name) {
        return new VmConfig(name, DEFAULT_MEMORY_BYTES, DEFAULT_PROCESSORS, GuestKernel.UVM, null, "",
                DEFAULT_IDLE_TIMEOUT_MILLIS, DEFAULT_BOOT_TIMEOUT_MILLIS, DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
                0, MemoryReclaim.DISABLED, null, DEFAULT_RECLAIM_IDLE_CPU_PERCENT,
                DEFAULT_RECLAIM_IDLE_WINDOW_MILLIS, IdleAction.SHUTDOWN, List.of(), List.of(), DEFAULT_DISK_BYTES,
                NetworkingMode.NAT, true,
                DEFAULT_FORWARD_IDLE_TIMEOUT_MILLIS, List.of());
    }

    public VmConfig withName(String newName) {
        return new VmConfig(newName, memoryBytes, processors, kernel, initrd, kernelCommandLine,
                vmIdleTimeoutMillis, bootTimeoutMillis, shutdownTimeoutMillis, swapBytes,
                autoMemoryReclaim, hostShare, reclaimIdleCpuPercent, reclaimIdleWindowMillis, idleAction,
                prewarm, keepAlive, diskBytes,
                networkingMode, localhostForwarding,
                forwardIdleTimeoutMillis, ports);
    }

    public VmConfig withIdleTimeout(long millis) {
        return new VmConfig(name, memoryBytes, processors, kernel, initrd, kernelCommandLine,
                millis, bootTimeoutMillis, shutdownTimeoutMillis, swapBytes, autoMemoryReclaim, hostShare,
                reclaimIdleCpuPercent, reclaimIdleWindowMillis, idleAction, prewarm, keepAlive, diskBytes,
                networkingMode, localhostForwarding,
                forwardIdleTimeoutMillis, ports);
    }

    /** A copy with another amount of guest memory. */
    public VmConfig withMemory(long bytes) {
        return new VmConfig(name, bytes, processors, kernel, initrd, kernelCommandLine,
                vmIdleTimeoutMillis, bootTimeoutMillis, shutdownTimeoutMillis, swapBytes, autoMemoryReclaim, hostShare,
                reclaimIdleCpuPercent, reclaimIdleWindowMillis, idleAction, prewarm, keepAlive, diskBytes,
                networkingMode, localhostForwarding,
                forwardIdleTimeoutMillis, ports);
    }

    /** A copy with another reclaim mode and idle detection. */
    public VmConfig withReclaim(MemoryReclaim mode, double idleCpuPercent, long idleWindowMillis) {
        return new VmConfig(name, memoryBytes, processors, kernel, initrd, kernelCommandLine,
                vmIdleTimeoutMillis, bootTimeoutMillis, shutdownTimeoutMillis, swapBytes, mode, hostShare,
                idleCpuPercent, idleWindowMillis, idleAction, prewarm, keepAlive, diskBytes,
                networkingMode, localhostForwarding,
                forwardIdleTimeoutMillis, ports);
    }

    /** A copy with another idle action and warm-up schedules. */
    public VmConfig withSchedules(IdleAction action, List<String> prewarmCron, List<String> keepAliveCron) {
        return new VmConfig(name, memoryBytes, processors, kernel, initrd, kernelCommandLine,
                vmIdleTimeoutMillis, bootTimeoutMillis, shutdownTimeoutMillis, swapBytes, autoMemoryReclaim,
                hostShare, reclaimIdleCpuPercent, reclaimIdleWindowMillis, action, prewarmCron, keepAliveCron, diskBytes,
                networkingMode, localhostForwarding,
                forwardIdleTimeoutMillis, ports);
    }
}
