package dev.uvm.daemon.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.config.ConfigException;
import dev.uvm.config.ConfigLoader;
import dev.uvm.config.HostInfo;
import dev.uvm.config.UvmConfig;
import dev.uvm.metrics.UvmMetrics;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The listeners of declared ports follow the config: opened at once whatever the VM's state,
 * closed when the config drops them, reported (not fatal) when another process holds the port,
 * and owned against automatic forwarding. Connections themselves are the e2e test's part.
 */
class DeclaredPortsTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final UvmMetrics metrics = new UvmMetrics("test");
    private final DeclaredPorts ports = new DeclaredPorts(threads, timer, metrics, new OpenConnections(),
            (vm, instance) -> { });

    @AfterEach
    void tearDown() {
        ports.close();
        threads.shutdownNow();
        timer.shutdownNow();
        metrics.close();
    }

    private static UvmConfig config(String text) throws ConfigException {
        HostInfo host = new HostInfo(16L << 30, 8, false, Path.of("/root"), 0);
        return ConfigLoader.parse(text, "uvm.conf", Path.of("uvm.conf"), host).config();
    }

    @Test
    void declaredPorts_listenOnTheLoopback_andCloseWhenTheConfigDropsThem() throws Exception {
        int a = freePort();
        int b = freePort();
        ports.apply(config("[vm.web]\nports = " + a + ", " + b + ":80\n"));
        assertTrue(accepts(a) && accepts(b), "listened on with the VM stopped");
        assertTrue(ports.owns(a) && ports.owns(b) && !ports.owns(80), "host ports are owned, guest ports are not");
        assertEquals(List.of(Integer.toString(a), b + ":80").stream().sorted().toList(), ports.listeningFor("web"));

        ports.apply(config("[vm.web]\nports = " + b + ":80\n"));
        assertFalse(accepts(a), "dropped from the config: closed");
        assertFalse(ports.owns(a));
        assertTrue(accepts(b), "kept");
    }

    @Test
    void aPortAnotherProcessHolds_isReportedWithTheFix_andTakenOnceFree() throws Exception {
        ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        int port = other.getLocalPort();
        try (other) {
            ports.apply(config("[vm.web]\nports = " + port + "\n"));
            List<String> why = ports.unavailableFor("web");
            assertEquals(1, why.size());
            assertTrue(why.get(0).startsWith(port + ": the host's 127.0.0.1:" + port + " is in use by another process")
                    && why.get(0).contains("tries again every 10 s"), why.get(0));
            assertEquals(List.of(), ports.listeningFor("web"));
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (ports.listeningFor("web").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(List.of(Integer.toString(port)), ports.listeningFor("web"), "taken by the retry");
        assertEquals(List.of(), ports.unavailableFor("web"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }
}
