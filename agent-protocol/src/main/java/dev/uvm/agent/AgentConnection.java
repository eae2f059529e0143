package dev.uvm.agent;

import dev.uvm.io.ChannelStreams;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host end of the guest agent's virtio-serial port: one socket shared by every session of a VM.
 *
 * <p>Concurrency: one reader thread parses frames and dispatches them to channels; senders share
 * the socket under a lock and write whole frames. The reader never blocks on a session: output is
 * handed to non-blocking listeners, and the credit window bounds what each channel may have in
 * flight.
 */
public final class AgentConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentConnection.class);

    private final String vmName;
    private final ByteChannel socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final Map<Integer, AgentChannel> channels = new ConcurrentHashMap<>();
    private final AtomicInteger nextChannel = new AtomicInteger(1);
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private volatile CompletableFuture<Map<String, Long>> pendingStats;
    private volatile CompletableFuture<Void> pendingPong;
    private final Object statsLock = new Object();
    /** The guest's listening ports as last reported, and who wants to hear of changes (see {@link #onPorts}). */
    private volatile int[] ports = new int[0];
    private volatile java.util.function.Consumer<int[]> portsListener;
    /** Whether the guest has reported its ports on this connection. Guarded by {@code portsChanged}. */
    private boolean portsReported;
    /** Notified on every ports report and when the connection closes (see {@link #awaitPort}). */
    private final Object portsChanged = new Object();

    private AgentConnection(String vmName, ByteChannel socket) {
        this.vmName = vmName;
        this.socket = socket;
        this.out = new BufferedOutputStream(ChannelStreams.out(socket), 65536 + AgentFrame.HEADER_BYTES);
        this.in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(socket), 65536));
        Thread reader = new Thread(this::readLoop, "agent-reader-" + vmName);
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects to the host side of the agent port (a Unix socket QEMU listens on). */
    public static AgentConnection connect(String vmName, Path socketPath) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socketPath));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new AgentConnection(vmName, ch);
    }

    /**
     * Speaks the agent protocol over an already connected channel (for transports other than
     * QEMU's Unix socket, such as an hvsocket accepted by the HCS driver). The channel must be
     * blocking and allow one thread to read while another writes; closing it must wake a blocked read.
     */
    public static AgentConnection over(String vmName, ByteChannel connected) {
        return new AgentConnection(vmName, connected);
    }

    /** Completes with the READY text when the agent has announced itself. */
    public CompletableFuture<String> ready() {
        return ready;
    }

    /** Completes with the reason when the connection ends (VM powered off or crashed). */
    public CompletableFuture<String> closedFuture() {
        return closed;
    }

    /** Starts a process in the guest. */
    public AgentChannel exec(ExecRequest request, ChannelListener listener) throws IOException {
        return openChannel(AgentFrame.EXEC, request.encode(), listener);
    }

    /** Sends {@code type} (EXEC or CONNECT) on a new channel that reports to {@code listener}. */
    private AgentChannel openChannel(int type, byte[] payload, ChannelListener listener) throws IOException {
        String reason = closed.getNow(null);
        if (reason != null) {
            throw new IOException("guest agent connection is closed: " + reason);
        }
        int id = nextChannel.getAndIncrement();
        AgentChannel channel = new AgentChannel(this, id, listener);
        channels.put(id, channel);
        try {
            send(new AgentFrame(type, id, payload));
        } catch (IOException | RuntimeException e) {
            channels.remove(id);
            throw e;
        }
        return channel;
    }

    /**
     * Opens a TCP connection to {@code 127.0.0.1:port} in the guest, carried on a channel as a
     * process's streams would be: what is written to its stdin is sent, what the guest server
     * answers arrives as stdout (with the same credit flow control), EXIT comes when the server
     * closes (status 0) or the connection failed (status 1, the reason on stderr), and a signal
     * closes it. No process runs for it in the guest.
     */
    public AgentChannel connect(int port, ChannelListener listener) throws IOException {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port);
        }
        return openChannel(AgentFrame.CONNECT, new byte[] {(byte) (port >> 8), (byte) port}, listener);
    }

    /** Asks the agent to power the VM off; returns once the request is sent. */
    public void powerOff() throws IOException {
        send(AgentFrame.of(AgentFrame.POWEROFF, 0));
    }

    /** Asks the agent to drop the page cache and compact memory. */
    public void dropCaches() throws IOException {
        send(new AgentFrame(AgentFrame.DROP_CACHES, 0, new byte[] {1}));
    }

    /**
     * Asks the agent to reclaim about {@code bytes} of guest page cache (cgroup v2
     * {@code memory.reclaim}) and compact memory.
     */
    public void reclaim(long bytes) throws IOException {
        byte[] payload = java.nio.ByteBuffer.allocate(9).put((byte) 2).putLong(bytes).array();
        send(new AgentFrame(AgentFrame.DROP_CACHES, 0, payload));
    }

    /** Sets the guest's wall clock ({@code CLOCK_REALTIME}) to the host's time now. */
    public void setTime() throws IOException {
        java.time.Instant now = java.time.Instant.now();
        long epochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        send(new AgentFrame(AgentFrame.SET_TIME, 0, java.nio.ByteBuffer.allocate(8).putLong(epochNanos).array()));
    }

    /** Sends a PING; the future completes when any PONG arrives (the agent reads and answers frames). */
    public CompletableFuture<Void> ping() throws IOException {
        CompletableFuture<Void> pong = pendingPong;
        if (pong == null || pong.isDone()) {
            pong = new CompletableFuture<>();
            pendingPong = pong;
        }
        send(AgentFrame.of(AgentFrame.PING, 0));
        return pong;
    }

    /** Waits until the agent reports READY, the VM exits ({@code vmExit}), or the deadline passes. */
    public ReadyWait awaitReady(CompletableFuture<?> vmExit, long deadlineNanos) {
        return ReadyWait.await(this, vmExit, deadlineNanos);
    }

    /** Guest statistics ({@code mem_total}, {@code mem_available}, CPU times, ...), waiting at most {@code timeout}. */
    public Map<String, Long> stats(Duration timeout) throws IOException {
        try {
            return stats().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("guest agent sent no statistics within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for guest statistics");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** Requests guest statistics (memory, CPU); the future completes with the key/value lines. */
    public CompletableFuture<Map<String, Long>> stats() throws IOException {
        synchronized (statsLock) {
            if (pendingStats == null || pendingStats.isDone()) {
                pendingStats = new CompletableFuture<>();
                send(AgentFrame.of(AgentFrame.STATS_REQ, 0));
            }
            return pendingStats;
        }
    }

    public int openChannels() {
        return channels.size();
    }

    void send(AgentFrame frame) throws IOException {
        synchronized (out) {
            frame.write(out);
            out.flush();
        }
    }

    private void readLoop() {
        String reason = "agent connection closed";
        try {
            while (true) {
                dispatch(AgentFrame.read(in));
            }
        } catch (EOFException e) {
            reason = "guest agent connection closed (VM powered off or stopped)";
        } catch (IOException e) {
            reason = "guest agent connection failed: " + e.getMessage();
        } catch (RuntimeException e) {
            log.error("VM {}: agent protocol error", vmName, e);
            reason = "guest agent protocol error: " + e;
        } finally {
            shutdownChannels(reason);
        }
    }

    private void dispatch(AgentFrame f) {
        switch (f.type()) {
            case AgentFrame.READY -> ready.complete(new String(f.payload(), StandardCharsets.UTF_8));
            case AgentFrame.STDOUT, AgentFrame.STDERR -> {
                AgentChannel ch = channels.get(f.channel());
                if (ch != null) {
                    if (f.type() == AgentFrame.STDOUT) {
                        ch.listener.onStdout(f.payload());
                    } else {
                        ch.listener.onStderr(f.payload());
                    }
                }
            }
            case AgentFrame.EXIT -> {
                AgentChannel ch = channels.remove(f.channel());
                if (ch != null) {
                    ch.closed("process exited");
                    ch.listener.onExit(f.intPayload());
                }
            }
            case AgentFrame.STDIN_ACK -> {
                AgentChannel ch = channels.get(f.channel());
                if (ch != null) {
                    ch.stdinAcknowledged(f.intPayload());
                }
            }
            case AgentFrame.STATS -> {
                CompletableFuture<Map<String, Long>> p = pendingStats;
                if (p != null) {
                    p.complete(parseStats(new String(f.payload(), StandardCharsets.UTF_8)));
                }
            }
            case AgentFrame.PONG -> {
                CompletableFuture<Void> p = pendingPong;
                if (p != null) {
                    p.complete(null);
                }
            }
            case AgentFrame.PORTS -> {
                int[] now = parsePorts(f.payload());
                synchronized (portsChanged) {
                    ports = now;
                    portsReported = true;
                    portsChanged.notifyAll();
                }
                java.util.function.Consumer<int[]> l = portsListener;
                if (l != null) {
                    l.accept(now.clone());
                }
            }
            case AgentFrame.LOG -> log.info("VM {} agent: {}", vmName,
                    new String(f.payload(), StandardCharsets.UTF_8).strip());
            default -> log.debug("VM {}: ignoring agent frame type {}", vmName, f.type());
        }
    }

    static int[] parsePorts(byte[] payload) {
        int[] ports = new int[payload.length / 2];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = ((payload[2 * i] & 0xff) << 8) | (payload[2 * i + 1] & 0xff);
        }
        return ports;
    }

    /**
     * Hears of the TCP ports guest processes listen on: at once with the last report, then whenever
     * the agent reports a change (about a second after it happens). Called on the reader thread: the
     * listener must not block. One listener; a new one replaces the old.
     */
    public void onPorts(java.util.function.Consumer<int[]> listener) {
        portsListener = listener;
        listener.accept(ports.clone());
    }

    /**
     * Waits until the guest reports a process listening on TCP {@code port}. Returns false when
     * {@code timeoutMillis} pass or the connection closes first.
     */
    public boolean awaitPort(int port, long timeoutMillis) throws InterruptedException {
        return awaitPorts(() -> java.util.Arrays.stream(ports).anyMatch(p -> p == port), timeoutMillis);
    }

    /**
     * Whether the guest reports {@code port} listening, once it has reported its ports at all on this
     * connection (it does so right after READY or a PONG); false if no report comes within
     * {@code timeoutMillis}.
     */
    public boolean listens(int port, long timeoutMillis) throws InterruptedException {
        return awaitPorts(() -> portsReported, timeoutMillis) && java.util.Arrays.stream(ports).anyMatch(p -> p == port);
    }

    private boolean awaitPorts(java.util.function.BooleanSupplier done, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (portsChanged) {
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed.isDone()) {
                    return false;
                }
                portsChanged.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            return true;
        }
    }

    static Map<String, Long> parseStats(String text) {
        Map<String, Long> stats = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] kv = line.strip().split("\\s+");
            if (kv.length == 2) {
                try {
                    stats.put(kv[0], (long) Double.parseDouble(kv[1]));
                } catch (NumberFormatException ignored) {
                    // A key this host does not understand; skip it.
                }
            }
        }
        return stats;
    }

    private void shutdownChannels(String reason) {
        closed.complete(reason);
        synchronized (portsChanged) {
            portsChanged.notifyAll();
        }
        ready.completeExceptionally(new IOException(reason));
        CompletableFuture<Void> pong = pendingPong;
        if (pong != null) {
            pong.completeExceptionally(new IOException(reason));
        }
        CompletableFuture<Map<String, Long>> p = pendingStats;
        if (p != null) {
            p.completeExceptionally(new IOException(reason));
        }
        for (AgentChannel ch : channels.values()) {
            channels.remove(ch.id());
            ch.closed(reason);
            ch.listener.onBroken(reason);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a broken socket; nothing to report.
        }
    }
}
