package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A host folder shared into the guest over 9P: both directions, read-only, and bad paths. */
class HostShareE2ETest {
    @Test
    void filesCrossTheShareBothWays_readOnlyShareRefusesWrites() throws Exception {
        Path rw = VmmPrivilegeE2ETest.sharedWithTheVmm(Files.createTempDirectory(Path.of("/tmp"), "uvm-share-"));
        Path ro = VmmPrivilegeE2ETest.sharedWithTheVmm(Files.createTempDirectory(Path.of("/tmp"), "uvm-share-ro-"));
        try (UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 2000\nhostShare = " + rw + "\n"
                + "[vm.ro]\nhostShare = " + ro + "\nhostShareReadOnly = true\nhostShareMountPoint = /srv/data\n")
                .start()) {
            Files.writeString(rw.resolve("from-host.txt"), "written on the host\n");
            UvmDaemon.Result read = d.uvm("run", "--", "cat", "/mnt/host/from-host.txt");
            assertEquals(new UvmDaemon.Result(0, "written on the host\n", ""), read);

            UvmDaemon.Result write = d.uvm("run", "--", "sh", "-c", "echo written in the guest > /mnt/host/g.txt");
            assertEquals(0, write.exit(), write.toString());
            assertEquals("written in the guest\n", Files.readString(rw.resolve("g.txt")));

            Files.writeString(ro.resolve("data.txt"), "read-only data\n");
            UvmDaemon.Result roRead = d.uvm("run", "--vm", "ro", "--", "cat", "/srv/data/data.txt");
            assertEquals(new UvmDaemon.Result(0, "read-only data\n", ""), roRead);
            UvmDaemon.Result roWrite = d.uvm("run", "--vm", "ro", "--", "sh", "-c", "echo x > /srv/data/new.txt");
            assertNotEquals(0, roWrite.exit());
            assertTrue(roWrite.stderr().contains("Read-only file system"), roWrite.stderr());
            assertTrue(!Files.exists(ro.resolve("new.txt")));
        } finally {
            for (Path dir : new Path[] {rw, ro}) {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().delete());
                }
                Files.delete(dir);
            }
        }
    }

    @Test
    void missingSharePath_isAConfigErrorNamingIt_andTheDaemonRefusesToStart() throws Exception {
        try (UvmDaemon d = new UvmDaemon("[vm]\nhostShare = /nonexistent/uvm-share\n")) {
            UvmDaemon.Result check = d.uvm("config", "check", d.config.toString());
            assertEquals(1, check.exit(), check.toString());
            assertTrue(check.stdout().contains("/nonexistent/uvm-share"), check.stdout());
            UvmDaemon.Result daemon = d.uvm("daemon");
            assertEquals(2, daemon.exit(), daemon.toString());
            assertTrue(daemon.stderr().contains("hostShare = /nonexistent/uvm-share at " + d.config + ":2"),
                    daemon.stderr());
        }
    }
}
