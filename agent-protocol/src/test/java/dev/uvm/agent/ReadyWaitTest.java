package dev.uvm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.uvm.io.ChannelStreams;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Waiting for READY tells the four ways a boot can end apart, whichever comes first. */
class ReadyWaitTest {
    @TempDir
    Path dir;
    private ServerSocketChannel server;
    private AgentConnection agent;
    private SocketChannel guest;
    private final CompletableFuture<Integer> vmExit = new CompletableFuture<>();

    @BeforeEach
    void connect() throws IOException {
        Path socket = dir.resolve("agent.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        agent = AgentConnection.connect("test", socket);
        guest = server.accept();
    }

    @AfterEach
    void close() throws IOException {
        agent.close();
        guest.close();
        server.close();
    }

    private void guestSends(int type, String payload) throws IOException {
        OutputStream out = ChannelStreams.out(guest);
        new AgentFrame(type, 0, payload.getBytes(StandardCharsets.UTF_8)).write(out);
    }

    private long inMillis(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void ready_givesTheTextAndTheGuestsUptime() throws IOException {
        guestSends(AgentFrame.READY, "uvm-agent 1 uptime=0.87 ports=1");
        ReadyWait.Ready ready = assertInstanceOf(ReadyWait.Ready.class, agent.awaitReady(vmExit, inMillis(10_000)));
        assertEquals("uvm-agent 1 uptime=0.87 ports=1", ready.text());
        assertEquals(0.87, ready.uptimeSeconds(), 1e-9);
        assertEquals(0, new ReadyWait.Ready("uvm-agent 1").uptimeSeconds());
    }

    @Test
    void vmExitBeforeReady_isVmExited() {
        vmExit.complete(1);
        assertInstanceOf(ReadyWait.VmExited.class, agent.awaitReady(vmExit, inMillis(10_000)));
    }

    @Test
    void agentGoneWhileTheVmRuns_isClosed_andGoneWithTheVm_isVmExited() throws IOException {
        guest.close();
        assertInstanceOf(ReadyWait.Closed.class, agent.awaitReady(vmExit, inMillis(10_000)));
        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(() -> vmExit.complete(0));
        assertInstanceOf(ReadyWait.VmExited.class, agent.awaitReady(vmExit, inMillis(10_000)));
    }

    @Test
    void nothingBeforeTheDeadline_isTimedOut() {
        assertInstanceOf(ReadyWait.TimedOut.class, agent.awaitReady(vmExit, inMillis(50)));
    }
}
