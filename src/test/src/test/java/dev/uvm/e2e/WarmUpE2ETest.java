package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** prewarm and keepAlive on a real daemon: VMs boot with no session asking, and stop when the schedule ends. */
class WarmUpE2ETest {
    private static final Duration LONG = Duration.ofMinutes(2);

    @Test
    void keepAliveWindow_bootsAndHoldsTheVm_removingItLetsTheIdleTimeoutStopIt() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 2000\nkeepAlive = * * * * * ?\n").start()) {
            await().atMost(LONG).until(() -> d.state("default").equals("running"));
            JsonNode vm = d.list().get("default");
            assertTrue(vm.get("keepAliveActive").asBoolean(), vm.toString());
            assertEquals(1, vm.get("backgroundSessions").asInt(), "the window's session holds the VM: " + vm);
            UvmDaemon.Result list = d.uvm("list");
            assertTrue(list.stdout().contains("keepAlive: a window is open"), list.stdout());

            // A user session comes and goes; the window still holds the VM past the idle timeout.
            assertEquals(0, d.uvm("run", "--", "true").exit());
            Thread.sleep(4_000);
            assertEquals("running", d.state("default"));

            d.writeConfig("[vm]\nvmIdleTimeout = 2000\n");
            await().atMost(LONG).until(() -> d.state("default").equals("stopped"));
            assertEquals(1, d.logCount("event=stop vm=default reason=idle"), d.log());
            assertEquals(1, d.logCount("event=keepalive vm=default phase=end"), d.log());
        }
    }

    @Test
    void prewarm_bootsTheVmAtItsTime_thenItIdlesOut() throws Exception {
        LocalDateTime at = LocalDateTime.now().plusSeconds(12);
        String cron = at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " * * ?";
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 3000\nprewarm = " + cron + "\n").start()) {
            JsonNode vm = d.list().get("default");
            assertEquals("stopped", vm.get("state").asText());
            assertTrue(vm.get("nextPrewarmMillis").asLong() > System.currentTimeMillis(), vm.toString());
            await().atMost(LONG).until(() -> d.logCount("event=prewarm vm=default phase=ready") == 1);
            assertEquals(1, d.logCount("event=boot vm=default result=ok"), "booted with no session asking");
            await().atMost(LONG).until(() -> d.state("default").equals("stopped"));
            assertEquals(1, d.logCount("event=stop vm=default reason=idle"), d.log());
            assertTrue(d.list().get("default").get("nextPrewarmMillis").asLong() > System.currentTimeMillis() + 3_600_000,
                    "the next fire time is tomorrow");
        }
    }
}
