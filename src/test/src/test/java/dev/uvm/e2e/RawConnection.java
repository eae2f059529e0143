package dev.uvm.e2e;

import dev.uvm.io.ChannelStreams;
import dev.uvm.protocol.DaemonMessage;
import dev.uvm.protocol.Fields;
import dev.uvm.protocol.Wire;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection to the daemon's socket that sends whatever bytes a test wants (valid or not) and
 * reads the answer with {@link Wire#read}, so that anything malformed the daemon sent would fail.
 */
final class RawConnection implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "raw-connection-timer");
        t.setDaemon(true);
        return t;
    });
    private final SocketChannel ch;

    private RawConnection(SocketChannel ch) {
        this.ch = ch;
    }

    static RawConnection open(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new RawConnection(ch);
    }

    /** How a connection ended from the client's side: the frames received, and whether the daemon closed it. */
    record Answer(List<Wire.Frame> frames, boolean closedByDaemon, String failure) {
        List<String> types() throws IOException {
            List<String> t = new ArrayList<>();
            for (Wire.Frame f : frames) {
                t.add(f.type() == Wire.CONTROL ? Fields.ofMessage(f.control()).type() : "frame" + f.type());
            }
            return t;
        }

        /** The message of the first error, or "" when there was none. */
        String error() throws IOException {
            for (Wire.Frame f : frames) {
                if (f.type() == Wire.CONTROL && Fields.ofMessage(f.control()).type().equals("error")
                        && DaemonMessage.decode(f, null) instanceof DaemonMessage.Failure e) {
                    return e.message();
                }
            }
            return "";
        }
    }

    RawConnection send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
        return this;
    }

    RawConnection frame(int type, byte[] payload) throws IOException {
        return send(FuzzInputs.frame(type, payload));
    }

    RawConnection json(String json) throws IOException {
        return frame(Wire.CONTROL, json.getBytes(StandardCharsets.UTF_8));
    }

    RawConnection hello() throws IOException {
        return json("{\"type\":\"hello\",\"version\":" + Wire.VERSION + "}");
    }

    /** Says "no more from me" (shutdown of the sending side), as a client that sent all it had. */
    RawConnection halfClose() throws IOException {
        ch.shutdownOutput();
        return this;
    }

    /** Reads frames until the daemon closes the connection, or {@code timeout} passes (then it is closed here). */
    Answer readUntilClosed(Duration timeout) {
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = TIMER.schedule(() -> {
            timedOut.set(true);
            close();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<Wire.Frame> frames = new ArrayList<>();
        DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(ch)));
        try {
            while (true) {
                frames.add(Wire.read(in));
            }
        } catch (EOFException e) {
            return new Answer(frames, true, null);
        } catch (ClosedChannelException e) {
            return new Answer(frames, false, timedOut.get() ? "still open after " + timeout : e.toString());
        } catch (IOException e) {
            // A reset by the daemon counts as closed; a malformed frame from it does not.
            boolean reset = String.valueOf(e.getMessage()).contains("reset");
            return new Answer(frames, reset, reset ? null : e.toString());
        } finally {
            deadline.cancel(false);
        }
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }
}
