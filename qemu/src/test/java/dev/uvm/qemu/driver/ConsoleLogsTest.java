package dev.uvm.qemu.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A console log over its cap is copied to .1 and truncated; a new boot starts a new log. */
class ConsoleLogsTest {

    @Test
    void logOverTheCap_isRotated_andAppendsGoOnAtTheNewEnd(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("logs/vm.console.log");
        try (ConsoleLogs logs = new ConsoleLogs(100)) {
            logs.newBoot(log);
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(log.getParent())));
            Files.writeString(log, "a".repeat(150));
            logs.check();
            assertEquals(150, Files.size(log), "only the logs of running VMs are capped");

            logs.watch(log);
            logs.check();
            assertEquals(0, Files.size(log));
            assertEquals("a".repeat(150), Files.readString(ConsoleLogs.previous(log)));
            Files.writeString(log, "next\n", StandardOpenOption.APPEND);
            assertEquals("next\n", Files.readString(log), "an appending writer goes on at the new end");
            logs.check();
            assertEquals("next\n", Files.readString(log), "under the cap: left alone");

            logs.forget(log);
            logs.newBoot(log);
            assertFalse(Files.exists(log), "a new boot starts a new log");
            assertEquals("next\n", Files.readString(ConsoleLogs.previous(log)), "the last boot's log is kept as .1");
        }
    }
}
