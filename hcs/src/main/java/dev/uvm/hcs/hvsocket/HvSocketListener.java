package dev.uvm.hcs.hvsocket;

import com.sun.jna.Memory;
import dev.uvm.hcs.hvsocket.Winsock.SocketHandle;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A listening hvsocket: socket(AF_HYPERV, SOCK_STREAM, HV_PROTOCOL_RAW), bind to a
 * {@link HvSocketAddress}, listen. On Windows the bind succeeds only for a VM that exists and whose
 * hvsocket settings let this account bind the service, so it is made after HcsCreateComputeSystem
 * and before HcsStartComputeSystem. {@link #accept} waits in WSAPoll slices (see {@link SocketGuard}),
 * so a deadline or a {@link #close} from another thread ends it.
 */
public final class HvSocketListener implements AutoCloseable {
    private static final int BACKLOG = 4;

    private final HvSocketAddress address;
    private final SocketGuard guard;

    private HvSocketListener(HvSocketAddress address, SocketGuard guard) {
        this.address = address;
        this.guard = guard;
    }

    /** Listens on {@code address}. */
    public static HvSocketListener bind(HvSocketAddress address) throws IOException {
        Winsock winsock = WinsockLibrary.get();
        SocketHandle s = winsock.socket(Winsock.AF_HYPERV, Winsock.SOCK_STREAM, Winsock.HV_PROTOCOL_RAW);
        if (s.isInvalid()) {
            throw new WinsockException("socket(AF_HYPERV, SOCK_STREAM, HV_PROTOCOL_RAW)", winsock.WSAGetLastError(),
                    "listening on " + address);
        }
        SocketGuard guard = new SocketGuard(winsock, s, "listening on " + address);
        try (Memory name = new Memory(HvSocketAddress.SIZE)) {
            guard.nonBlocking();
            name.write(0, address.toBytes(), 0, HvSocketAddress.SIZE);
            guard.use((ws, h) -> guard.check("bind", ws.bind(h, name, HvSocketAddress.SIZE)));
            guard.use((ws, h) -> guard.check("listen", ws.listen(h, BACKLOG)));
            return new HvSocketListener(address, guard);
        } catch (IOException | RuntimeException e) {
            guard.close();
            throw e;
        }
    }

    public HvSocketAddress address() {
        return address;
    }

    /**
     * Waits for a connection.
     *
     * @throws SocketTimeoutException if none came within {@code timeout}
     * @throws java.nio.channels.AsynchronousCloseException if the listener was closed meanwhile
     */
    public HvSocketStream accept(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SocketHandle accepted = guard.use((ws, s) -> {
                SocketHandle c = ws.accept(s, null, null);
                if (!c.isInvalid()) {
                    return c;
                }
                int code = ws.WSAGetLastError();
                if (code == WinsockException.WSAEWOULDBLOCK) {
                    return null;
                }
                throw new WinsockException("accept", code, guard.what());
            });
            if (accepted != null) {
                return HvSocketStream.accepted(accepted, address);
            }
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                throw new SocketTimeoutException("nobody connected to " + address + " within " + timeout.toMillis()
                        + " ms");
            }
            guard.poll(Winsock.POLLRDNORM, (int) Math.min(leftMs, SocketGuard.SLICE_MS));
        }
    }

    /** Stops listening; a waiting {@link #accept} ends within one poll slice. Idempotent. */
    @Override
    public void close() {
        guard.close();
    }

    @Override
    public String toString() {
        return "listener on " + address;
    }
}
