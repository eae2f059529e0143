package dev.uvm.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Saves a stopped VM's state into a file and loads it back, with QMP {@code migrate} and
 * {@code migrate-incoming} to an {@code exec:} URI (QEMU 7.2 has no {@code file:} URI). Both
 * wait for the migration to end, polling {@code query-migrate}, bounded by a timeout.
 */
final class Migration {
    private static final Duration QMP_TIMEOUT = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 10;
    /** Bytes per second; QEMU's default (32 MiB/s) would make a save of 512 MiB take seconds. */
    private static final long UNLIMITED_BANDWIDTH = 1L << 40;

    private Migration() {
    }

    /** Writes the VM's state to {@code file}; the VM must be stopped. */
    static void save(QmpClient qmp, Path file, Duration timeout) throws IOException {
        qmp.execute("migrate-set-parameters", Map.of("max-bandwidth", UNLIMITED_BANDWIDTH), QMP_TIMEOUT);
        qmp.execute("migrate", Map.of("uri", "exec:cat > " + shellQuote(file)), QMP_TIMEOUT);
        try {
            await(qmp, "saving the VM to " + file, timeout);
        } catch (IOException e) {
            try {
                qmp.execute("migrate_cancel", null, QMP_TIMEOUT);
            } catch (IOException ignored) {
                // The caller ends QEMU anyway.
            }
            throw e;
        }
    }

    /** Loads the VM's state from {@code file} into a QEMU started with {@code -incoming defer}. */
    static void load(QmpClient qmp, Path file, Duration timeout) throws IOException {
        qmp.execute("migrate-incoming", Map.of("uri", "exec:cat " + shellQuote(file)), QMP_TIMEOUT);
        await(qmp, "loading the VM from " + file, timeout);
    }

    private static void await(QmpClient qmp, String what, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
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

    /** Quotes a path for the {@code /bin/sh -c} that runs an {@code exec:} migration command. */
    static String shellQuote(Path file) {
        return "'" + file.toString().replace("'", "'\\''") + "'";
    }
}
