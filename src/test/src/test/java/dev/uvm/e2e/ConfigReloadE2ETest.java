package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A running daemon follows its config file: valid changes apply, garbage is rejected whole. */
class ConfigReloadE2ETest {
    private static final Duration LONG = Duration.ofMinutes(2);

    @Test
    void editingTheFile_appliesIdleTimeout_rejectsGarbage_andAddsAVm() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 10min\n").start()) {
            UvmDaemon.Result first = d.uvm("run", "--", "true");
            assertEquals(0, first.exit(), first.toString());
            assertEquals("idle", d.state("default"));
            assertEquals(600_000, d.list().get("default").get("idleTimeoutMillis").asLong());

            // Lowering the idle timeout of an idle VM re-arms its timer from the last session's end.
            d.writeConfig("[vm]\nvmIdleTimeout = 1500\n");
            await().atMost(LONG).until(() -> d.state("default").equals("stopped"));
            assertEquals(1, d.logCount("event=stop vm=default reason=idle"), d.log());
            assertTrue(d.log().contains("config change: "), d.log());

            // Garbage is rejected whole, with file:line errors; the old config stays and sessions go on.
            d.writeConfig("[vm]\nvmIdleTimeout = 2000\nmemory = 12XB\n[vm.Bad Name]\n");
            await().atMost(LONG).until(() -> d.log().contains("config file rejected"));
            assertTrue(d.log().contains("memory = 12XB at " + d.config + ":3"), d.log());
            assertEquals(1500, d.list().get("default").get("idleTimeoutMillis").asLong());
            UvmDaemon.Result ok = d.uvm("run", "--", "echo", "still serving");
            assertEquals(new UvmDaemon.Result(0, "still serving\n", ""), ok);
            assertTrue(d.uvm("status").stdout().contains("last change rejected"));

            // A new [vm.second] works without a restart; a memory change of a running VM waits for its next boot.
            d.writeConfig("[vm]\nvmIdleTimeout = 1500\n\n[vm.second]\nmemory = 256MB\n");
            await().atMost(LONG).until(() -> d.list().containsKey("second"));
            UvmDaemon.Result second = d.uvm("run", "--vm", "second", "--", "sh", "-c",
                    "grep MemTotal /proc/meminfo | awk '{print int($2/1024)}'");
            assertEquals(0, second.exit(), second.toString());
            int mib = Integer.parseInt(second.stdout().strip());
            assertTrue(mib > 150 && mib <= 256, "guest MemTotal " + mib + " MiB for memory = 256MB");

            Process holder = d.client(java.util.List.of("run", "--vm", "second", "--", "sleep", "600"));
            await().atMost(LONG).until(() -> d.list().get("second").get("foregroundSessions").asInt() == 1);
            d.writeConfig("[vm]\nvmIdleTimeout = 1500\n\n[vm.second]\nmemory = 320MB\n");
            await().atMost(LONG).until(() -> d.list().get("second").get("pendingChanges").size() == 1);
            JsonNode pending = d.list().get("second").get("pendingChanges").get(0);
            assertTrue(pending.asText().startsWith("memory: 256MB -> 320MB"), pending.toString());
            assertTrue(d.uvm("list").stdout().contains("at next boot: memory: 256MB -> 320MB"));
            holder.destroyForcibly().waitFor();
            await().atMost(LONG).until(() -> d.state("second").equals("stopped"));
            assertEquals(0, d.uvm("run", "--vm", "second", "--", "true").exit());
            assertEquals(0, d.list().get("second").get("pendingChanges").size());
        }
    }
}
