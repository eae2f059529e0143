package dev.uvm.hcs.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent transports on their own: the Unix-socket listener, and what the hvsocket one says it lacks. */
class AgentTransportTest {
    @TempDir
    Path tmp;

    @Test
    void unix_guestConnectsBeforeAccept_acceptReturnsTheConnectedChannel() throws Exception {
        try (AgentTransport.Listener listener = new UnixSocketAgentTransport(tmp).listen("vm1", null);
             SocketChannel guest = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            guest.connect(UnixDomainSocketAddress.of(listener.address()));
            guest.write(ByteBuffer.wrap(new byte[] {42}));

            try (SocketChannel host = (SocketChannel) listener.accept(Duration.ofSeconds(20))) {
                ByteBuffer got = ByteBuffer.allocate(1);
                host.read(got);

                assertTrue(host.isBlocking());
                assertEquals(42, got.get(0));
                assertEquals(tmp.resolve("vm1/agent.sock").toString(), listener.address());
            }
        }
    }

    @Test
    void unix_nobodyConnects_acceptThrowsSocketTimeout() throws Exception {
        try (AgentTransport.Listener listener = new UnixSocketAgentTransport(tmp).listen("vm2", null)) {
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> listener.accept(Duration.ofMillis(50)));

            assertTrue(e.getMessage().contains("no guest agent connected to " + listener.address()), e.getMessage());
        }
    }

    @Test
    void unix_closeWhileAccepting_wakesAcceptWithClosedChannel_andRemovesTheSocket() throws Exception {
        AgentTransport.Listener listener = new UnixSocketAgentTransport(tmp).listen("vm3", null);
        CompletableFuture<java.nio.channels.ByteChannel> accepting = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept(Duration.ofMinutes(10));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });

        listener.close();

        ExecutionException e = assertThrows(ExecutionException.class, () -> accepting.get(20, TimeUnit.SECONDS));
        assertInstanceOf(ClosedChannelException.class, e.getCause().getCause());
        assertFalse(Files.exists(Path.of(listener.address())));
    }

    @Test
    void unix_socketPathTooLong_listenFailsNamingTheLimit() {
        Path deep = tmp.resolve("x".repeat(120));

        IOException e = assertThrows(IOException.class, () -> new UnixSocketAgentTransport(deep).listen("vm", null));

        assertTrue(e.getMessage().contains("longer than 107 bytes"), e.getMessage());
    }

    @Test
    void hvSocket_serviceIdFollowsTheVsockTemplate() {
        assertEquals("0000C3B5-FACB-11E6-BD58-64006A7986D3", HvSocketAgentTransport.serviceId(50_101));
        assertEquals(HvSocketAgentTransport.serviceId(HvSocketAgentTransport.AGENT_VSOCK_PORT),
                "0000C3B5-FACB-11E6-BD58-64006A7986D3");
    }
}
