package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Declared ports: the host listens while the VM is stopped or suspended, and a connection wakes it.
 * A stopped VM boots, starts its distribution (whose {@code [boot] command} runs the server) and
 * answers; a suspended one is restored with its server and answers. A declared port another
 * process holds is reported, and listened on once it is freed.
 */
class DeclaredPortsE2ETest {
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final String PAGE = "hello from a woken VM\n";

    @Test
    void aConnectionWakesAStoppedVm_andASuspendedOne_andATakenPortIsReportedUntilFreed() throws Exception {
        String metrics = "127.0.0.1:" + PrometheusServer.freePort();
        int hostPort = PrometheusServer.freePort();
        int guestPort = PrometheusServer.freePort();
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        int takenPort = taken.getLocalPort();
        Path dir = Files.createTempDirectory("uvm-ports-");
        try (UvmDaemon d = new UvmDaemon("[daemon]\nmetricsAddress = " + metrics
                + "\n[vm.web]\nidleAction = suspend\nvmIdleTimeout = 2s\nports = " + hostPort + ":" + guestPort
                + "\n[vm.other]\nports = " + takenPort + "\n").start()) {
            try (taken) {
                await().atMost(LONG).until(() -> d.uvm("list").stdout().contains("declared port not listened on: "
                        + takenPort + ": the host's 127.0.0.1:" + takenPort + " is in use"));
                assertTrue(d.log().contains("declared port " + takenPort + " is not listened on"), d.log());
            }
            await().atMost(LONG).until(() -> d.uvm("list").stdout()
                    .contains("declared ports (a connection wakes the VM): 127.0.0.1:" + takenPort + "\n"));

            Path tarball = Rootfs.tarball(dir.resolve("root"), dir.resolve("site.tar"));
            UvmDaemon.Result imported = d.uvm("import", "site", tarball.toString(), "--vm", "web");
            assertEquals(0, imported.exit(), imported.toString());
            UvmDaemon.Result setUp = d.uvm("run", "-d", "site", "--", "sh", "-c", "mkdir -p /srv/www"
                    + " && echo '" + PAGE.strip() + "' > /srv/www/index.html"
                    + " && printf '[boot]\\ncommand = httpd -p " + guestPort + " -h /srv/www\\n' > /etc/wsl.conf");
            assertEquals(0, setUp.exit(), setUp.toString());
            assertEquals(0, d.uvm("terminate", "web").exit());
            await().atMost(LONG).until(() -> d.state("web").equals("stopped"));
            assertTrue(d.uvm("list").stdout().contains("127.0.0.1:" + hostPort + " -> " + guestPort),
                    "listed while the VM is stopped");

            assertEquals(PAGE, get(hostPort, "/index.html"), "a stopped VM booted");
            assertTrue(d.log().contains("distribution site started for a declared port"), d.log());

            await().atMost(LONG).until(() -> d.state("web").equals("suspended"));
            long restores = d.logCount("event=restore vm=web result=ok");
            assertEquals(PAGE, get(hostPort, "/index.html"), "a suspended VM restored");
            assertEquals(restores + 1, d.logCount("event=restore vm=web result=ok"), d.log());

            String scrape = MetricsE2ETest.scrape(metrics);
            assertEquals(1, MetricsE2ETest.sample(scrape,
                    "uvm_vm_wakeups_total{cause=\"port\",from=\"stopped\",vm=\"web\",}"), scrape);
            assertEquals(1, MetricsE2ETest.sample(scrape,
                    "uvm_vm_wakeups_total{cause=\"port\",from=\"suspended\",vm=\"web\",}"), scrape);
            assertEquals(2, MetricsE2ETest.sample(scrape, "uvm_forward_wake_first_byte_seconds_count{port=\""
                    + hostPort + "\",vm=\"web\",}"), scrape);

            // A config change applies at once: the port VM other no longer declares is closed.
            d.writeConfig("[vm.web]\nidleAction = suspend\nvmIdleTimeout = 2s\nports = " + hostPort + ":" + guestPort
                    + "\n[vm.other]\n");
            await().atMost(LONG).until(() -> refused(takenPort));
            assertTrue(d.log().contains("declared port 127.0.0.1:" + takenPort + " is no longer listened on"), d.log());
        }
    }

    private static boolean refused(int port) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (java.net.ConnectException e) {
            return true;
        }
    }

    /** The body of one HTTP/1.0 GET, on a connection of its own that ends with the answer. */
    private static String get(int port, String path) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) LONG.toMillis());
            s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.") && answer.contains(" 200 "), answer);
            return answer.substring(answer.indexOf("\r\n\r\n") + 4);
        }
    }
}
