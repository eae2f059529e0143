package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code uvm install debian}: Debian's mmdebstrap builds bookworm on the host, the VM unpacks it,
 * apt is there, the default user of its /etc/wsl.conf is honoured, and its boot command runs once
 * each time the distribution starts (the packages come from deb.debian.org).
 */
class DebianE2ETest {
    @Test
    void installDebian_hasApt_isBookworm_runsAsItsDefaultUser_andRunsItsBootCommandOncePerStart() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 60000\nmemory = 768MB\n").start()) {
            UvmDaemon.Result install = d.uvm("install", "debian", "--user", "alice");
            assertEquals(0, install.exit(), install.toString());
            assertTrue(install.stderr().contains("installed debian"), install.toString());

            UvmDaemon.Result apt = d.uvm("run", "-d", "debian", "--", "apt-get", "--version");
            assertEquals(0, apt.exit(), apt.toString());
            assertTrue(apt.stdout().startsWith("apt "), apt.toString());
            assertTrue(d.uvm("run", "--", "cat", "/etc/os-release").stdout().contains("VERSION_CODENAME=bookworm"));
            assertEquals("alice\n", d.uvm("run", "--", "id", "-un").stdout(), "[user] default of /etc/wsl.conf");
            assertEquals("root\n", d.uvm("run", "-u", "root", "--", "id", "-un").stdout());

            UvmDaemon.Result conf = d.uvm("run", "-u", "root", "--", "sh", "-c",
                    "printf '[user]\\ndefault = alice\\n[boot]\\ncommand = echo started >> /var/log/uvm-boot.log\\n'"
                            + " > /etc/wsl.conf");
            assertEquals(0, conf.exit(), conf.toString());
            assertEquals(0, d.uvm("shutdown").exit());
            d.uvm("run", "--", "true");
            // The boot command runs detached: wait until it wrote, then start more sessions.
            await().atMost(Duration.ofMinutes(1)).until(() -> d.uvm("run", "--", "cat", "/var/log/uvm-boot.log")
                    .stdout().equals("started\n"));
            d.uvm("run", "--", "true");
            assertEquals("started\n", d.uvm("run", "--", "cat", "/var/log/uvm-boot.log").stdout(),
                    "the boot command ran once, at the distribution's start, not per session");
        }
    }
}
