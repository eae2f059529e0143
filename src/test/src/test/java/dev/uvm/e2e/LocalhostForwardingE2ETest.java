package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Automatic localhost forwarding: a server a guest process starts is reachable on the host's
 * 127.0.0.1 with the same port (and on the loopback only), serves many connections at once, and
 * the host port closes when the guest server exits; a VM with {@code localhostForwarding = false} keeps
 * its ports to itself.
 */
class LocalhostForwardingE2ETest {
    private static final int CONCURRENT = 200;

    @Test
    void aGuestServer_isReachableOnTheHostsLoopback_manyAtOnce_andItsPortClosesWithIt() throws Exception {
        String metrics = "127.0.0.1:" + PrometheusServer.freePort();
        try (UvmDaemon d = new UvmDaemon("[daemon]\nmetricsAddress = " + metrics
                + "\n[vm]\nvmIdleTimeout = 600000\nforwardIdleTimeout = 3s\n[vm.quiet]\nlocalhostForwarding = false\n")
                .start()) {
            int port = PrometheusServer.freePort();
            int quietPort = PrometheusServer.freePort();
            UvmDaemon.Result quiet = d.uvm("run", "--vm", "quiet", "--detach", "--", "httpd", "-f", "-p",
                    "0.0.0.0:" + quietPort, "-h", "/tmp");
            assertEquals(0, quiet.exit(), quiet.toString());
            assertEquals(0, d.uvm("run", "--", "sh", "-c",
                    "mkdir -p /tmp/www && echo hello from the guest > /tmp/www/index.html").exit());
            UvmDaemon.Result job = d.uvm("run", "--detach", "--", "httpd", "-f", "-p", "0.0.0.0:" + port,
                    "-h", "/tmp/www");
            assertEquals(0, job.exit(), job.toString());

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI uri = URI.create("http://127.0.0.1:" + port + "/index.html");
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                    http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body()
                            .equals("hello from the guest\n"));
            String listed = d.uvm("list").stdout();
            assertTrue(listed.contains("forwarded from 127.0.0.1: " + port), listed);
            try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int takenPort = taken.getLocalPort();
                UvmDaemon.Result second = d.uvm("run", "--detach", "--", "httpd", "-f", "-p", "0.0.0.0:" + takenPort,
                        "-h", "/tmp/www");
                assertEquals(0, second.exit(), second.toString());
                await().atMost(Duration.ofSeconds(10)).until(() -> d.uvm("list").stdout()
                        .contains("not forwarded, the host's port is in use: " + takenPort));
                assertTrue(d.log().contains("guest port " + takenPort + " is not forwarded"), d.log());
                assertEquals(0, d.uvm("kill", second.stdout().strip()).exit());
            }
            List<String> bound = hostListenerAddresses(port);
            assertTrue(bound.contains("0100007F") && LOOPBACK.containsAll(bound), "bound on the host's loopback only: " + bound);
            if (Files.readString(Path.of("/proc/net/if_inet6")).contains(" lo")) {
                assertEquals("hello from the guest\n", http.send(HttpRequest.newBuilder(
                        URI.create("http://[::1]:" + port + "/index.html")).build(), HttpResponse.BodyHandlers.ofString())
                        .body(), "on the IPv6 loopback too");
                assertTrue(bound.contains(IPV6_LOOPBACK), bound.toString());
            }
            // The quiet VM's server has listened since before the default VM's did, whose port is forwarded now.
            assertTrue(d.uvm("run", "--vm", "quiet", "--", "sh", "-c", "netstat -ltn | grep -q :" + quietPort).exit() == 0,
                    "the quiet VM's server listens in its guest");
            assertTrue(refused(quietPort), "localhostForwarding = false: not forwarded");

            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                all.add(http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                assertEquals("hello from the guest\n", f.get().body());
            }

            // Each open connection held the VM as a background session; the server's job is the one left.
            await().atMost(Duration.ofSeconds(30)).until(() -> backgroundSessions(d) == 1);
            String scrape = MetricsE2ETest.scrape(metrics);
            String series = "{port=\"" + port + "\",vm=\"default\",}";
            assertTrue(MetricsE2ETest.sample(scrape, "uvm_forward_connections_total" + series) >= CONCURRENT + 1, scrape);
            assertEquals(0, MetricsE2ETest.sample(scrape, "uvm_forward_open" + series));
            assertTrue(MetricsE2ETest.sample(scrape, "uvm_forward_bytes_total{direction=\"to_host\",port=\"" + port
                    + "\",vm=\"default\",}") >= (CONCURRENT + 1) * "hello from the guest\n".length(), scrape);

            // A client that connects and sends nothing is cut off after forwardIdleTimeout, freeing the VM.
            try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), port)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> backgroundSessions(d) == 2);
                silent.setSoTimeout(30_000);
                assertEquals(-1, silent.getInputStream().read(), "closed by the daemon");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> backgroundSessions(d) == 1);
            assertTrue(d.log().contains("carried nothing for 3000 ms (forwardIdleTimeout)"), d.log());

            assertEquals(0, d.uvm("kill", job.stdout().strip()).exit());
            await().atMost(Duration.ofSeconds(10)).until(() -> refused(port));
            await().atMost(Duration.ofSeconds(30)).until(() -> backgroundSessions(d) == 0);
            assertTrue(d.log().contains("guest port " + port + " closed"), d.log());
        }
    }

    private static final String IPV6_LOOPBACK = "00000000000000000000000001000000";
    private static final List<String> LOOPBACK = List.of("0100007F", "0000000000000000FFFF00000100007F", IPV6_LOOPBACK);

    /** The local addresses (hex, as /proc/net/tcp and tcp6 show them) of the host's listeners on {@code port}. */
    private static List<String> hostListenerAddresses(int port) throws IOException {
        String hexPort = String.format(":%04X ", port);
        List<String> found = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && (f[1] + " ").endsWith(hexPort) && f[3].equals("0A")) {
                    found.add(f[1].substring(0, f[1].indexOf(':')));
                }
            }
        }
        return found;
    }

    private static int backgroundSessions(UvmDaemon d) throws Exception {
        return d.list().get("default").get("backgroundSessions").asInt();
    }

    private static boolean refused(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }
}
