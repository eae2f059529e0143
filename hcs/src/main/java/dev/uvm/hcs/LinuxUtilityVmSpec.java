package dev.uvm.hcs;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a Linux utility VM boots and how big it is. Paths are host (Windows) paths, kept as strings.
 *
 * @param kernelPath the kernel image, booted directly (LinuxKernelDirect) without firmware
 * @param initrdPath the initial ramdisk, or null
 * @param kernelCommandLine passed unchanged; {@code console=ttyS0} needs {@code consolePipe}
 * @param memoryMb guest memory in MiB; rounded up to an even number in the HCS document
 * @param processorCount virtual processors, at most the host's logical processors
 * @param plan9Share a share present from boot, or null (the Plan9 device is always present, so shares
 *        can also be added later)
 * @param consolePipe named pipe for COM1, such as {@code \\.\pipe\vm-console}, or null for none
 * @param terminateOnLastHandleClosed let HCS terminate the VM when the last handle closes, so a
 *        crashed manager leaks no VM
 * @param scsiDisks disks on SCSI controller "0", LUN 0 first
 * @param hvSocketServices hvsocket services the host may bind for this VM (SYSTEM and Administrators),
 *        listed in the document's ServiceTable
 */
public record LinuxUtilityVmSpec(String kernelPath, String initrdPath, String kernelCommandLine, long memoryMb,
        int processorCount, Plan9ShareSpec plan9Share, String consolePipe, boolean terminateOnLastHandleClosed,
        List<ScsiDiskSpec> scsiDisks, List<UUID> hvSocketServices) {

    public LinuxUtilityVmSpec {
        Objects.requireNonNull(kernelPath, "kernelPath");
        if (kernelPath.isBlank()) {
            throw new IllegalArgumentException("kernelPath must not be blank");
        }
        if (memoryMb <= 0) {
            throw new IllegalArgumentException("memoryMb must be positive, was " + memoryMb);
        }
        if (processorCount <= 0) {
            throw new IllegalArgumentException("processorCount must be positive, was " + processorCount);
        }
        kernelCommandLine = kernelCommandLine == null ? "" : kernelCommandLine;
        scsiDisks = scsiDisks == null ? List.of() : List.copyOf(scsiDisks);
        hvSocketServices = hvSocketServices == null ? List.of() : List.copyOf(hvSocketServices);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a spec; defaults: 1024 MiB, 2 processors, no share, no console, terminate on last handle. */
    public static final class Builder {
        private String kernelPath;
        private String initrdPath;
        private String kernelCommandLine = "";
        private long memoryMb = 1024;
        private int processorCount = 2;
        private Plan9ShareSpec plan9Share;
        private String consolePipe;
        private boolean terminateOnLastHandleClosed = true;
        private final List<ScsiDiskSpec> scsiDisks = new ArrayList<>();
        private final List<UUID> hvSocketServices = new ArrayList<>();

        private Builder() {
        }

        public Builder kernel(String path) {
            this.kernelPath = path;
            return this;
        }

        public Builder initrd(String path) {
            this.initrdPath = path;
            return this;
        }

        public Builder commandLine(String commandLine) {
            this.kernelCommandLine = commandLine;
            return this;
        }

        public Builder memoryMb(long memoryMb) {
            this.memoryMb = memoryMb;
            return this;
        }

        public Builder processors(int count) {
            this.processorCount = count;
            return this;
        }

        public Builder plan9Share(Plan9ShareSpec share) {
            this.plan9Share = share;
            return this;
        }

        public Builder consolePipe(String pipe) {
            this.consolePipe = pipe;
            return this;
        }

        public Builder terminateOnLastHandleClosed(boolean terminate) {
            this.terminateOnLastHandleClosed = terminate;
            return this;
        }

        /** Adds a disk at the next LUN. */
        public Builder scsiDisk(ScsiDiskSpec disk) {
            this.scsiDisks.add(disk);
            return this;
        }

        /** Lets the host bind the hvsocket {@code service} of this VM. */
        public Builder hvSocketService(UUID service) {
            this.hvSocketServices.add(service);
            return this;
        }

        public LinuxUtilityVmSpec build() {
            return new LinuxUtilityVmSpec(kernelPath, initrdPath, kernelCommandLine, memoryMb, processorCount,
                    plan9Share, consolePipe, terminateOnLastHandleClosed, scsiDisks, hvSocketServices);
        }
    }
}
