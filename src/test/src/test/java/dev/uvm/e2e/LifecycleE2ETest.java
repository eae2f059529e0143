package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The heart of uvm on real VMs: the first session boots, concurrent first sessions share one
 * boot, the idle timeout reclaims the VM, and boot failures reach every waiting client.
 */
class LifecycleE2ETest {
    private static final Duration LONG = Duration.ofMinutes(3);

    @Test
    void twentyConcurrentClients_bootOnce_thenIdleTimeoutReclaimsVm_andNextSessionBootsAgain() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 3000\n").start()) {
            ExecutorService pool = Executors.newFixedThreadPool(20);
            List<Future<UvmDaemon.Result>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                results.add(pool.submit(() -> d.uvm("run", "--", "sh", "-c", "echo hello-" + n + "; exit " + n)));
            }
            for (int i = 0; i < 20; i++) {
                UvmDaemon.Result r = results.get(i).get();
                assertEquals("hello-" + i + "\n", r.stdout(), r.toString());
                assertEquals(i, r.exit(), r.toString());
            }
            pool.shutdown();
            assertEquals(1, d.logCount("event=boot vm=default result=ok"), d.log());
            long pid = d.list().get("default").get("pid").asLong();
            assertTrue(pid > 0);

            await().atMost(LONG).until(() -> d.state("default").equals("stopped"));
            assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "QEMU pid " + pid + " still alive");
            assertEquals(1, d.logCount("event=stop vm=default reason=idle forced=false"), d.log());
            assertTrue(d.qemuProcesses().isEmpty());

            UvmDaemon.Result again = d.uvm("run", "--", "true");
            assertEquals(0, again.exit(), again.toString());
            assertEquals(2, d.logCount("event=boot vm=default result=ok"), d.log());
        }
    }

    @Test
    void outputStreamsStayApart_stdinIsForwarded_andKilledClientDoesNotKeepVmAlive() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 2000\n").start()) {
            UvmDaemon.Result r = d.uvm("run", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
            assertEquals(new UvmDaemon.Result(3, "out\n", "err\n"), r);

            UvmDaemon.Result cat = d.uvmWithInput("line one\nline two\n".getBytes(), "run", "--", "cat");
            assertEquals(0, cat.exit(), cat.toString());
            assertEquals("line one\nline two\n", cat.stdout());

            UvmDaemon.Result missing = d.uvm("run", "--", "no-such-command");
            assertEquals(127, missing.exit(), missing.toString());
            assertTrue(missing.stderr().contains("no-such-command"), missing.stderr());

            Process sleeper = d.client(List.of("run", "--", "sleep", "1000"));
            await().atMost(LONG).until(() -> {
                JsonNode vm = d.list().get("default");
                return vm.get("state").asText().equals("running") && vm.get("foregroundSessions").asInt() == 1;
            });
            sleeper.destroyForcibly().waitFor();
            await().atMost(LONG).until(() -> d.state("default").equals("stopped"));
            assertTrue(d.qemuProcesses().isEmpty());
        }
    }

    @Test
    void missingKernel_failsEveryWaiterWithCause_andNextSessionTriesAgain() throws Exception {
        try (UvmDaemon d = new UvmDaemon("")) {
            var kernel = d.dir.resolve("vmlinux");
            Files.copy(imageKernel(), kernel);
            d.writeConfig("[vm]\nvmIdleTimeout = 2000\nkernel = " + kernel + "\n");
            d.start();
            Files.delete(kernel);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<UvmDaemon.Result>> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiting.add(pool.submit(() -> d.uvm("run", "--", "true")));
            }
            for (Future<UvmDaemon.Result> f : waiting) {
                UvmDaemon.Result r = f.get();
                assertEquals(125, r.exit(), r.toString());
                assertTrue(r.stderr().contains("kernel file " + kernel + " does not exist"), r.stderr());
            }
            pool.shutdown();
            assertEquals("failed", d.state("default"));

            Files.copy(imageKernel(), kernel, StandardCopyOption.REPLACE_EXISTING);
            // The waiters may have met one boot or several (each failure backs off further); the
            // next session is allowed once the back-off that uvm list shows has passed.
            await().atMost(LONG).until(() ->
                    d.list().get("default").path("retryAtMillis").asLong(-1) <= System.currentTimeMillis());
            UvmDaemon.Result ok = d.uvm("run", "--", "echo", "recovered");
            assertEquals(new UvmDaemon.Result(0, "recovered\n", ""), ok);
        }
    }

    @Test
    void guestThatNeverSignalsReady_timesOutWithClearError_andIsKilled() throws Exception {
        String config = "[vm]\nbootTimeout = 4s\nkernelCommandLine = rdinit=/bin/sleep 9999\n"
                + "[vm.panic]\nbootTimeout = 60s\nkernelCommandLine = rdinit=/no/such/init\n";
        try (UvmDaemon d = new UvmDaemon(config).start()) {
            UvmDaemon.Result r = d.uvm("run", "--", "true");
            assertEquals(125, r.exit(), r.toString());
            assertTrue(r.stderr().contains("did not report ready within 4000 ms"), r.stderr());
            assertTrue(d.qemuProcesses().isEmpty(), "the stuck VM's QEMU must be killed");
            UvmDaemon.Result again = d.uvm("run", "--", "true");
            assertEquals(125, again.exit());
            assertEquals(2, d.logCount("event=boot vm=default result=failed"), d.log());

            // A guest whose kernel panics during boot (no init) ends QEMU: reported at once, with the cause.
            UvmDaemon.Result panic = d.uvm("run", "--vm", "panic", "--", "true");
            assertEquals(125, panic.exit(), panic.toString());
            assertTrue(panic.stderr().contains("before the guest agent was ready"), panic.stderr());
            assertTrue(panic.stderr().contains("the guest kernel panicked: Kernel panic - not syncing:"), panic.stderr());
            assertTrue(panic.stderr().contains("VM panic failed to boot: the VM exited"), panic.stderr());
        }
    }

    private static java.nio.file.Path imageKernel() {
        return UvmDaemon.IMAGE.resolve("vmlinux");
    }
}
