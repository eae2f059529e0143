package dev.uvm.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uvm.io.ChannelStreams;
import dev.uvm.protocol.ClientMessage;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.Wire;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 500 clients open and close sessions in a loop for a minute against one VM, over the real
 * protocol: every session gets its VM, the live session count returns to exactly 0, the VM is
 * reclaimed once afterwards, and the daemon's heap stays bounded.
 */
class LoadE2ETest {
    private static final int CLIENTS = 500;
    private static final long RUN_MILLIS = 60_000;
    /** The daemon's heap after the load, following a full GC, must fit this. */
    private static final double HEAP_BOUND_BYTES = 256.0 * 1024 * 1024;

    /** One session over the wire: hello, run, read to the exit status. */
    static int runOnce(Path socket, List<String> argv) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(ch)));
            OutputStream out = new BufferedOutputStream(ChannelStreams.out(ch));
            Wire.send(out, ClientMessage.Hello.current());
            DaemonMessage.decode(Wire.read(in), null);
            Wire.send(out, ClientMessage.Run.of("default", argv, List.of()));
            Wire.write(out, Wire.STDIN, new byte[0], 0, 0);
            while (true) {
                Wire.Frame f = Wire.read(in);
                if (f.type() == Wire.CONTROL) {
                    DaemonMessage m = DaemonMessage.decode(f, null);
                    if (m instanceof DaemonMessage.Exit x) {
                        return x.code();
                    }
                    if (m instanceof DaemonMessage.Failure e) {
                        throw new IOException(e.message());
                    }
                }
            }
        }
    }

    private static double heapUsed(String metricsAddress) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + metricsAddress + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void fiveHundredClientsInALoop_everySessionServed_countReturnsToZero_vmReclaimedOnce() throws Exception {
        String metrics = "127.0.0.1:" + PrometheusServer.freePort();
        try (UvmDaemon d = new UvmDaemon("[daemon]\nmetricsAddress = " + metrics + "\n[vm]\nvmIdleTimeout = 3000\n")
                .start()) {
            AtomicLong ok = new AtomicLong();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            long until = System.currentTimeMillis() + RUN_MILLIS;
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int n = i;
                Thread t = new Thread(() -> {
                    while (System.currentTimeMillis() < until && failures.size() < 10) {
                        try {
                            int code = runOnce(d.socket, List.of("sh", "-c", "exit " + (n % 7)));
                            if (code == n % 7) {
                                ok.incrementAndGet();
                            } else {
                                failures.add("client " + n + ": exit " + code + ", expected " + (n % 7));
                            }
                        } catch (IOException e) {
                            failures.add("client " + n + ": " + e.getMessage());
                        }
                    }
                }, "load-" + i);
                t.setDaemon(true);
                clients.add(t);
                t.start();
            }
            for (Thread t : clients) {
                t.join(RUN_MILLIS + 120_000);
                assertTrue(!t.isAlive(), t.getName() + " is stuck");
            }
            assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.peek());
            assertTrue(ok.get() >= CLIENTS, "every client completed at least one session: " + ok.get());

            JsonNode vm = d.list().get("default");
            assertEquals(0, vm.get("foregroundSessions").asInt(), "live session count returns to 0");
            await().atMost(Duration.ofMinutes(2)).until(() -> d.state("default").equals("stopped"));
            assertEquals(1, d.logCount("event=boot vm=default result=ok"), "one boot served the whole load");
            assertEquals(1, d.logCount("event=stop vm=default reason=idle"), "reclaimed once afterwards");

            assertEquals(0, new ProcessBuilder("jcmd", Long.toString(d.process().pid()), "GC.run").start().waitFor());
            double heap = heapUsed(metrics);
            assertTrue(heap < HEAP_BOUND_BYTES, "daemon heap after load and GC: " + heap / 1048576 + " MiB");
            System.out.printf("load: %d sessions in %d s by %d clients; daemon heap after GC %.1f MiB%n",
                    ok.get(), RUN_MILLIS / 1000, CLIENTS, heap / 1048576);
        }
    }
}
