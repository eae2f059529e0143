package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Faults on real VMs and the real daemon: each ends in a known state, the user is told what
 * happened, and no VM or session is leaked.
 */
class FaultsE2ETest {
    private static final Duration LONG = Duration.ofMinutes(2);

    private static void signal(long pid, String sig) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor());
    }

    private static String stderrOf(Process p) throws Exception {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void daemonKilled_restartedDaemonAdoptsHealthyVm_servesIt_andReclaimsIt() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 3000\n").start()) {
            Process holder = d.client(List.of("run", "--", "sleep", "600"));
            await().atMost(LONG).until(() -> d.state("default").equals("running"));
            long qemu = d.list().get("default").get("pid").asLong();
            Path record = d.dir.resolve("state/vms/default.json");
            assertTrue(Files.exists(record), "running VM recorded in the state folder");

            d.process().destroyForcibly().waitFor();
            assertEquals(125, holder.waitFor(), "the client is told its daemon went away");
            assertTrue(stderrOf(holder).contains("lost the connection to the daemon"));
            assertTrue(ProcessHandle.of(qemu).map(ProcessHandle::isAlive).orElse(false), "QEMU outlives the daemon");
            assertTrue(Files.exists(d.socket), "a crashed daemon leaves its socket behind");

            d.start();
            assertTrue(d.log().contains("adopted QEMU pid " + qemu), d.log());
            assertEquals(qemu, d.list().get("default").get("pid").asLong());
            UvmDaemon.Result r = d.uvm("run", "--", "echo", "adopted");
            assertEquals(new UvmDaemon.Result(0, "adopted\n", ""), r);
            assertEquals(qemu, d.list().get("default").get("pid").asLong(), "served by the adopted VM, no new boot");
            await().atMost(LONG).until(() -> d.state("default").equals("stopped"));
            assertFalse(ProcessHandle.of(qemu).map(ProcessHandle::isAlive).orElse(false));
            assertFalse(Files.exists(record), "the record goes with the VM");
            assertTrue(d.qemuProcesses().isEmpty());
        }
    }

    @Test
    void daemonKilled_unverifiableAndUnrecordedVms_areKilledOnRestart() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 10min\n[vm.second]\n").start()) {
            assertEquals(0, d.uvm("run", "--", "true").exit());
            assertEquals(0, d.uvm("run", "--vm", "second", "--", "true").exit());
            long frozen = d.list().get("default").get("pid").asLong();
            long unrecorded = d.list().get("second").get("pid").asLong();
            d.process().destroyForcibly().waitFor();
            signal(frozen, "STOP");
            Files.delete(d.dir.resolve("state/vms/second.json"));

            d.start();
            await().atMost(LONG).until(() -> d.qemuProcesses().isEmpty());
            assertTrue(d.log().contains("QEMU pid " + frozen + " does not answer"), d.log());
            assertTrue(d.log().contains("killing orphan QEMU pid " + unrecorded), d.log());
            assertEquals("stopped", d.state("default"));
            assertEquals(0, d.uvm("run", "--", "true").exit(), "the next session boots a new VM");
        }
    }

    @Test
    void qemuKilledDuringSession_clientToldTheCause_nextSessionBootsNewVm() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 10min\n").start()) {
            Process holder = d.client(List.of("run", "--", "sleep", "600"));
            await().atMost(LONG).until(() -> d.state("default").equals("running"));
            long qemu = d.list().get("default").get("pid").asLong();
            signal(qemu, "KILL");
            assertTrue(holder.waitFor(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(125, holder.exitValue());
            String err = stderrOf(holder);
            assertTrue(err.contains("VM default exited unexpectedly: QEMU (pid " + qemu + ") was killed by signal 9"),
                    err);
            assertEquals("stopped", d.state("default"));
            assertEquals("crash", d.list().get("default").get("lastStopReason").asText());
            assertEquals(1, d.logCount("event=stop vm=default reason=crash"));
            UvmDaemon.Result again = d.uvm("run", "--", "echo", "back");
            assertEquals(new UvmDaemon.Result(0, "back\n", ""), again);

            // A guest kernel panic (panic=-1 and -no-reboot: QEMU exits) is a crash as well.
            Process victim = d.client(List.of("run", "--", "sleep", "600"));
            await().atMost(LONG).until(() -> d.list().get("default").get("foregroundSessions").asInt() == 1);
            d.uvm("run", "--", "sh", "-c", "echo c > /proc/sysrq-trigger");
            assertTrue(victim.waitFor(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(125, victim.exitValue());
            assertTrue(stderrOf(victim).contains("VM default exited unexpectedly: QEMU"), "crash reported");
            await().atMost(LONG).until(() -> d.logCount("event=stop vm=default reason=crash") == 2);
            assertEquals(0, d.uvm("run", "--", "true").exit(), "and the next session boots again");
        }
    }

    @Test
    void hungGuest_ignoringPowerOff_isForcedDownAfterShutdownTimeout() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 1000\nshutdownTimeout = 2s\n").start()) {
            Process holder = d.client(List.of("run", "--", "sleep", "600"));
            await().atMost(LONG).until(() -> d.state("default").equals("running"));
            long qemu = d.list().get("default").get("pid").asLong();
            signal(qemu, "STOP");
            holder.destroyForcibly().waitFor();
            await().atMost(LONG).until(() -> d.state("default").equals("stopped"));
            assertEquals(1, d.logCount("event=stop vm=default reason=idle forced=true"), d.log());
            assertFalse(ProcessHandle.of(qemu).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    @Test
    void sigterm_stopsVmsCleanly_tellsClients_removesSocket_andExitsZero() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 10min\n").start()) {
            Process holder = d.client(List.of("run", "--", "sleep", "600"));
            await().atMost(LONG).until(() -> d.state("default").equals("running"));
            long qemu = d.list().get("default").get("pid").asLong();

            UvmDaemon second = new UvmDaemon("");
            try {
                ProcessBuilder pb = new ProcessBuilder(UvmDaemon.UVM.toString(), "--socket", d.socket.toString(),
                        "--config", d.config.toString(), "daemon").redirectErrorStream(true);
                pb.environment().put("XDG_STATE_HOME", second.dir.toString());
                Process rival = pb.start();
                assertTrue(rival.waitFor(LONG.toSeconds(), TimeUnit.SECONDS));
                assertEquals(3, rival.exitValue(), "a second daemon on a live socket leaves it alone");
            } finally {
                second.close();
            }
            assertEquals("running", d.state("default"), "the first daemon still serves");

            signal(d.process().pid(), "TERM");
            assertTrue(d.process().waitFor(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, d.process().exitValue());
            assertTrue(holder.waitFor(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(125, holder.exitValue());
            assertTrue(stderrOf(holder).contains("VM default was shut down (daemon_stop)"));
            assertFalse(Files.exists(d.socket), "socket removed");
            assertFalse(ProcessHandle.of(qemu).map(ProcessHandle::isAlive).orElse(false));
            assertEquals(1, d.logCount("event=stop vm=default reason=daemon_stop forced=false"), d.log());
        }
    }
}
