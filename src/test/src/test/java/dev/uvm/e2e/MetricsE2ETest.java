package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus scrapes a real daemon while a real VM runs: the boot histogram, the live
 * session gauge and the memory gauges arrive, and the memory figures agree with independent
 * readings (QEMU's RSS from /proc, the guest's /proc/meminfo).
 */
class MetricsE2ETest {
    private static final Duration LONG = Duration.ofMinutes(2);
    /** Memory figures are sampled every 5 s; an idle guest's figures move by far less than this. */
    private static final double TOLERANCE = 0.15;

    @Test
    void prometheusScrapesBootSessionsAndMemory_andPromtoolAcceptsTheExposition() throws Exception {
        int metricsPort = PrometheusServer.freePort();
        String address = "127.0.0.1:" + metricsPort;
        try (UvmDaemon d = new UvmDaemon("[daemon]\nmetricsAddress = " + address + "\n[vm]\nvmIdleTimeout = 2000\n")
                .start();
             PrometheusServer prom = new PrometheusServer(d.dir, address)) {
            await().atMost(LONG).until(prom::targetUp);
            assertEquals(0.0, prom.query("uvm_vm_boot_duration_seconds_count{vm=\"default\"}"));
            assertEquals(0.0, prom.query("uvm_sessions_active{vm=\"default\",kind=\"foreground\"}"));

            Process holder = d.client(List.of("run", "--", "sleep", "600"));
            // The session counts from the moment it is opened; the boot completes a little later.
            await().atMost(LONG).until(() ->
                    prom.query("uvm_sessions_active{vm=\"default\",kind=\"foreground\"}") == 1.0
                    && prom.query("uvm_vm_state{vm=\"default\",state=\"running\"}") == 1.0);
            assertEquals(1.0, prom.query("uvm_vm_boot_duration_seconds_count{vm=\"default\",backend=\"qemu\"}"));
            assertEquals(1.0, prom.query("uvm_vm_starts_total{vm=\"default\",result=\"success\"}"));
            await().atMost(LONG).until(() -> prom.query("uvm_vm_memory_host_resident_bytes{vm=\"default\"}") > 0
                    && prom.query("uvm_vm_memory_guest_total_bytes{vm=\"default\"}") > 0);

            // Independent readings: QEMU's VmRSS from /proc, and the guest's own /proc/meminfo.
            long pid = d.list().get("default").get("pid").asLong();
            String meminfo = d.uvm("run", "--", "cat", "/proc/meminfo").stdout();
            long guestTotal = meminfoBytes(meminfo, "MemTotal");
            long guestAvailable = meminfoBytes(meminfo, "MemAvailable");
            String scrape = scrape(address);
            long qemuRss = vmRss(pid);
            double rss = sample(scrape, "uvm_vm_memory_host_resident_bytes{vm=\"default\",}");
            assertEquals(qemuRss, rss, qemuRss * TOLERANCE, "host RSS gauge vs /proc/" + pid + "/status");
            assertEquals(guestTotal, sample(scrape, "uvm_vm_memory_guest_total_bytes{vm=\"default\",}"), 0.0);
            assertEquals(guestAvailable, sample(scrape, "uvm_vm_memory_guest_available_bytes{vm=\"default\",}"),
                    guestAvailable * TOLERANCE);
            assertEquals(512.0 * 1024 * 1024, sample(scrape, "uvm_vm_memory_assigned_bytes{vm=\"default\",}"));

            Path exposition = d.dir.resolve("metrics.txt");
            Files.writeString(exposition, scrape);
            Process promtool = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true)
                    .redirectInput(exposition.toFile()).start();
            String problems = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, promtool.waitFor(), problems);
            assertEquals("", problems.strip());

            holder.destroyForcibly().waitFor();
            await().atMost(LONG).until(() -> prom.query("uvm_vm_stops_total{vm=\"default\",reason=\"idle\"}") == 1.0);
            assertEquals(0.0, prom.query("uvm_sessions_active{vm=\"default\",kind=\"foreground\"}"));
            assertEquals(0.0, prom.query("uvm_vm_memory_host_resident_bytes{vm=\"default\"}"));
            assertEquals(1.0, prom.query("uvm_vm_stop_duration_seconds_count{vm=\"default\"}"));
        }
    }

    static String scrape(String address) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static double sample(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .orElseThrow(() -> new AssertionError("missing " + series));
    }

    private static long meminfoBytes(String meminfo, String key) {
        return meminfo.lines().filter(l -> l.startsWith(key + ":")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
                .orElseThrow(() -> new AssertionError("no " + key + " in " + meminfo));
    }

    static long vmRss(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElseThrow();
    }

}
