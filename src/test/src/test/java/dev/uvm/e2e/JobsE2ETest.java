package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Background jobs ({@code uvm run --detach}): they outlive their client, hold the VM past its idle
 * timeout, keep their output in a log that {@code uvm logs -f} follows, take signals from
 * {@code uvm kill}, and release the VM when they end. Also {@code list}, {@code status} and
 * {@code shutdown} with jobs running.
 */
class JobsE2ETest {
    private static final Duration LONG = Duration.ofMinutes(3);

    @Test
    void detachedJob_holdsVmPastIdleTimeout_logsFollowIt_andVmStopsAfterItEnds() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 2000\n").start()) {
            UvmDaemon.Result started = d.uvm("run", "--detach", "--", "sh", "-c",
                    "echo begin; sleep 10; echo end >&2; exit 7");
            assertEquals(new UvmDaemon.Result(0, "1\n", ""), started);
            Process follower = d.client(List.of("logs", "-f", "1"));

            JsonNode vm = d.list().get("default");
            assertEquals("running", vm.get("state").asText(), vm.toString());
            assertEquals(0, vm.get("foregroundSessions").asInt(), vm.toString());
            assertEquals(1, vm.get("backgroundSessions").asInt(), vm.toString());
            assertTrue(d.uvm("list").stdout().contains("0+1bg"));
            String table = d.uvm("jobs").stdout();
            assertTrue(table.lines().anyMatch(l -> l.startsWith("1 ") && l.contains("default") && l.contains("running")
                    && l.endsWith("sh -c echo begin; sleep 10; echo end >&2; exit 7")), table);

            String followed = new String(follower.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(follower.waitFor(1, TimeUnit.MINUTES));
            assertEquals(0, follower.exitValue());
            assertEquals("begin\nend\n", followed, "logs -f prints the job's output until it ends");
            JsonNode job = jobs(d).get(0);
            assertEquals("exited", job.get("state").asText(), job.toString());
            assertEquals(7, job.get("exitCode").asInt(), job.toString());
            assertEquals(new UvmDaemon.Result(0, "begin\nend\n", ""), d.uvm("logs", "1"));

            await("the idle timer stops the VM once the job has ended").atMost(LONG)
                    .until(() -> d.state("default").equals("stopped"));
            List<String> log = d.log().lines().toList();
            int jobEnded = indexOf(log, "job 1 in VM default: exited with status 7");
            int firstStop = indexOf(log, "event=stop vm=default reason=idle");
            assertTrue(jobEnded >= 0 && firstStop > jobEnded,
                    "the VM must stop only after the job (10 s, idle timeout 2 s) ended:\n" + d.log());
            assertEquals(1, d.logCount("event=boot vm=default result=ok"), d.log());
        }
    }

    @Test
    void killSendsSignals_unknownJobsAreErrors_andShutdownEndsRunningJobs() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 60000\n").start()) {
            assertEquals("1\n", d.uvm("run", "--detach", "--", "sleep", "1000").stdout());
            assertEquals("2\n", d.uvm("run", "--detach", "--", "sleep", "1000").stdout());

            assertEquals(0, d.uvm("kill", "-s", "HUP", "1").exit());
            await("job 1 killed by SIGHUP").atMost(LONG).until(() -> jobs(d).get(0).get("exitCode").asInt() == 129);
            UvmDaemon.Result again = d.uvm("kill", "1");
            assertEquals(1, again.exit(), again.toString());
            assertTrue(again.stderr().contains("job 1 is not running (exited with status 129)"), again.stderr());
            UvmDaemon.Result unknown = d.uvm("kill", "99");
            assertEquals(1, unknown.exit(), unknown.toString());
            assertTrue(unknown.stderr().contains("no job 99"), unknown.stderr());
            assertEquals(2, d.uvm("kill", "-s", "NOPE", "2").exit());

            UvmDaemon.Result status = d.uvm("status");
            assertEquals(0, status.exit(), status.toString());
            assertTrue(status.stdout().contains("socket:") && status.stdout().contains(d.socket.toString()),
                    status.stdout());
            assertTrue(d.uvm("list").stdout().lines().anyMatch(l -> l.startsWith("default") && l.contains("running")
                    && l.contains("0+1bg")));

            UvmDaemon.Result down = d.uvm("shutdown");
            assertEquals(0, down.exit(), down.toString());
            assertTrue(down.stderr().contains("stopped [\"default\"]"), down.stderr());
            assertEquals("stopped", d.state("default"));
            await("job 2 lost with its VM").atMost(LONG)
                    .until(() -> jobs(d).get(1).get("state").asText().equals("lost"));
            assertTrue(d.qemuProcesses().isEmpty());
        }
    }

    private static JsonNode jobs(UvmDaemon d) throws Exception {
        UvmDaemon.Result r = d.uvm("jobs", "--json");
        assertEquals(0, r.exit(), r.toString());
        return UvmDaemon.JSON.readTree(r.stdout());
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
