package dev.uvm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Prometheus's own linter accepts the exposition, with every kind of uvm series present. */
class PromtoolTest {
    @Test
    void exposition_passesPromtoolCheckMetrics() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/promtool").canExecute(),
                "promtool is missing: scripts/install-deps.sh installs Debian's prometheus package");
        try (UvmMetrics metrics = new UvmMetrics("qemu")) {
            VmMetrics vm = metrics.vm("default");
            vm.state("running");
            vm.sessions(1, 0);
            vm.bootSucceeded(2000, Map.of("vmm_up", 100L, "kernel_start", 800L, "agent_ready", 2000L), 512L << 20);
            vm.memory(300L << 20, 480L << 20, 400L << 20, 8L << 20);
            vm.stopped("idle", false, 40);
            Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
            p.getOutputStream().write(metrics.scrape().getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), "promtool found problems:\n" + out);
            assertEquals("", out.strip(), "promtool found problems");
        }
    }
}
