package dev.uvm.hcs.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uvm.agent.AgentChannel;
import dev.uvm.agent.ChannelListener;
import dev.uvm.hcs.testing.NoLeaks;
import dev.uvm.vm.RunningVm;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarded ports on HCS: the daemon's forwarders (daemon/.../forward) use only the agent
 * connection of a {@link RunningVm} (its ports reports, {@code listens}/{@code awaitPort} and a
 * CONNECT channel per TCP connection), so they work unchanged on any backend whose agent connection
 * carries the protocol. Here that connection is the real hvsocket transport (Winsock double), and a
 * TCP server on the host's loopback stands in for a server in the guest.
 */
@ExtendWith(NoLeaks.class)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "runs against the Linux build of the computecore double")
class HcsForwardingTest {

    @TempDir
    Path tmp;
    private RunningVm vm;

    @AfterEach
    void stop() {
        if (vm != null) {
            vm.kill();
        }
    }

    @Test
    void portReportedByTheGuest_isSeen_andAConnectChannelCarriesTcpBothWays() throws Exception {
        FakeGuests guests = FakeGuests.overHvSocket(tmp);
        vm = new HcsDriver(TestVms.image(tmp.resolve("image")), tmp.resolve("disks"), guests)
                .boot(TestVms.config(60_000, 20_000, 10_000));
        try (ServerSocket guestServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> upperCaseOnce(guestServer));
            int port = guestServer.getLocalPort();

            guests.lastAgent().reportPorts(port);
            assertTrue(vm.agent().awaitPort(port, 20_000), "the PORTS report came over the hvsocket");
            assertTrue(vm.agent().listens(port, 20_000));

            ByteArrayOutputStream got = new ByteArrayOutputStream();
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            AgentChannel channel = vm.agent().connect(port, new ChannelListener() {
                @Override
                public void onStdout(byte[] data) {
                    synchronized (got) {
                        got.writeBytes(data);
                    }
                }

                @Override
                public void onStderr(byte[] data) {
                }

                @Override
                public void onExit(int status) {
                    exit.complete(status);
                }

                @Override
                public void onBroken(String reason) {
                    exit.completeExceptionally(new IllegalStateException(reason));
                }
            });
            byte[] request = "hello over hvsocket".getBytes(StandardCharsets.UTF_8);
            channel.writeStdin(request, 0, request.length);
            channel.closeStdin();

            assertEquals(0, exit.get(20, TimeUnit.SECONDS), "EXIT 0 when the guest's server closed");
            served.get(20, TimeUnit.SECONDS);
            synchronized (got) {
                assertEquals("HELLO OVER HVSOCKET", got.toString(StandardCharsets.UTF_8));
            }
        }
    }

    /** Reads until end of stream, answers in upper case, closes. */
    private static void upperCaseOnce(ServerSocket server) {
        try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            out.write(text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
