package dev.uvm.hcs.driver;

import dev.uvm.config.GuestKernel;
import dev.uvm.config.HostShare;
import dev.uvm.config.IdleAction;
import dev.uvm.config.MemoryReclaim;
import dev.uvm.config.VmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A stand-in guest image folder and VM configs for the HCS driver's tests. */
final class TestVms {
    /** What the stand-in image's {@code cmdline} file recommends. */
    static final String IMAGE_CMDLINE = "8250.nr_uarts=1 uvm.image=test";
    static final long MIB = 1024 * 1024;

    private TestVms() {
    }

    /** A folder laid out like {@code guest/out}; the double never reads the files, HcsDriver checks they exist. */
    static Path image(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("vmlinux"), "not a kernel");
        Files.writeString(dir.resolve("initramfs.cpio"), "not an initramfs");
        Files.writeString(dir.resolve("cmdline"), IMAGE_CMDLINE + "\n");
        return dir;
    }

    /** The {@code default} VM: 512 MiB, 2 processors, the given timeouts, the image's kernel. */
    static VmConfig config(long idleMillis, long bootMillis, long shutdownMillis) {
        return new VmConfig(VmConfig.DEFAULT_NAME, 512 * MIB, 2, null, null, "uvm.debug", idleMillis, bootMillis,
                shutdownMillis, 0, MemoryReclaim.DISABLED, null, VmConfig.DEFAULT_RECLAIM_IDLE_CPU_PERCENT, VmConfig.DEFAULT_RECLAIM_IDLE_WINDOW_MILLIS, IdleAction.SHUTDOWN, List.of(), List.of(), VmConfig.DEFAULT_DISK_BYTES);
    }

    static VmConfig withShare(VmConfig c, HostShare share) {
        return new VmConfig(c.name(), c.memoryBytes(), c.processors(), c.kernel(), c.initrd(), c.kernelCommandLine(),
                c.vmIdleTimeoutMillis(), c.bootTimeoutMillis(), c.shutdownTimeoutMillis(), c.swapBytes(),
                c.autoMemoryReclaim(), share, c.reclaimIdleCpuPercent(), c.reclaimIdleWindowMillis(), c.idleAction(),
                c.prewarm(), c.keepAlive(), c.diskBytes());
    }

    static VmConfig withKernel(VmConfig c, Path kernel, Path initrd, long memoryBytes) {
        return new VmConfig(c.name(), memoryBytes, c.processors(), GuestKernel.file(kernel), initrd, c.kernelCommandLine(),
                c.vmIdleTimeoutMillis(), c.bootTimeoutMillis(), c.shutdownTimeoutMillis(), c.swapBytes(),
                c.autoMemoryReclaim(), c.hostShare(), c.reclaimIdleCpuPercent(), c.reclaimIdleWindowMillis(),
                c.idleAction(), c.prewarm(), c.keepAlive(), c.diskBytes());
    }
}
