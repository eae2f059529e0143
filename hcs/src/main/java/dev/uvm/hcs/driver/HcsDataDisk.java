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
 * <p>Windows has no mkfs.ext4, so a new VHDX is left blank and the guest's init formats it on the
 * boot that {@link #prepare} reports as the first ({@code uvm.data.new} on the kernel command
 * line, and only if the disk still carries no file system). An existing disk is never formatted,
 * and is used as it is: a larger {@code diskSize} does not grow it yet (the QEMU driver grows its
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
     * @return whether it was created now (blank, to be formatted by the guest)
     */
    static boolean prepare(Path file, long bytes) throws BootException {
        if (Files.exists(file)) {
            return false;
        }
        try {
            Files.createDirectories(file.getParent());
            VhdxFiles.createSparse(file, bytes);
        } catch (IOException e) {
            throw new BootException("cannot create the data disk " + file + ": " + e.getMessage(), e);
        }
        log.info("created data disk {} ({} bytes, sparse VHDX)", file, bytes);
        return true;
    }
}
