package dev.uvm.hcs.hvsocket;

import com.sun.jna.ptr.IntByReference;
import dev.uvm.hcs.hvsocket.Winsock.SocketHandle;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One Winsock SOCKET and the rule for using it from several threads.
 *
 * <p>Concurrency: the socket is non-blocking, and every call on its handle runs under the read
 * lock, waits included (WSAPoll for at most {@link #SLICE_MS}), so no call holds the lock for long.
 * {@link #close} marks the socket closed, then takes the write lock before closesocket: once the
 * calls in flight have returned, no thread can pass the handle to Winsock again. That matters
 * because Windows reuses handle values, so a call racing with closesocket could act on a socket
 * that someone else opened since. Callers waiting for readiness notice the close within one slice
 * and get {@link AsynchronousCloseException}.
 */
final class SocketGuard {
    /** The longest a wait holds the read lock; the delay a close may see. */
    static final int SLICE_MS = 100;

    /** A call on the handle, made under the read lock; it reads WSAGetLastError itself. */
    interface Call<T> {
        T run(Winsock winsock, SocketHandle socket) throws IOException;
    }

    private final Winsock winsock;
    private final SocketHandle handle;
    private final String what;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    SocketGuard(Winsock winsock, SocketHandle handle, String what) {
        this.winsock = winsock;
        this.handle = handle;
        this.what = what;
    }

    <T> T use(Call<T> call) throws IOException {
        lock.readLock().lock();
        try {
            if (closed.get()) {
                throw new AsynchronousCloseException();
            }
            return call.run(winsock, handle);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Fails with the caller's WSAGetLastError if {@code result} is SOCKET_ERROR (call inside {@link #use}). */
    int check(String call, int result) throws WinsockException {
        if (result == Winsock.SOCKET_ERROR) {
            throw new WinsockException(call, winsock.WSAGetLastError(), what);
        }
        return result;
    }

    void nonBlocking() throws IOException {
        use((ws, s) -> check("ioctlsocket(FIONBIO)", ws.ioctlsocket(s, Winsock.FIONBIO, new IntByReference(1))));
    }

    /**
     * Waits up to {@code timeoutMs} (at most one slice) for {@code events}.
     *
     * @return the WSAPoll result bits, 0 if nothing happened
     */
    short poll(short events, int timeoutMs) throws IOException {
        return use((ws, s) -> {
            WsaPollFd fd = new WsaPollFd(s, events);
            int n = check("WSAPoll", ws.WSAPoll(fd.memory(), 1, Math.max(0, Math.min(timeoutMs, SLICE_MS))));
            return n > 0 ? fd.revents() : 0;
        });
    }

    boolean isOpen() {
        return !closed.get();
    }

    String what() {
        return what;
    }

    /** Closes the socket once the calls in flight have returned. Idempotent. */
    void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        lock.writeLock().lock();
        try {
            winsock.closesocket(handle);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
