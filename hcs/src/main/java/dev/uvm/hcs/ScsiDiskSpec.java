package dev.uvm.hcs;

import java.util.Objects;

/**
 * A virtual disk on the utility VM's SCSI controller "0"; disks take LUNs 0, 1, ... in the order
 * given, which is the order a Linux guest names them {@code /dev/sda}, {@code /dev/sdb}, ...
 *
 * @param path the host path of a VHDX (or VHD) file
 * @param readOnly whether the guest may only read
 * @param sparse whether the file may be NTFS-sparse, so blocks the guest trims go back to the host
 */
public record ScsiDiskSpec(String path, boolean readOnly, boolean sparse) {

    public ScsiDiskSpec {
        Objects.requireNonNull(path, "path");
        if (path.isBlank()) {
            throw new IllegalArgumentException("SCSI disk path must not be blank");
        }
    }
}
