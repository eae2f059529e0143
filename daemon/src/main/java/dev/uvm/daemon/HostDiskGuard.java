package dev.uvm.daemon;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps some of the host's disk free while a distribution is written to a VM's data disk. The
 * data disk is a sparse file: the guest sees gigabytes free while the host's disk under the state
 * folder may be nearly full. When the host's disk does fill up, the guest's writes fail with EIO,
 * ext4 switches the data disk to read-only and every distribution of that VM stops being
 * writable until the disk is checked. So an import is stopped, and its partial files deleted in
 * the guest, while a reserve is still free: 10% of the file system, at least 16 MiB and at most
 * 256 MiB. What can still land after the guard trips is what the guest was writing back at that
 * moment; the guest keeps little dirty data for that reason ({@code vm.dirty_bytes} in
 * {@code guest/init}).
 */
final class HostDiskGuard {
    static final long MIN_RESERVE = 16L << 20;
    static final long MAX_RESERVE = 256L << 20;

    private final Path dir;

    HostDiskGuard(Path dir) {
        this.dir = dir;
    }

    /** The bytes to keep free on a file system of {@code total} bytes. */
    static long reserve(long total) {
        return Math.max(MIN_RESERVE, Math.min(MAX_RESERVE, total / 10));
    }

    /**
     * Why writing on must stop, or null while more than the reserve is free (or the space cannot
     * be read: the writes themselves will then report the problem).
     */
    String low() {
        try {
            FileStore store = Files.getFileStore(dir);
            long free = store.getUsableSpace();
            long reserve = reserve(store.getTotalSpace());
            if (free >= reserve) {
                return null;
            }
            return "the host's disk holding " + dir + " has " + mib(free) + " MiB free, less than the " + mib(reserve)
                    + " MiB uvm keeps free so that writes to the VM's data disk do not fail; free some space on the host"
                    + " (or move the state folder), then try again";
        } catch (IOException e) {
            return null;
        }
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
