package dev.uvm.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches a config file and reports each new version: a {@link LoadedConfig}, or the
 * {@link ConfigException} that rejects it (the caller then keeps its old configuration).
 *
 * <p>It watches the file's directory, not the file, so that editors that save by writing a new file
 * and renaming it over the old one are seen, and so that a file (or directory) that does not exist
 * yet is picked up when it is created: until then the nearest existing ancestor directory is
 * watched. Events are debounced (200 ms by default: the file is read once the events stop), and a
 * version whose bytes hash the same as the last one seen is not reported, so {@code touch} or a save
 * without changes does nothing. The content at {@link #start} is the baseline: only later changes
 * are reported. A deleted file is reported like any other version, through the loader (by default
 * {@link ConfigLoader#load(Path)}, which rejects a missing file). An empty file (nothing but
 * white space) is rejected too: it is what an editor or tool that truncates before it writes
 * leaves for a moment, and read as "no VMs" it would remove every VM.
 *
 * <p>Concurrency: one daemon thread, {@code uvm-config-watcher}, owns the watch state and calls the
 * listener; the listener should only post the result to the thread that owns the configuration.
 * An exception thrown by the listener goes to the thread's uncaught-exception handler and watching
 * continues. {@link #close()} stops the thread and waits for it.
 */
public final class ConfigWatcher implements AutoCloseable {
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(200);

    /** Receives each new version of the file, on the watcher thread. */
    public interface Listener {
        /** The file changed and is valid. */
        void reloaded(LoadedConfig config);

        /** The file changed and is not usable; keep the old configuration. */
        void rejected(ConfigException error);
    }

    /** Reads the file; {@link ConfigLoader#load(Path)} unless the caller needs another host or defaults. */
    @FunctionalInterface
    public interface Loader {
        LoadedConfig load(Path file) throws ConfigException;
    }

    private final Path given;
    private final Path file;
    private final Loader loader;
    private final Listener listener;
    private final long debounceNanos;
    private final WatchService watchService;
    private final Thread thread;
    private volatile boolean closed;
    /** How many times the debounced file has been read and compared, for tests. */
    private final AtomicInteger checks = new AtomicInteger();

    // Owned by the watcher thread after construction.
    private WatchKey key;
    private Path watchedDir;
    private byte[] lastHash;

    private ConfigWatcher(Path file, Loader loader, Duration debounce, Listener listener) throws IOException {
        this.given = file;
        this.file = file.toAbsolutePath().normalize();
        this.loader = Objects.requireNonNull(loader, "loader");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.debounceNanos = debounce.toNanos();
        this.watchService = this.file.getFileSystem().newWatchService();
        register();
        this.lastHash = hash();
        this.thread = new Thread(this::run, "uvm-config-watcher");
        this.thread.setDaemon(true);
    }

    /** Starts watching {@code file} with the default loader and debounce. */
    public static ConfigWatcher start(Path file, Listener listener) throws IOException {
        return start(file, ConfigLoader::load, DEFAULT_DEBOUNCE, listener);
    }

    /** Starts watching {@code file}; changes made after this returns are reported. */
    public static ConfigWatcher start(Path file, Loader loader, Duration debounce, Listener listener)
            throws IOException {
        ConfigWatcher watcher = new ConfigWatcher(file, loader, debounce, listener);
        watcher.thread.start();
        return watcher;
    }

    /** The file being watched, absolute. */
    public Path file() {
        return file;
    }

    /** Stops watching and waits for the watcher thread to end. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            watchService.close();
        } catch (IOException e) {
            // nothing left to release
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        boolean pending = false;
        long deadline = 0;
        try {
            while (!closed) {
                WatchKey signalled;
                if (pending) {
                    long wait = deadline - System.nanoTime();
                    signalled = wait > 0 ? watchService.poll(wait, TimeUnit.NANOSECONDS) : null;
                } else {
                    signalled = watchService.take();
                }
                if (signalled != null) {
                    if (handle(signalled)) {
                        pending = true;
                        deadline = System.nanoTime() + debounceNanos;
                    }
                    continue;
                }
                pending = false;
                reloadIfChanged();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed
        } catch (IOException e) {
            report(e);
        }
    }

    /** Consumes a key's events; whether any may concern the file. */
    private boolean handle(WatchKey signalled) throws IOException {
        boolean relevant = false;
        for (WatchEvent<?> event : signalled.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                relevant = true;
            } else if (signalled == key && file.startsWith(watchedDir.resolve((Path) event.context()))) {
                relevant = true;
            }
        }
        boolean valid = signalled.reset();
        if (signalled == key && (!valid || !watchedDir.equals(nearestExistingDirectory()))) {
            register();
            relevant = true;
        }
        return relevant;
    }

    /**
     * Watches the file's directory, or its nearest existing ancestor while the directory is missing.
     * A directory created between finding the ancestor and registering it sends no event to the new
     * key, so the ancestor is looked up again after registering until it no longer changes.
     */
    private void register() throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path dir = nearestExistingDirectory();
            try {
                WatchKey registered = dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
                if (key != null && key != registered) {
                    key.cancel();
                }
                key = registered;
                watchedDir = dir;
                if (dir.equals(nearestExistingDirectory())) {
                    return;
                }
            } catch (NoSuchFileException e) {
                // the directory went away again; look for the nearest one that exists now
            }
            if (attempt >= 100) {
                throw new IOException("cannot watch " + file + ": its directories keep changing");
            }
        }
    }

    private Path nearestExistingDirectory() {
        Path dir = file.getParent();
        while (dir.getParent() != null && !Files.isDirectory(dir)) {
            dir = dir.getParent();
        }
        return dir;
    }

    /** Whether the watcher thread is still running. */
    boolean isRunning() {
        return thread.isAlive();
    }

    /** How many debounced checks of the file have completed (reported or not). */
    int checks() {
        return checks.get();
    }

    private void reloadIfChanged() {
        try {
            reloadIfChangedOnce();
        } finally {
            checks.incrementAndGet();
        }
    }

    private void reloadIfChangedOnce() {
        byte[] hash = hash();
        if (Arrays.equals(hash, lastHash)) {
            return;
        }
        lastHash = hash;
        try {
            LoadedConfig config;
            if (blank()) {
                Problems empty = new Problems(given.toString());
                empty.error(0, null, null, "the file is empty; the configuration in force stays (an editor that"
                        + " truncates before writing leaves this for a moment; a file that should mean \"all"
                        + " defaults\" needs at least one section, e.g. [vm])");
                listener.rejected(new ConfigException(empty.all()));
                return;
            }
            try {
                config = loader.load(given);
            } catch (ConfigException e) {
                listener.rejected(e);
                return;
            }
            listener.reloaded(config);
        } catch (RuntimeException e) {
            report(e);
        }
    }

    /** Whether the file exists and holds nothing but white space. */
    private boolean blank() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).isBlank();
        } catch (IOException e) {
            return false; // missing or unreadable: the loader says why
        }
    }

    /** SHA-256 of the file's bytes; {@code null} if it does not exist; a hash of the error if unreadable. */
    private byte[] hash() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            content = ("unreadable: " + e).getBytes(StandardCharsets.UTF_8);
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }

    private void report(Throwable e) {
        Thread current = Thread.currentThread();
        current.getUncaughtExceptionHandler().uncaughtException(current, e);
    }
}
