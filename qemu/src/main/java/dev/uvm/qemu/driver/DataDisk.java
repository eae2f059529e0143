package dev.uvm.qemu.driver;

import dev.uvm.vm.BootException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VM's data disk, which holds its distributions: a sparse raw image with ext4 inside, readable
 * by the daemon's user only. It is made on the host before the VM's first boot (e2fsprogs'
 * {@code mkfs.ext4}, no root needed) and grown, never shrunk, when {@code diskSize} grows
 * ({@code e2fsck} then {@code resize2fs}, while no VM uses it). The guest mounts it at
 * {@code /data} with discard, so deleted files give their space back to the host. A disk whose
 * ext4 recorded an error (a write failed, typically because the host's disk was full, and the
 * guest switched it to read-only) is checked and repaired with {@code e2fsck} before the next boot.
 */
final class DataDisk {
    private static final Logger log = LoggerFactory.getLogger(DataDisk.class);
    /** How long one e2fsprogs command may take. */
    private static final long TOOL_TIMEOUT_SECONDS = 300;

    private DataDisk() {
    }

    /**
     * Makes sure {@code file} is a data disk of at least {@code bytes}; called before a cold boot,
     * when no VM uses the disk.
     */
    static void prepare(Path file, long bytes) throws BootException {
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            if (!Files.exists(file)) {
                create(file, bytes);
                return;
            }
            if (markedWithErrors(file)) {
                repair(file);
            }
            if (Files.size(file) < bytes) {
                grow(file, bytes);
            } else if (Files.size(file) > bytes) {
                log.info("data disk {} is {} bytes, more than diskSize ({}); disks are never shrunk", file,
                        Files.size(file), bytes);
            }
        } catch (IOException e) {
            throw new BootException("cannot prepare the data disk " + file + ": " + e.getMessage()
                    + " (is the host's disk full, or the state folder not writable?)", e);
        }
    }

    private static void create(Path file, long bytes) throws IOException, BootException {
        Path partial = file.resolveSibling("." + file.getFileName() + ".new");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            setLength(partial, bytes);
            // discard on a file punches holes, which read as zeroes: mke2fs then marks the inode tables as
            // zeroed (the guest's ext4lazyinit has nothing to write) and the journal needs no zeroing;
            // the new 64 GiB disk takes about 5 MiB on the host.
            run(List.of(tool("mkfs.ext4"), "-q", "-F", "-L", "uvm-data", "-m", "0",
                    "-E", "discard,lazy_journal_init=1", partial.toString()));
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        log.info("created data disk {} ({} bytes, sparse, ext4)", file, bytes);
    }

    /** ext4's superblock (at byte 1024): s_state, a little-endian 16-bit field at offset 58. */
    private static final int SUPERBLOCK = 1024;
    private static final int S_STATE = 58;
    /** s_state's bit for "errors detected". */
    private static final int ERROR_FS = 0x0002;

    /** Whether the file system recorded an error when it was last mounted. */
    static boolean markedWithErrors(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (f.length() < SUPERBLOCK + S_STATE + 2) {
                return false;
            }
            f.seek(SUPERBLOCK + S_STATE);
            int state = f.readUnsignedByte() | f.readUnsignedByte() << 8;
            return (state & ERROR_FS) != 0;
        }
    }

    private static void repair(Path file) throws IOException, BootException {
        log.warn("data disk {} recorded an error when it was last used (a failed write; was the host's disk full?);"
                + " checking and repairing it with e2fsck", file);
        run(List.of(tool("e2fsck"), "-f", "-y", file.toString()));
        log.warn("data disk {} checked and repaired", file);
    }

    private static void grow(Path file, long bytes) throws IOException, BootException {
        long was = Files.size(file);
        run(List.of(tool("e2fsck"), "-f", "-p", file.toString()));
        setLength(file, bytes);
        run(List.of(tool("resize2fs"), file.toString()));
        log.info("grew data disk {} from {} to {} bytes", file, was, bytes);
    }

    private static void setLength(Path file, long bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
    }

    /** Runs an e2fsprogs command; its output is the exception's message when it fails. */
    private static void run(List<String> cmd) throws IOException, BootException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BootException(cmd.get(0) + " did not finish within " + TOOL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new BootException("interrupted while running " + cmd.get(0));
        }
        // e2fsck exits 1 when it corrected something: the file system is fine afterwards.
        boolean fixed = cmd.get(0).endsWith("e2fsck") && p.exitValue() == 1;
        if (p.exitValue() != 0 && !fixed) {
            throw new BootException(String.join(" ", cmd) + " failed with status " + p.exitValue() + ": " + out);
        }
    }

    /** An e2fsprogs tool: on the PATH, or in /usr/sbin or /sbin (not on a user's PATH on Debian). */
    static String tool(String name) throws BootException {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name).toString();
            }
        }
        throw new BootException(name + " not found: install Debian's e2fsprogs package (scripts/setup.sh does)");
    }
}
