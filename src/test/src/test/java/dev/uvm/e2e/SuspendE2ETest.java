package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code idleAction = suspend} on real VMs: the idle timeout saves the VM to disk and ends QEMU,
 * the next session gets the same guest back (its files, a corrected clock), a saved VM survives
 * a daemon restart, and a damaged saved state costs a cold boot, never a failed session.
 */
class SuspendE2ETest {
    private static final Duration LONG = Duration.ofMinutes(3);
    /** How long the VM stays saved before it is restored: more than the clock tolerance below. */
    private static final long SUSPENDED_MILLIS = 8_000;
    private static final long CLOCK_TOLERANCE_SECONDS = 3;

    @Test
    void idleVm_isSaved_restoredWithItsFilesAndClock_survivesDaemonRestart_andDamagedSaveBootsCold()
            throws Exception {
        String metrics = "127.0.0.1:" + PrometheusServer.freePort();
        try (UvmDaemon d = new UvmDaemon("[daemon]\nmetricsAddress = " + metrics
                + "\n[vm]\nvmIdleTimeout = 2000\nidleAction = suspend\n").start()) {
            Path saved = d.dir.resolve("state/vms/default.snapshot");
            UvmDaemon.Result write = d.uvm("run", "--", "sh", "-c", "echo kept > /tmp/marker");
            assertEquals(0, write.exit(), write.toString());
            long pid = d.list().get("default").get("pid").asLong();

            awaitSuspended(d, pid, saved);
            assertEquals(1, d.logCount("event=suspend vm=default result=ok"), d.log());
            assertEquals(Files.size(saved), savedStateBytes(metrics));
            Thread.sleep(SUSPENDED_MILLIS);

            long before = System.currentTimeMillis() / 1000;
            UvmDaemon.Result read = d.uvm("run", "--", "sh", "-c", "cat /tmp/marker; date +%s");
            long after = System.currentTimeMillis() / 1000;
            assertEquals(0, read.exit(), read.toString());
            String[] lines = read.stdout().split("\n");
            assertEquals("kept", lines[0], "the guest's files survived: a restore, not a cold boot\n" + d.log());
            long guestNow = Long.parseLong(lines[1].strip());
            assertTrue(guestNow >= before - CLOCK_TOLERANCE_SECONDS && guestNow <= after + CLOCK_TOLERANCE_SECONDS,
                    "guest clock " + guestNow + " is not the host's (" + before + ".." + after + ")");
            assertEquals(1, d.logCount("event=restore vm=default result=ok"), d.log());
            assertEquals(1, d.logCount("event=boot vm=default result=ok"), d.log());
            assertFalse(Files.exists(saved), "the saved state is deleted once restored");
            assertEquals(0, savedStateBytes(metrics));

            long restoredPid = d.list().get("default").get("pid").asLong();
            awaitSuspended(d, restoredPid, saved);
            d.process().destroy();
            assertTrue(d.process().waitFor(90, TimeUnit.SECONDS));
            assertTrue(Files.exists(saved), "a daemon stop keeps the saved VM");
            d.start();
            assertEquals("suspended", d.state("default"));
            assertEquals(Files.size(saved), savedStateBytes(metrics), "a restarted daemon reports the saved state it found");
            UvmDaemon.Result afterRestart = d.uvm("run", "--", "cat", "/tmp/marker");
            assertEquals(new UvmDaemon.Result(0, "kept\n", ""), afterRestart);
            assertEquals(1, d.logCount("event=restore vm=default result=ok"), d.log());

            awaitSuspended(d, d.list().get("default").get("pid").asLong(), saved);
            try (RandomAccessFile f = new RandomAccessFile(saved.toFile(), "rw")) {
                f.write(new byte[64 * 1024]); // same size, garbage stream
            }
            UvmDaemon.Result cold = d.uvm("run", "--", "sh", "-c", "cat /tmp/marker 2>/dev/null || echo gone");
            assertEquals(new UvmDaemon.Result(0, "gone\n", ""), cold, d.log());
            assertEquals(1, d.logCount("event=restore vm=default result=failed"), d.log());
            assertEquals(1, d.logCount("event=boot vm=default result=ok"), d.log());
            assertFalse(Files.exists(saved));

            awaitSuspended(d, d.list().get("default").get("pid").asLong(), saved);
            UvmDaemon.Result terminate = d.uvm("terminate", "default");
            assertEquals(0, terminate.exit(), terminate.toString());
            await().atMost(LONG).until(() -> d.state("default").equals("stopped"));
            assertFalse(Files.exists(saved), "an explicit stop discards the saved state");
        }
    }

    @Test
    void vmWithHostShare_isShutDownInsteadOfSuspended_andSaysWhy() throws Exception {
        Path share = VmmPrivilegeE2ETest.sharedWithTheVmm(Files.createTempDirectory(Path.of("/tmp"), "uvm-share-"));
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 1000\nidleAction = suspend\nhostShare = " + share
                + "\n").start()) {
            assertEquals(0, d.uvm("run", "--", "true").exit());
            await().atMost(LONG).until(() -> d.state("default").equals("stopped"));
            assertEquals(1, d.logCount("event=stop vm=default reason=idle"), d.log());
            assertEquals(1, d.logCount("idleAction = suspend, but it has a hostShare"), d.log());
            assertTrue(d.qemuProcesses().isEmpty());
        } finally {
            Files.delete(share);
        }
    }

    private static long savedStateBytes(String metrics) throws Exception {
        return (long) MetricsE2ETest.sample(MetricsE2ETest.scrape(metrics), "uvm_vm_saved_state_bytes{vm=\"default\",}");
    }

    /** Waits until the VM is saved: listed as suspended, its QEMU gone, its saved state on disk. */
    private static void awaitSuspended(UvmDaemon d, long pid, Path saved) throws Exception {
        assertTrue(pid > 0);
        await().atMost(LONG).until(() -> d.state("default").equals("suspended"));
        assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "QEMU pid " + pid + " still alive");
        assertTrue(d.qemuProcesses().isEmpty(), "no QEMU runs for a suspended VM");
        assertTrue(Files.size(saved) > 0, saved + " is empty");
    }
}
