package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * autoMemoryReclaim = dropCache on a real VM: guest page cache filled by reading a file through a
 * 9P share with {@code hostShareCache = loose} raises QEMU's resident set; a busy session keeps
 * reclaim away; once the guest idles, the cache is dropped and the memory goes back to the host.
 */
class MemoryReclaimE2ETest {
    private static final long MIB = 1L << 20;
    private static final long FILE_BYTES = 256 * MIB;

    @Test
    void idleGuest_givesPageCacheBackToTheHost_busyGuestDoesNot() throws Exception {
        Path share = VmmPrivilegeE2ETest.sharedWithTheVmm(Files.createTempDirectory(Path.of("/tmp"), "uvm-reclaim-"));
        Path big = share.resolve("big");
        writeRandom(big, FILE_BYTES);
        String address = "127.0.0.1:" + PrometheusServer.freePort();
        try (UvmDaemon d = new UvmDaemon("[daemon]\nmetricsAddress = " + address + "\n"
                + "[vm]\nmemory = 768MB\nvmIdleTimeout = 10min\nautoMemoryReclaim = dropCache\n"
                + "reclaimIdleWindow = 10s\nhostShare = " + share + "\nhostShareCache = loose\n").start()) {
            assertEquals(0, d.uvm("run", "--", "true").exit());
            long pid = d.list().get("default").get("pid").asLong();
            long before = MetricsE2ETest.vmRss(pid);

            // Fill the guest's page cache, then keep the guest busy for longer than the idle window
            // and a sample: no reclaim may start while the session works.
            UvmDaemon.Result busy = d.uvm("run", "--", "sh", "-c",
                    "cat /mnt/host/big > /dev/null && timeout 25 sh -c 'while :; do :; done'; grep ^Cached: /proc/meminfo");
            assertTrue(busy.stdout().startsWith("Cached:"), busy.toString());
            long cachedKib = Long.parseLong(busy.stdout().replaceAll("[^0-9]", ""));
            assertTrue(cachedKib * 1024 > FILE_BYTES * 9 / 10, "the file is in the guest's page cache: " + busy);
            assertEquals(0, d.logCount("event=reclaim"), "reclaim ran during a busy session:\n" + d.log());
            long risen = MetricsE2ETest.vmRss(pid);
            long rise = risen - before;
            assertTrue(rise > FILE_BYTES / 2, "reading " + FILE_BYTES + " bytes raised QEMU's RSS by " + rise);

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> d.logCount("event=reclaim vm=default mode=dropCache phase=settled") == 1);
            long after = MetricsE2ETest.vmRss(pid);
            long fall = risen - after;
            System.out.printf("reclaim: RSS %d MiB -> %d MiB after reading, -> %d MiB after reclaim: %.0f%% of the"
                    + " rise returned%n", before / MIB, risen / MIB, after / MIB, 100.0 * fall / rise);
            assertTrue(fall >= rise / 2, "RSS fell by " + fall + " bytes, less than half the rise of " + rise);
            assertEquals(pid, d.list().get("default").get("pid").asLong(), "reclaim does not restart the VM");
            assertEquals("idle", d.state("default"), "no session holds the VM, and reclaim did not stop it");

            String scrape = MetricsE2ETest.scrape(address);
            assertEquals(1.0, MetricsE2ETest.sample(scrape,
                    "uvm_vm_memory_reclaim_runs_total{mode=\"dropCache\",vm=\"default\",}"));
            assertTrue(MetricsE2ETest.sample(scrape, "uvm_vm_memory_reclaimed_bytes_total{vm=\"default\",}") >= rise / 2.0);
            assertEquals(1.0, MetricsE2ETest.sample(scrape, "uvm_vm_memory_reclaim_duration_seconds_count{vm=\"default\",}"));
            assertEquals(1.0, MetricsE2ETest.sample(scrape, "uvm_vm_guest_idle{vm=\"default\",}"));

            // The guest still works, and reads the share again.
            UvmDaemon.Result again = d.uvm("run", "--", "sh", "-c", "wc -c < /mnt/host/big");
            assertEquals(new UvmDaemon.Result(0, FILE_BYTES + "\n", ""), again);
        } finally {
            Files.deleteIfExists(big);
            Files.deleteIfExists(share);
        }
    }

    private static void writeRandom(Path file, long bytes) throws Exception {
        Random random = new Random(42);
        byte[] block = new byte[(int) MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < bytes; done += block.length) {
                random.nextBytes(block);
                out.write(block);
            }
        }
    }
}
