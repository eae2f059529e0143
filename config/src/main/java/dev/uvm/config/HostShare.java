package dev.uvm.config;

import java.nio.file.Path;

/**
 * A host folder shared into the guest over 9P.
 *
 * @param hostPath  the host directory (exists, is a directory)
 * @param guestPath where the guest mounts it, {@code /mnt/host} by default
 * @param readOnly  whether the guest may only read
 * @param cache     the guest's 9P cache mode: {@code none} (every read goes to the host), {@code mmap}
 *                  (page cache for mapped files only) or {@code loose} (reads are cached in the guest)
 */
public record HostShare(Path hostPath, String guestPath, boolean readOnly, String cache) {
    public HostShare(Path hostPath, String guestPath, boolean readOnly) {
        this(hostPath, guestPath, readOnly, "none");
    }
}
