package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One session cannot make the VM unusable for the others: what a session leaves running ends with
 * it (background jobs excepted), a fork bomb stays within its session's pids limit, and a client
 * that gets SIGTERM ends its session even when the guest process ignores the signal.
 */
class SessionContainmentE2ETest {

    @Test
    void strays_forkBombs_andSignalledClients_endWithTheirSession() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 600000\n").start()) {
            // A background process a session leaves behind is killed when the session ends.
            assertEquals("started\n", d.uvm("run", "--system", "--", "sh", "-c", "sleep 1001 & echo started").stdout());
            assertFalse(processes(d).contains("sleep 1001"), processes(d));
            // A background job keeps what it starts.
            UvmDaemon.Result job = d.uvm("run", "--detach", "--system", "--", "sh", "-c", "sleep 1002 & echo ok");
            assertEquals(0, job.exit(), job.toString());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(1))
                    .until(() -> processes(d).contains("sleep 1002"));

            // A fork bomb in one session: another session still runs, and the bomb ends with its session.
            Process bomb = d.client(List.of("run", "--system", "--", "sh", "-c",
                    "sleep 1003 & b() { b | b & }; b 2>/dev/null; wait"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(5))
                    .until(() -> sessionPids(d).stream().anyMatch(n -> n >= 2048));
            UvmDaemon.Result other = d.uvm("run", "--system", "--", "echo", "still serving");
            assertEquals("still serving\n", other.stdout(), other.toString());
            bomb.destroy();
            assertTrue(bomb.waitFor(2, TimeUnit.MINUTES));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(3))
                    .until(() -> sessionPids(d).size() == 1);
            int left = Integer.parseInt(d.uvm("run", "--system", "--", "sh", "-c", "ps | wc -l").stdout().strip());
            assertTrue(left < 60, "the bomb's processes are gone: " + left + " processes left");

            // SIGTERM to a client whose guest process ignores it: the client ends the session and exits.
            List<String> cmd = new ArrayList<>(List.of("timeout", "--kill-after=60", "5", UvmDaemon.UVM.toString(),
                    "run", "--system", "--", "sh", "-c", "trap '' TERM; sleep 1004"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(d.clientEnv());
            Process timed = pb.start();
            assertTrue(timed.waitFor(3, TimeUnit.MINUTES));
            assertEquals(124, timed.exitValue(), "timeout ended the client with TERM, not KILL: "
                    + new String(timed.getInputStream().readAllBytes()));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(1))
                    .until(() -> !processes(d).contains("sleep 1004"));
        }
    }

    /** The number of processes in each session's cgroup, the asking session's own included. */
    private static List<Integer> sessionPids(UvmDaemon d) throws Exception {
        String out = d.uvm("run", "--system", "--", "sh", "-c", "cat /sys/fs/cgroup/uvm-session-*/pids.current").stdout();
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).map(Integer::parseInt).toList();
    }

    /** The guest's process list (utility environment). */
    private static String processes(UvmDaemon d) throws Exception {
        return d.uvm("run", "--system", "--", "ps").stdout();
    }
}
