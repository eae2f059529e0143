package dev.uvm.client;

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
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A client's connection to the daemon, after the hello exchange.
 */
public final class DaemonConnection implements AutoCloseable {
    private final SocketChannel socket;
    final DataInputStream in;
    final OutputStream out;

    private DaemonConnection(SocketChannel socket) {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(socket), 1 << 16));
        this.out = new BufferedOutputStream(ChannelStreams.out(socket), 1 << 16);
    }

    /** Connects without starting a daemon; fails with the socket error. */
    public static DaemonConnection open(Path socketPath) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socketPath));
        } catch (IOException e) {
            ch.close();
            if (String.valueOf(e.getMessage()).contains("Permission denied")) {
                throw new IOException("cannot connect to the uvm daemon at " + socketPath + ": permission denied"
                        + " (the socket belongs to another user; use your own --socket, or ask its owner to set"
                        + " socketGroup in [daemon])", e);
            }
            throw e;
        }
        DaemonConnection c = new DaemonConnection(ch);
        try {
            try {
                c.send(ClientMessage.Hello.current());
            } catch (IOException e) {
                // A daemon that refuses us (peer check) writes why and closes before reading our hello;
                // the reason is still there to read.
                c.expectHello(e);
            }
            c.expectHello(null);
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    /** Reads the daemon's hello; an error answer (refused, wrong version) becomes a {@link DaemonError}. */
    private void expectHello(IOException sendFailure) throws IOException {
        DaemonMessage hello;
        try {
            hello = receive(null);
        } catch (IOException e) {
            throw sendFailure != null ? sendFailure : e;
        }
        if (hello instanceof DaemonMessage.Failure f) {
            throw new DaemonError(f);
        }
        if (!(hello instanceof DaemonMessage.Hello)) {
            throw new IOException("the daemon did not answer hello");
        }
        if (sendFailure != null) {
            throw sendFailure;
        }
    }

    public void send(ClientMessage message) throws IOException {
        Wire.send(out, message);
    }

    /** Reads one control message; a {@code result} is decoded as {@code result}, if one is expected. */
    public DaemonMessage receive(Class<? extends DaemonMessage.Result> result) throws IOException {
        return DaemonMessage.decode(Wire.read(in), result);
    }

    /** Sends a request and returns its single answer; an error answer becomes a {@link DaemonError}. */
    public <T extends DaemonMessage.Result> T request(ClientMessage message, Class<T> result) throws IOException {
        send(message);
        DaemonMessage answer = receive(result);
        if (answer instanceof DaemonMessage.Failure f) {
            throw new DaemonError(f);
        }
        if (!result.isInstance(answer)) {
            throw new Wire.ProtocolException("the daemon answered " + answer.type() + " to " + message.type());
        }
        return result.cast(answer);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    /** Whether a connect failure means that no daemon listens on the socket (missing or stale). */
    public static boolean noDaemon(IOException e) {
        if (e instanceof java.net.ConnectException || e instanceof java.nio.file.NoSuchFileException) {
            return true;
        }
        String m = String.valueOf(e.getMessage());
        return e instanceof java.net.SocketException
                && (m.contains("No such file") || m.contains("Connection refused"));
    }

    /** The daemon refused a request; the message is for the user. */
    public static final class DaemonError extends IOException {
        private final int exitCode;

        public DaemonError(DaemonMessage.Failure failure) {
            super(failure.message());
            this.exitCode = failure.code();
        }

        public int exitCode() {
            return exitCode;
        }
    }
}
