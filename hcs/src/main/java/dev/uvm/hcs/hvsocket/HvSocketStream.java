package dev.uvm.hcs.hvsocket;

import com.sun.jna.Memory;
import dev.uvm.hcs.hvsocket.Winsock.SocketHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connected hvsocket as a blocking {@link ByteChannel}, what the agent protocol reads and writes:
 * a read returns what has arrived (at least one byte) or -1 at the peer's end; a write sends all of
 * the buffer. Underneath, the socket is non-blocking and waits are WSAPoll slices (see
 * {@link SocketGuard}), so {@link #close} from any thread ends a read or write blocked in another
 * within one slice.
 *
 * <p>Concurrency: one reader and one writer may work at the same time (each direction has its own
 * lock and native buffer); several readers, or several writers, take turns.
 */
public final class HvSocketStream implements ByteChannel {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final SocketGuard guard;
    private final HvSocketAddress address;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Memory readBuffer = new Memory(BUFFER_BYTES);
    private final Memory writeBuffer = new Memory(BUFFER_BYTES);

    private HvSocketStream(SocketGuard guard, HvSocketAddress address) {
        this.guard = guard;
        this.address = address;
    }

    /** Wraps a socket accept returned; closes it if it cannot be made non-blocking. */
    static HvSocketStream accepted(SocketHandle socket, HvSocketAddress address)
            throws IOException {
        SocketGuard guard = new SocketGuard(WinsockLibrary.get(), socket, "connection to " + address);
        try {
            guard.nonBlocking();
        } catch (IOException | RuntimeException e) {
            guard.close();
            throw e;
        }
        return new HvSocketStream(guard, address);
    }

    public HvSocketAddress address() {
        return address;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        readLock.lock();
        try {
            while (true) {
                int want = Math.min(dst.remaining(), BUFFER_BYTES);
                int n = guard.use((ws, s) -> {
                    int r = ws.recv(s, readBuffer, want, 0);
                    return r != Winsock.SOCKET_ERROR ? r : wouldBlock(ws, "recv");
                });
                if (n > 0) {
                    dst.put(readBuffer.getByteArray(0, n));
                    return n;
                }
                if (n == 0) {
                    return -1;
                }
                guard.poll(Winsock.POLLRDNORM, SocketGuard.SLICE_MS);
            }
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        writeLock.lock();
        try {
            int total = 0;
            while (src.hasRemaining()) {
                int chunk = Math.min(src.remaining(), BUFFER_BYTES);
                byte[] bytes = new byte[chunk];
                src.duplicate().get(bytes);
                writeBuffer.write(0, bytes, 0, chunk);
                int n = guard.use((ws, s) -> {
                    int r = ws.send(s, writeBuffer, chunk, 0);
                    return r != Winsock.SOCKET_ERROR ? r : wouldBlock(ws, "send");
                });
                if (n > 0) {
                    src.position(src.position() + n);
                    total += n;
                } else {
                    guard.poll(Winsock.POLLWRNORM, SocketGuard.SLICE_MS);
                }
            }
            return total;
        } finally {
            writeLock.unlock();
        }
    }

    /** -1 for WSAEWOULDBLOCK (wait and retry); any other error is thrown. */
    private int wouldBlock(Winsock ws, String call) throws WinsockException {
        int code = ws.WSAGetLastError();
        if (code == WinsockException.WSAEWOULDBLOCK) {
            return -1;
        }
        throw new WinsockException(call, code, guard.what());
    }

    @Override
    public boolean isOpen() {
        return guard.isOpen();
    }

    /** Closes the socket (a graceful close: the peer reads the end of the stream). Idempotent. */
    @Override
    public void close() {
        guard.close();
    }

    @Override
    public String toString() {
        return "hvsocket stream " + address;
    }
}
