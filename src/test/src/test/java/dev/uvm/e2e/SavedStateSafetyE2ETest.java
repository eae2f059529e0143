package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A suspended VM's saved state is the only copy of what its utility environment held (here a file
 * in its RAM-backed /root): config edits and a daemon killed while saving must not cost it. Each
 * check reads the file back, which only a restore (not a cold boot) can give.
 */
class SavedStateSafetyE2ETest {
    private static final Duration LONG = Duration.ofMinutes(3);
    private static final String VM = "[vm]\n[vm.work]\nvmIdleTimeout = 2000\nidleAction = suspend\n";

    @Test
    void configEditsWhileSuspended_andADaemonKilledWhileSaving_loseNothing() throws Exception {
        try (UvmDaemon d = new UvmDaemon(VM).start()) {
            assertEquals(0, d.uvm("run", "--vm", "work", "--", "sh", "-c", "echo kept > /root/x").exit());
            awaitSuspended(d);

            // An editor that truncates before it writes: the empty file is refused, nothing is removed.
            Files.writeString(d.config, "");
            await().atMost(LONG).until(() -> d.log().contains("the file is empty"));
            assertEquals("suspended", d.state("work"));

            // A memory change while suspended: the VM restores with what it was saved with.
            d.writeConfig(VM + "memory = 640MB\n");
            await().atMost(LONG).until(() -> d.log().contains("config change: vm work: memory"));
            assertEquals("kept\n", read(d), "restored, not booted cold, after a memory change\n" + d.log());
            awaitSuspended(d);

            // Removed from the config, then added back: the saved state waits for it.
            d.writeConfig("[vm]\n");
            await().atMost(LONG).until(() -> d.log().contains("its saved state is kept"));
            assertEquals("suspended", d.state("work"));
            d.writeConfig(VM);
            await().atMost(LONG).until(() -> d.log().contains("VM work is configured again"));
            assertEquals("kept\n", read(d), "restored after the VM was removed and added back\n" + d.log());

            // A memory change made while the daemon is down (or a newer uvm's command line): the next daemon
            // restores the VM with the command line it was saved with.
            awaitSuspended(d);
            d.process().destroy();
            assertTrue(d.process().waitFor(90, TimeUnit.SECONDS));
            d.writeConfig(VM + "memory = 768MB\n");
            d.start();
            assertEquals("suspended", d.state("work"));
            assertEquals("kept\n", read(d), "restored, not booted cold, after a change made while the daemon was down\n"
                    + d.log());
            assertTrue(d.log().contains("restored with the QEMU command line it was saved with"), d.log());

            // The daemon is killed while it saves the VM; the next daemon keeps the VM and its files.
            int saves = (int) d.logCount("to=suspending");
            await().atMost(LONG).pollInterval(Duration.ofMillis(5)).until(() -> d.logCount("to=suspending") > saves);
            d.process().destroyForcibly();
            assertTrue(d.process().waitFor(30, TimeUnit.SECONDS));
            d.start();
            // Which moment the kill hit (the save running, done but not recorded, or recorded): for the report.
            d.log().lines().filter(l -> l.contains("while saving") || l.contains("never finished")
                    || l.contains("found its saved state")).forEach(l -> System.out.println("after the kill: " + l));
            assertEquals("kept\n", read(d), "nothing lost to a daemon killed while saving\n" + d.log());
            assertEquals(List.of(), partials(d), "no partial save left behind");
        }
    }

    private static String read(UvmDaemon d) throws Exception {
        UvmDaemon.Result r = d.uvm("run", "--vm", "work", "--", "cat", "/root/x");
        assertEquals(0, r.exit(), r.toString());
        return r.stdout();
    }

    private static void awaitSuspended(UvmDaemon d) {
        await().atMost(LONG).until(() -> d.state("work").equals("suspended"));
    }

    private static List<String> partials(UvmDaemon d) throws Exception {
        Path vms = d.dir.resolve("state/vms");
        if (!Files.isDirectory(vms)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(vms)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }
}
