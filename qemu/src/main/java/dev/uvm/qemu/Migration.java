package dev.uvm.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Saves a stopped VM's state into a file and loads it back, with QMP {@code migrate} and
 * {@code migrate-incoming}. QEMU's sandbox forbids the {@code exec:} URI (it would spawn a
 * process) and, jailed as an unprivileged user, it could not open the state file anyway; so the
 * daemon opens the file and moves the bytes: a save streams to a Unix socket the daemon listens on
 * in the VM's jail (reachable by that VM's QEMU only) and writes to the file, a restore hands QEMU
 * the file as an inherited descriptor ({@link #INCOMING_FD}). Both wait for the migration to end,
 * polling {@code query-migrate}, bounded by a timeout.
 *
 * <p>Threads: a save copies on a thread of its own; the caller's thread polls QMP and then waits
 * for the copy to reach the end of the stream. Closing the listening socket (always, on the way
 * out) ends an accept that never came.
 */
final class Migration {
    private static final Duration QMP_TIMEOUT = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 10;
    /** Bytes per second; QEMU's default (32 MiB/s) would make a save of 512 MiB take seconds. */
    private static final long UNLIMITED_BANDWIDTH = 1L << 40;
    /** The descriptor a restored QEMU inherits its saved state on (see {@link QemuVm#restore}). */
    static final int INCOMING_FD = 3;

    private Migration() {
    }

    /** Writes the VM's state to {@code file} (which exists); the VM must be stopped. */
    static void save(QmpClient qmp, QemuSpec spec, Path file, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path socket = spec.saveSocket();
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket), 1);
            admitOnlyTheVmm(socket, spec.vmmUser());
            CompletableFuture<Long> copied = copyInBackground(server, file, spec.name());
            qmp.execute("migrate-set-parameters", Map.of("max-bandwidth", UNLIMITED_BANDWIDTH), QMP_TIMEOUT);
            qmp.execute("migrate", Map.of("uri", spec.saveUri()), QMP_TIMEOUT);
            try {
                await(qmp, "saving the VM to " + file, deadline, timeout);
                copied.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (IOException | ExecutionException | TimeoutException e) {
                try {
                    qmp.execute("migrate_cancel", null, QMP_TIMEOUT);
                } catch (IOException ignored) {
                    // The caller ends QEMU anyway.
                }
                if (e instanceof ExecutionException ee) {
                    throw new IOException("writing " + file + " failed: " + ee.getCause().getMessage(), ee.getCause());
                }
                if (e instanceof TimeoutException) {
                    throw new IOException("writing " + file + " did not finish within " + timeout.toMillis() + " ms");
                }
                throw (IOException) e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while saving the VM to " + file);
            }
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    /** The socket is the VMM user's alone (the daemon's user, root, can always connect). */
    private static void admitOnlyTheVmm(Path socket, String vmmUser) throws IOException {
        if (vmmUser != null) {
            UserPrincipal user = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(vmmUser);
            Files.setOwner(socket, user);
        }
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    }

    /** Accepts QEMU's one connection and copies the stream into {@code file}; completes with the byte count. */
    private static CompletableFuture<Long> copyInBackground(ServerSocketChannel server, Path file, String vm) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (SocketChannel in = server.accept();
                 FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                long total = 0;
                while (in.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        total += out.write(buf);
                    }
                    buf.clear();
                }
                done.complete(total);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, "save-" + vm);
        t.setDaemon(true);
        t.start();
        return done;
    }

    /**
     * Loads the VM's state into a QEMU started with {@code -incoming defer} and the saved file open as
     * descriptor {@link #INCOMING_FD}; {@code file} names it in messages.
     */
    static void load(QmpClient qmp, Path file, Duration timeout) throws IOException {
        qmp.execute("migrate-incoming", Map.of("uri", "fd:" + INCOMING_FD), QMP_TIMEOUT);
        await(qmp, "loading the VM from " + file, System.nanoTime() + timeout.toNanos(), timeout);
    }

    private static void await(QmpClient qmp, String what, long deadline, Duration timeout) throws IOException {
        while (true) {
            JsonNode info = qmp.execute("query-migrate", null, QMP_TIMEOUT);
            String status = info.path("status").asText("none");
            switch (status) {
                case "completed" -> {
                    return;
                }
                case "failed", "cancelled" -> throw new IOException(what + " " + status
                        + (info.has("error-desc") ? ": " + info.get("error-desc").asText() : ""));
                default -> {
                    // setup, active, device, ...: still going.
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(what + " did not finish within " + timeout.toMillis() + " ms (status " + status
                        + ")");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + what);
            }
        }
    }
}
