package dev.uvm.qemu.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saved VM files and the check that a saved state still fits the VM a boot would start now. */
class SavedVmsTest {
    private static final List<String> ARGV = List.of("qemu-system-x86_64", "-m", "512M", "-smp", "1",
            "-append", "console=ttyS0 quiet tsc_early_khz=2100000 init_on_alloc=0");
    private static final List<String> INPUTS = List.of("/usr/bin/qemu:1:2", "/img/vmlinux:3:4", "/img/initrd:5:6");
    private static final SavedVms.Info SAVED = new SavedVms.Info("default", ARGV, INPUTS, 1_000, 77);

    @Test
    void sameCommandLine_otherHostTscReading_fits() {
        List<String> now = List.of("qemu-system-x86_64", "-m", "512M", "-smp", "1",
                "-append", "console=ttyS0 quiet tsc_early_khz=2099998 init_on_alloc=0");
        assertNull(SavedVms.commandLineChange(SAVED, now));
        assertNull(SavedVms.mismatch(SAVED, INPUTS, 77));
    }

    @Test
    void changedMemory_namesTheArgument() {
        List<String> now = List.of("qemu-system-x86_64", "-m", "1024M", "-smp", "1",
                "-append", "console=ttyS0 quiet tsc_early_khz=2100000 init_on_alloc=0");
        assertEquals("`512M` is now `1024M`", SavedVms.commandLineChange(SAVED, now));
        assertNull(SavedVms.mismatch(SAVED, INPUTS, 77), "a changed command line does not stop the restore");
    }

    @Test
    void changedKernelFile_orTruncatedStream_doNotFit() {
        assertTrue(SavedVms.mismatch(SAVED, List.of("/usr/bin/qemu:1:2", "/img/vmlinux:3:9", "/img/initrd:5:6"),
                77).contains("kernel, initrd or data disk changed"));
        assertTrue(SavedVms.mismatch(SAVED, INPUTS, 10).contains("truncated or overwritten"));
    }

    @Test
    void inputsNow_readsTheSavedFilesAgain_notTheOnesTheConfigPicksToday(@TempDir Path dir) throws Exception {
        Path kernel = Files.writeString(dir.resolve("vmlinux:odd name"), "kernel");
        Path other = Files.writeString(dir.resolve("vmlinux-uvm"), "another kernel");
        SavedVms.Info saved = new SavedVms.Info("default", ARGV, List.of(SavedVms.identity(kernel)), 1_000, 77);
        assertNull(SavedVms.mismatch(saved, SavedVms.inputsNow(saved), 77),
                "the saved kernel is unchanged, whatever else the image now holds (" + other + ")");
        Files.writeString(kernel, "rebuilt kernel");
        assertTrue(SavedVms.mismatch(saved, SavedVms.inputsNow(saved), 77).contains("changed since the save"));
        Files.delete(kernel);
        assertTrue(SavedVms.inputsNow(saved).get(0).endsWith(":missing"));
    }

    @Test
    void commit_thenFindAndDelete(@TempDir Path dir) throws Exception {
        SavedVms saved = new SavedVms(dir);
        Path partial = saved.prepare("default");
        Files.write(partial, new byte[77]);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(partial)), "the saved guest memory is the daemon user's only");
        assertTrue(saved.names().isEmpty(), "a partial save is not a saved VM");
        saved.commit(SAVED);
        assertEquals(List.of("default"), saved.names());
        assertEquals(SAVED, saved.find("default").orElseThrow());
        assertTrue(saved.delete("default"));
        assertFalse(Files.exists(saved.data("default")));
        assertTrue(saved.find("default").isEmpty());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
