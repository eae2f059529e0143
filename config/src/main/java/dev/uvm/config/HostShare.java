package dev.uvm.config;

import java.nio.file.Path;

/**
 * A host folder shared into the guest over 9P.
 *
 * @param hostPath  the host directory (exists, is a directory)
 * @param guestPath where the guest mounts it, {@code /mnt/host} by default
 * @param readOnly  whether the guest may only read
 */
public record HostShare(Path hostPath, String guestPath, boolean readOnly) {
}
