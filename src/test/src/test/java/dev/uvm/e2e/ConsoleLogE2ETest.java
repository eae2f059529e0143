package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A guest that floods its serial console cannot fill the host: the console log lives on disk under
 * the state folder and is rotated at its cap ({@code consoleLogSize}, here 256 KiB; checked each second),
 * whatever the guest writes.
 */
class ConsoleLogE2ETest {
    private static final long CAP = 256L << 10;
    /** The cap plus what the serial port can carry between two checks, with room to spare. */
    private static final long BOUND = 3 * CAP;

    @Test
    void sixMegabytesWrittenToTheConsole_leaveALogWithinItsCap() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 600000\n[daemon]\nconsoleLogSize = 256KB\n").start()) {
            UvmDaemon.Result flood = d.uvm("run", "--system", "--", "sh", "-c",
                    "yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789"
                            + " | head -c 6291456 >/dev/console; echo done");
            assertEquals("done\n", flood.stdout(), flood.toString());
            Path log = d.dir.resolve("state/logs/default.console.log");
            Path previous = d.dir.resolve("state/logs/default.console.log.1");
            assertTrue(Files.exists(previous), "the log was rotated at least once");
            assertTrue(Files.size(log) <= BOUND, "console log is " + Files.size(log) + " bytes");
            assertTrue(Files.size(previous) <= BOUND, "rotated console log is " + Files.size(previous) + " bytes");
            assertTrue(Files.readString(previous).contains("0123456789abcdefghijklmnopqrstuvwxyz"),
                    "the rotated log holds what the guest wrote");
            assertEquals("ok\n", d.uvm("run", "--system", "--", "echo", "ok").stdout(), "the VM still serves");
        }
    }
}
