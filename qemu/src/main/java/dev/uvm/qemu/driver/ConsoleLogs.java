package dev.uvm.qemu.driver;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guests' serial console logs, which a guest writes as fast as it likes: kept on disk under
 * the state folder ({@code logs/NAME.console.log}, not on the RAM-backed runtime folder) and under
 * a size cap. QEMU appends to the file ({@code append=on}); once a second each running VM's log
 * that outgrew the cap is copied to {@code NAME.console.log.1} and truncated, as logrotate's
 * {@code copytruncate} does: QEMU's next write lands at the new end. A log can exceed the cap by
 * what the guest writes in a second (the serial port under TCG manages well under 1 MiB/s), and
 * lines written between the copy and the truncation are lost. A cold boot starts a new log; the
 * previous one becomes {@code .1}.
 *
 * <p>Concurrency: {@link #watch} and {@link #forget} come from boot and exit threads; one daemon
 * thread, {@code uvm-console-logs}, checks the sizes.
 */
final class ConsoleLogs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleLogs.class);

    private final long capBytes;
    private final Set<Path> live = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "uvm-console-logs");
        t.setDaemon(true);
        return t;
    });

    ConsoleLogs(long capBytes) {
        this.capBytes = capBytes;
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    /** The log's rotated copy. */
    static Path previous(Path consoleLog) {
        return consoleLog.resolveSibling(consoleLog.getFileName() + ".1");
    }

    /** Before a cold boot: the last boot's log becomes {@code .1}, so the new one holds this boot only. */
    void newBoot(Path consoleLog) {
        try {
            if (!Files.isDirectory(consoleLog.getParent())) {
                Files.createDirectories(consoleLog.getParent());
                Files.setPosixFilePermissions(consoleLog.getParent(), PosixFilePermissions.fromString("rwx------"));
            }
            if (Files.exists(consoleLog)) {
                Files.move(consoleLog, previous(consoleLog), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.warn("cannot rotate console log {}: {}", consoleLog, e.getMessage());
        }
    }

    /** Caps this log while its VM runs. */
    void watch(Path consoleLog) {
        live.add(consoleLog);
    }

    void forget(Path consoleLog) {
        live.remove(consoleLog);
    }

    /** Rotates every live log over the cap. */
    void check() {
        for (Path p : live) {
            try {
                if (Files.size(p) > capBytes) {
                    rotate(p);
                }
            } catch (IOException e) {
                log.debug("console log {}: {}", p, e.getMessage());
            }
        }
    }

    private void rotate(Path p) throws IOException {
        Files.copy(p, previous(p), StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.WRITE)) {
            c.truncate(0);
        }
        log.debug("console log {} reached {} bytes; rotated to {}", p, capBytes, previous(p));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
