package dev.uvm.hcs.driver;

import dev.uvm.hcs.UtilityVm;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * Guest agents connect to a Unix-domain socket {@code <runRoot>/<vm>/agent.sock}. This is what the
 * HCS driver uses against a computecore library on Linux (the ABI double in tests); a real
 * Hyper-V guest cannot reach it, which is what {@link HvSocketAgentTransport} is for.
 */
public final class UnixSocketAgentTransport implements AgentTransport {
    /** Unix socket paths are limited to 107 bytes on Linux. */
    private static final int MAX_SOCKET_PATH = 107;

    private final Path runRoot;

    public UnixSocketAgentTransport(Path runRoot) {
        this.runRoot = runRoot.toAbsolutePath();
    }

    @Override
    public String describe() {
        return "Unix socket under " + runRoot;
    }

    @Override
    public Listener listen(String vmName, UtilityVm vm) throws IOException {
        Path dir = runRoot.resolve(vmName);
        Path socket = dir.resolve("agent.sock");
        if (socket.toString().length() > MAX_SOCKET_PATH) {
            throw new IOException("agent socket path " + socket + " is longer than " + MAX_SOCKET_PATH
                    + " bytes; choose a shorter socket location");
        }
        Files.createDirectories(dir);
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            server.configureBlocking(false);
            Selector selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            return new UnixListener(socket, server, selector);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(socket);
            throw e;
        }
    }

    /** A bound server socket; accept waits on a selector so that close and the deadline can end it. */
    private static final class UnixListener implements Listener {
        private final Path socket;
        private final ServerSocketChannel server;
        private final Selector selector;
        private volatile boolean closed;

        UnixListener(Path socket, ServerSocketChannel server, Selector selector) {
            this.socket = socket;
            this.server = server;
            this.selector = selector;
        }

        @Override
        public String address() {
            return socket.toString();
        }

        @Override
        public SocketChannel accept(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (closed) {
                    throw new AsynchronousCloseException();
                }
                SocketChannel accepted = server.accept();
                if (accepted != null) {
                    accepted.configureBlocking(true);
                    return accepted;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("no guest agent connected to " + socket + " within "
                            + timeout.toMillis() + " ms");
                }
                try {
                    selector.select(Math.max(1, left / 1_000_000));
                    selector.selectedKeys().clear();
                } catch (ClosedSelectorException e) {
                    throw new AsynchronousCloseException();
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            selector.wakeup();
            try {
                server.close();
                selector.close();
                Files.deleteIfExists(socket);
            } catch (IOException ignored) {
                // Nothing is listening any more; a stale socket file is replaced by the next listen.
            }
        }
    }
}
