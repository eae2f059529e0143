package dev.uvm.qemu.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data disk is made sparse, ext4, owner-only, and grows with diskSize but never shrinks. */
class DataDiskTest {
    private static final long GIB = 1L << 30;

    @Test
    void newDisk_isSparseExt4ReadableByItsOwnerOnly_andGrowsButNeverShrinks(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disks/default.img");
        DataDisk.prepare(disk, 2 * GIB);
        assertEquals(2 * GIB, Files.size(disk));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(disk)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(disk.getParent())));
        long allocated = Long.parseLong(run("du", "-B1", disk.toString()).split("\\s+")[0]);
        assertTrue(allocated < 128L << 20, "a new 2 GiB disk should take a few MiB on the host, takes " + allocated);
        assertTrue(run(DataDisk.tool("dumpe2fs"), "-h", disk.toString()).contains("Filesystem volume name:   uvm-data"));

        DataDisk.prepare(disk, 3 * GIB);
        assertEquals(3 * GIB, Files.size(disk));
        String header = run(DataDisk.tool("dumpe2fs"), "-h", disk.toString());
        long blocks = Long.parseLong(header.lines().filter(l -> l.startsWith("Block count:")).findFirst()
                .orElseThrow().replaceAll("\\D", ""));
        long blockSize = Long.parseLong(header.lines().filter(l -> l.startsWith("Block size:")).findFirst()
                .orElseThrow().replaceAll("\\D", ""));
        assertEquals(3 * GIB, blocks * blockSize, "the file system grew with the file");

        DataDisk.prepare(disk, GIB);
        assertEquals(3 * GIB, Files.size(disk), "a smaller diskSize never shrinks a disk");
        assertTrue(Files.notExists(dir.resolve("disks/.default.img.new")));
    }

    @Test
    void aDiskMarkedWithErrors_isCheckedAndRepairedBeforeTheNextBoot(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disks/default.img");
        DataDisk.prepare(disk, GIB);
        // What the guest's ext4 leaves when a write failed: "clean with errors", and a broken free-block count.
        run(DataDisk.tool("debugfs"), "-w", "-R", "ssv state 3", disk.toString());
        run(DataDisk.tool("debugfs"), "-w", "-R", "ssv free_blocks_count 1", disk.toString());
        assertTrue(DataDisk.markedWithErrors(disk));
        assertTrue(run(DataDisk.tool("dumpe2fs"), "-h", disk.toString()).contains("clean with errors"));

        DataDisk.prepare(disk, GIB);
        assertFalse(DataDisk.markedWithErrors(disk), "e2fsck cleared the error state");
        String header = run(DataDisk.tool("dumpe2fs"), "-h", disk.toString());
        assertTrue(header.lines().anyMatch(l -> l.matches("Filesystem state:\\s+clean")), header);
        long free = Long.parseLong(header.lines().filter(l -> l.startsWith("Free blocks:")).findFirst()
                .orElseThrow().replaceAll("\\D", ""));
        assertTrue(free > 1000, "the free-block count was recomputed: " + free);
        run(DataDisk.tool("e2fsck"), "-f", "-n", disk.toString());
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
