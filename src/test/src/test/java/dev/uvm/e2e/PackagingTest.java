package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service unit in packaging/ is valid for systemd and keeps the settings a clean stop needs. */
class PackagingTest {
    private static final Path UNIT = UvmDaemon.HOME.resolve("packaging/uvm.service");

    @Test
    void systemdUnit_verifies_andStopsTheDaemonBeforeQemu(@TempDir Path dir) throws Exception {
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("KillMode=mixed"), "SIGTERM must reach the daemon only, not QEMU");
        assertTrue(unit.contains("ExecStart=/opt/uvm/bin/uvm --config /etc/uvm/uvm.conf daemon"));
        assertTrue(unit.contains("DeviceAllow=/dev/kvm rw"));
        assertTrue(!unit.contains("MemoryDenyWriteExecute=yes"), "QEMU's TCG and the JVM need W+X memory");
        Assumptions.assumeTrue(new File("/usr/bin/systemd-analyze").canExecute(), "systemd-analyze is missing");
        Path copy = dir.resolve("uvm.service");
        Files.writeString(copy, unit.replace("/opt/uvm/bin/uvm", UvmDaemon.UVM.toString()));
        Process p = new ProcessBuilder("/usr/bin/systemd-analyze", "verify", copy.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals("", out.strip(), "systemd-analyze found problems");
    }
}
