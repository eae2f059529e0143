package dev.uvm.hcs.driver;

import dev.uvm.hcs.vhd.VhdxFiles;
import dev.uvm.vm.BootException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VM's data disk on Windows, which holds its distributions: {@code <stateDir>/disks/<vm>.vhdx},
 * a sparse dynamic VHDX (see {@link VhdxFiles}) on SCSI controller "0", LUN 0, which the guest
 * sees as {@code /dev/sda} and mounts at {@code /data} with discard.
 *
 * <p>Windows has no mkfs.ext4, so a new VHDX is left blank and the guest's init formats it
 * ({@code uvm.data.new} on the kernel command line, and only if the disk still carries no file
 * system). The request stands until a boot reaches the agent, which the guest starts only after
 * its init has formatted and mounted the disk: a marker file beside the disk, made before the disk
 * and removed by {@link #formatted}, keeps it across a first boot that failed earlier (a boot
 * timeout, a crash, a daemon that died), so the next boot formats the still blank disk instead of
 * running without one. A disk the guest has seen is never formatted, and is used as it is: a larger {@code diskSize} does not grow it yet (the QEMU driver grows its
 * raw disks; the VHDX would need ResizeVirtualDisk and a resize2fs in the guest).
 */
final class HcsDataDisk {
    /** Kernel parameter of the first boot with a new, blank disk. */
    static final String NEW_DISK_PARAMETER = "uvm.data.new";
    private static final Logger log = LoggerFactory.getLogger(HcsDataDisk.class);

    private HcsDataDisk() {
    }

    /** The data disk of VM {@code vmName} under {@code disksDir}. */
    static Path of(Path disksDir, String vmName) {
        return disksDir.resolve(vmName + ".vhdx");
    }

    /**
     * Makes sure {@code file} exists, creating a sparse VHDX of {@code bytes} if it does not.
     *
     * @return whether the guest is still to format it: it was created now or by a boot that did not
     *         reach the agent
     */
    static boolean prepare(Path file, long bytes) throws BootException {
        Path unformatted = unformattedMarker(file);
        if (Files.exists(file)) {
            return Files.exists(unformatted);
        }
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(unformatted);
            Files.createFile(unformatted);
            VhdxFiles.createSparse(file, bytes);
        } catch (IOException e) {
            throw new BootException("cannot create the data disk " + file + ": " + e.getMessage(), e);
        }
        log.info("created data disk {} ({} bytes, sparse VHDX)", file, bytes);
        return true;
    }

    /** A boot with {@code file} attached reached the agent: the guest has formatted it, if it was to. */
    static void formatted(Path file) {
        try {
            Files.deleteIfExists(unformattedMarker(file));
        } catch (IOException e) {
            // The next boot asks again; the guest formats only a blank disk, so that is harmless.
            log.warn("cannot remove {}: {}; the next boot asks the guest again to format a blank disk",
                    unformattedMarker(file), e.getMessage());
        }
    }

    private static Path unformattedMarker(Path file) {
        return file.resolveSibling(file.getFileName() + ".unformatted");
    }
}
