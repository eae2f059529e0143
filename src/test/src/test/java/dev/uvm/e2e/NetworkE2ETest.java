package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * NAT networking: a guest, and a distribution in it, reach a server on the host's loopback by the
 * name host.uvm.internal and resolve names through the VM's DNS, which forwards to the resolvers
 * the daemon was given (here a responder this test runs on the host's loopback); a VM with
 * {@code networkingMode = none} has a loopback only.
 */
class NetworkE2ETest {
    private static final String NAME = "uvm-test.example";
    private static final String ADDRESS = "192.0.2.7";

    @Test
    void guestAndDistributionReachTheHostByName_andResolveThroughTheVmsDns_andNoneHasNoNetwork() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/file", ex -> {
            byte[] body = "hello from the host\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        String url = "http://host.uvm.internal:" + http.getAddress().getPort() + "/file";
        try (DnsResponder dns = new DnsResponder();
             UvmDaemon d = new UvmDaemon("[vm]\nvmIdleTimeout = 600000\n[vm.off]\nnetworkingMode = none\n")) {
            Path resolv = Files.writeString(d.dir.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
            d.daemonEnv("UVM_RESOLV_CONF", resolv.toString()).start();

            assertEquals(new UvmDaemon.Result(0, "hello from the host\n", ""), d.uvm("run", "--", "wget", "-qO-", url));
            UvmDaemon.Result lookup = d.uvm("run", "--", "nslookup", NAME);
            assertEquals(0, lookup.exit(), lookup.toString());
            assertTrue(lookup.stdout().contains("Address: " + ADDRESS), lookup.stdout());

            Path tarball = Rootfs.tarball(d.dir.resolve("rootfs"), d.dir.resolve("rootfs.tar.gz"));
            assertEquals(0, d.uvm("import", "net", tarball.toString()).exit());
            assertEquals(new UvmDaemon.Result(0, "hello from the host\n", ""),
                    d.uvm("run", "-d", "net", "--", "wget", "-qO-", url), "from a distribution");
            UvmDaemon.Result resolvConf = d.uvm("run", "-d", "net", "--", "cat", "/etc/resolv.conf");
            assertTrue(resolvConf.stdout().contains("nameserver 10.0.2.3"), resolvConf.toString());
            UvmDaemon.Result distroLookup = d.uvm("run", "-d", "net", "--", "nslookup", NAME);
            assertTrue(distroLookup.stdout().contains("Address: " + ADDRESS), distroLookup.toString());

            assertEquals(new UvmDaemon.Result(0, "lo\n", ""), d.uvm("run", "--vm", "off", "--", "ls", "/sys/class/net"));
        } finally {
            http.stop(0);
        }
    }

    /** Answers A queries for {@link #NAME} with {@link #ADDRESS} and every other one with NXDOMAIN, on 127.0.0.1:53. */
    private static final class DnsResponder implements AutoCloseable {
        private final DatagramSocket socket;

        DnsResponder() throws SocketException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53));
            Thread t = new Thread(this::serve, "dns-responder");
            t.setDaemon(true);
            t.start();
        }

        private void serve() {
            byte[] buf = new byte[512];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket q = new DatagramPacket(buf, buf.length);
                    socket.receive(q);
                    byte[] answer = answer(Arrays.copyOf(q.getData(), q.getLength()));
                    socket.send(new DatagramPacket(answer, answer.length, q.getSocketAddress()));
                } catch (Exception e) {
                    // closed, or a malformed query: the guest's resolver times out, which the test reports
                }
            }
        }

        /** The query with the response flags set and, for our name's A record, one answer. */
        private static byte[] answer(byte[] query) {
            int end = 12;
            StringBuilder name = new StringBuilder();
            while (query[end] != 0) {
                int len = query[end];
                name.append(name.length() > 0 ? "." : "").append(new String(query, end + 1, len, StandardCharsets.US_ASCII));
                end += len + 1;
            }
            int qtype = ((query[end + 1] & 0xff) << 8) | (query[end + 2] & 0xff);
            int questionEnd = end + 5;
            boolean ours = name.toString().equalsIgnoreCase(NAME) && qtype == 1;
            byte[] a = ours ? new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, (byte) 192, 0, 2, 7} : new byte[0];
            byte[] out = Arrays.copyOf(query, questionEnd + a.length);
            System.arraycopy(a, 0, out, questionEnd, a.length);
            out[2] = (byte) (0x80 | (query[2] & 0x01)); // response, recursion desired copied
            out[3] = (byte) (0x80 | (ours || qtype != 1 && name.toString().equalsIgnoreCase(NAME) ? 0 : 3)); // RA; NXDOMAIN
            out[6] = 0;
            out[7] = (byte) (ours ? 1 : 0);
            out[8] = 0;
            out[9] = 0;
            out[10] = 0;
            out[11] = 0;
            return out;
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
