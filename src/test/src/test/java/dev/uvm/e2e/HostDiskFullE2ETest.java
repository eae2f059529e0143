package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The host's disk fills up during an import: the state folder sits on a small tmpfs, so the VM's
 * sparse data disk cannot grow past it while the guest still sees gigabytes free. The import
 * must fail with a message naming the host's disk, register nothing, and leave the daemon, the
 * VM and its data disk serving: a small import afterwards works. Needs root (mount).
 */
class HostDiskFullE2ETest {

    @Test
    void anImportThatFillsTheHostsDisk_failsClearly_registersNothing_andTheNextImportWorks() throws Exception {
        assumeTrue(Rootfs.root(), "mounting a small tmpfs over the state folder needs root");
        try (UvmDaemon d = new UvmDaemon("[vm]\ndiskSize = 4GB\nvmIdleTimeout = 600000\n").smallStateDir(320).start()) {
            Path small = Rootfs.tarball(d.dir.resolve("rootfs"), d.dir.resolve("small.tar"));
            Path big = d.dir.resolve("big.tar");
            // Random bytes: neither the tarball nor the disk image can shrink them.
            Rootfs.sh("mkdir -p " + d.dir.resolve("big") + " && head -c 380M /dev/urandom >" + d.dir.resolve("big/blob")
                    + " && tar -C " + d.dir.resolve("big") + " -cf " + big + " . && rm -r " + d.dir.resolve("big"));

            UvmDaemon.Result full = d.uvm("import", "big", big.toString());
            assertNotEquals(0, full.exit(), full.toString());
            assertTrue(full.stderr().contains("host's disk") && full.stderr().contains("uvm keeps free"),
                    "the import was stopped before the host's disk filled, and the message says so: " + full);
            System.out.println("uvm import big: " + full.stderr().strip());
            assertFalse(names(d).contains("big"), "nothing registered after a failed import");

            assertEquals("ok\n", d.uvm("run", "--system", "--", "echo", "ok").stdout(), "the VM still serves");
            UvmDaemon.Result next = d.uvm("import", "small", small.toString());
            assertEquals(0, next.exit(), "an import that fits works after the failed one: " + next);
            assertEquals("carried across\n", d.uvm("run", "-d", "small", "--", "cat", "/srv/file").stdout());
            assertEquals("", d.uvm("run", "--system", "--", "ls", "/data/distros/").stdout().replace("small\n", ""),
                    "the failed import left no folder behind");
        }
    }

    private static java.util.List<String> names(UvmDaemon d) throws Exception {
        java.util.List<String> out = new java.util.ArrayList<>();
        JsonNode vm = d.list().get("default");
        if (vm != null && vm.has("distributions")) {
            vm.get("distributions").forEach(x -> out.add(x.get("name").asText()));
        }
        return out;
    }
}
