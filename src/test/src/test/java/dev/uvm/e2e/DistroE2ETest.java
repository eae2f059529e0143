package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Distributions on a real daemon and real VMs: a tarball made on the host is imported, runs,
 * keeps what is written through idle stops and a killed VMM, stays apart from another
 * distribution, exports and re-imports unchanged, gives deleted space back to the host, and goes
 * away on unregister. One daemon serves the steps in order (each boot costs seconds under TCG).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistroE2ETest {
    private static final Duration LONG = Duration.ofMinutes(3);
    private static UvmDaemon d;
    private static Path tarball;

    @BeforeAll
    static void start() throws Exception {
        d = new UvmDaemon("[vm]\nvmIdleTimeout = 4000\ndiskSize = 4GB\n").start();
        tarball = Rootfs.tarball(d.dir.resolve("rootfs"), d.dir.resolve("rootfs.tar.gz"));
    }

    @AfterAll
    static void stop() throws Exception {
        d.close();
    }

    private static UvmDaemon.Result ok(String... args) throws Exception {
        UvmDaemon.Result r = d.uvm(args);
        assertEquals(0, r.exit(), String.join(" ", args) + " -> " + r);
        return r;
    }

    private static void idleStop() {
        await().atMost(LONG).until(() -> d.state("default").equals("stopped"));
    }

    private static JsonNode distro(String name) throws Exception {
        for (JsonNode dist : d.list().get("default").get("distributions")) {
            if (dist.get("name").asText().equals(name)) {
                return dist;
            }
        }
        return null;
    }

    @Test
    @Order(1)
    void imported_runsAsItsUsers_inItsOwnNamespaces_andKeepsFilesThroughAnIdleStop() throws Exception {
        ok("import", "t1", tarball.toString());
        JsonNode t1 = distro("t1");
        assertEquals("default", t1.get("vm").asText());
        assertTrue(t1.get("default").asBoolean(), "the first distribution is the default");
        assertTrue(t1.get("diskBytes").asLong() > 0, t1.toString());

        assertEquals("0 root\n", ok("run", "-d", "t1", "--", "sh", "-c", "echo $(id -u) $(id -un)").stdout());
        assertEquals("alice /home/alice\n", ok("run", "-u", "alice", "--", "sh", "-c", "echo $(id -un) $(pwd)").stdout());
        assertEquals("t1\n", ok("run", "--", "hostname").stdout());
        assertEquals("1\n", ok("run", "--", "sh", "-c", "cat /proc/1/comm >/dev/null; ps -o pid= | head -n 1 | tr -d ' '")
                .stdout(), "PID 1 of the distribution's namespace is its own init");
        assertNotEquals(0, d.uvm("run", "--", "ls", "/data/distros").exit(), "the data disk is not visible inside");
        assertEquals("t1\n", ok("run", "--system", "--", "ls", "/data/distros").stdout(),
                "--system: the utility environment, with the data disk, while a default distribution exists");
        ok("run", "--", "sh", "-c", "echo kept > /root/file && sync");
        assertEquals("running", distro("t1").get("state").asText());

        idleStop();
        assertEquals("stopped", distro("t1").get("state").asText());
        assertEquals("kept\n", ok("run", "-d", "t1", "--", "cat", "/root/file").stdout());
    }

    @Test
    @Order(2)
    void aSyncedFile_survivesAKilledVmm() throws Exception {
        ok("run", "-d", "t1", "--", "sh", "-c", "echo synced > /root/crash && sync");
        for (ProcessHandle q : d.qemuProcesses()) {
            q.destroyForcibly();
        }
        await().atMost(LONG).until(() -> d.state("default").equals("stopped"));
        assertEquals("synced\n", ok("run", "-d", "t1", "--", "cat", "/root/crash").stdout());
    }

    @Test
    @Order(3)
    void twoDistributions_runAtOnce_andCannotSeeEachOthersFiles() throws Exception {
        ok("import", "t2", tarball.toString());
        Process holder = d.client(List.of("run", "-d", "t1", "--", "sh", "-c", "echo t1-running; sleep 600"));
        assertEquals("t1-running", new String(holder.getInputStream().readNBytes(11)).strip());
        assertEquals("t2\n", ok("run", "-d", "t2", "--", "hostname").stdout());
        UvmDaemon.Result peek = d.uvm("run", "-d", "t2", "--", "cat", "/root/file");
        assertNotEquals(0, peek.exit(), "t2 has no /root/file of t1: " + peek);
        assertFalse(ok("run", "-d", "t2", "--", "ps", "-o", "args").stdout().contains("sleep 600"),
                "t2 does not see t1's processes");
        holder.destroy();
        assertTrue(holder.waitFor(1, TimeUnit.MINUTES));
    }

    @Test
    @Order(4)
    void export_holdsWhatWasWritten_andReimportsIdentically() throws Exception {
        Path first = d.dir.resolve("t1.tar");
        Path second = d.dir.resolve("t3.tar");
        ok("export", "t1", first.toString());
        List<String> exported = Rootfs.listing(first);
        assertTrue(exported.stream().anyMatch(l -> l.endsWith("./root/file")), exported.toString());
        assertTrue(exported.stream().anyMatch(l -> l.matches("-rwsr-xr-x\\s+1000/1000 .*") && l.endsWith("./srv/setuid")),
                "owner and setuid mode: " + exported);
        assertTrue(exported.stream().anyMatch(l -> l.contains("./srv/hard link to ./srv/file")
                || l.contains("./srv/file link to ./srv/hard")), "hard link: " + exported);
        assertTrue(exported.stream().anyMatch(l -> l.contains("./srv/link -> file")), "symlink: " + exported);
        assertTrue(exported.stream().anyMatch(l -> l.contains("x:") && l.contains("user.uvm.test")), "xattr: " + exported);
        if (Rootfs.root()) {
            assertTrue(exported.stream().anyMatch(l -> l.startsWith("c") && l.endsWith("./srv/null")), "device: " + exported);
        }
        ok("import", "t3", first.toString());
        ok("export", "t3", second.toString());
        assertEquals(exported, Rootfs.listing(second));
        assertEquals("carried across\n", ok("run", "-d", "t3", "--", "cat", "/srv/link").stdout());
    }

    @Test
    @Order(5)
    void deletedFiles_giveTheirSpaceBackToTheHost_byTheNextIdleStop() throws Exception {
        Path disk = d.dir.resolve("state/disks/default.img");
        ok("run", "-d", "t2", "--", "sh", "-c",
                "dd if=/dev/urandom of=/big bs=1M count=400 2>/dev/null && sync");
        long full = allocated(disk);
        ok("run", "-d", "t2", "--", "sh", "-c", "rm /big && sync");
        idleStop();
        long after = allocated(disk);
        System.out.println("figure: data disk on the host: " + (full >> 20) + " MiB with a 400 MiB file, "
                + (after >> 20) + " MiB after deleting it and an idle stop");
        assertTrue(full - after > 350L << 20, "at most tens of MiB stay: " + full + " -> " + after);
    }

    @Test
    @Order(6)
    void unregister_removesItsFilesAndItsName_andARunNamingItIsRefusedClearly() throws Exception {
        ok("unregister", "t3");
        assertEquals(null, distro("t3"));
        UvmDaemon.Result r = d.uvm("run", "-d", "t3", "--", "true");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.stderr().contains("no distribution named 't3'"), r.toString());
        ok("import", "t3", tarball.toString());
        assertFalse(ok("run", "-d", "t3", "--", "ls", "/root").stdout().contains("file"),
                "a new t3 starts from its tarball, with nothing of the old one");
    }

    @Test
    @Order(7)
    void badTarballsAndNames_areClearErrors_andNothingIsRegistered() throws Exception {
        Path root = d.dir.resolve("bad");
        Files.createDirectories(root.resolve("x"));
        Files.writeString(root.resolve("x/f"), "f");
        Path corrupt = root.resolve("corrupt.tar.gz");
        Files.write(corrupt, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        Path truncated = root.resolve("truncated.tar");
        byte[] whole = Files.readAllBytes(tarball);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
        Path absolute = root.resolve("absolute.tar");
        Rootfs.sh("tar -P -cf " + absolute + " " + root.resolve("x/f"));
        Path dotdot = root.resolve("dotdot.tar");
        Rootfs.sh("cd " + root.resolve("x") + " && tar -P -cf " + dotdot + " ../x/f");
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"corrupt", corrupt.toString(), "could not be unpacked"});
        cases.add(new String[] {"truncated", truncated.toString(), "could not be unpacked"});
        cases.add(new String[] {"absolute", absolute.toString(), "outside its root"});
        cases.add(new String[] {"dotdot", dotdot.toString(), "outside its root"});
        cases.add(new String[] {"bad/name", tarball.toString(), "not a valid distribution name"});
        cases.add(new String[] {"t1", tarball.toString(), "exists already"});
        for (String[] c : cases) {
            UvmDaemon.Result r = d.uvm("import", c[0], c[1]);
            assertNotEquals(0, r.exit(), c[0] + ": " + r);
            assertTrue(r.stderr().contains(c[2]), c[0] + ": " + r);
        }
        List<String> names = new ArrayList<>();
        d.list().get("default").get("distributions").forEach(n -> names.add(n.get("name").asText()));
        assertEquals(List.of("t1", "t2", "t3"), names);
        ok("import", "dotdot", tarball.toString());
        assertEquals("kept\n", ok("run", "-d", "t1", "--", "cat", "/root/file").stdout());
    }

    private static long allocated(Path file) throws Exception {
        return Long.parseLong(Rootfs.sh("du -B1 " + file).split("\\s+")[0]);
    }
}
