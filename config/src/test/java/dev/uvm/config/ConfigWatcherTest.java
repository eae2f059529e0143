package dev.uvm.config;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files in a temporary directory; waits use Awaitility, never a fixed sleep. */
class ConfigWatcherTest {
    private static final Duration DEBOUNCE = Duration.ofMillis(50);
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<Object> events = new CopyOnWriteArrayList<>();
    private ConfigWatcher watcher;

    private final ConfigWatcher.Listener listener = new ConfigWatcher.Listener() {
        @Override
        public void reloaded(LoadedConfig config) {
            events.add(config);
        }

        @Override
        public void rejected(ConfigException error) {
            events.add(error);
        }
    };

    @AfterEach
    void close() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private ConfigWatcher watch(Path file) throws IOException {
        watcher = ConfigWatcher.start(file, f -> ConfigLoader.load(f, TestConfigs.HOST), DEBOUNCE, listener);
        return watcher;
    }

    private long lastMemory() {
        Object last = events.get(events.size() - 1);
        return ((LoadedConfig) last).config().vm("default").memoryBytes();
    }

    private void awaitMemory(long bytes) {
        await().atMost(PATIENCE).until(() -> !events.isEmpty()
                && events.get(events.size() - 1) instanceof LoadedConfig && lastMemory() == bytes);
    }

    @Test
    void fileRewritten_listenerGetsNewConfig() throws IOException {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemory = 1GB\n");
        watch(file);
        Files.writeString(file, "[vm]\nmemory = 2GB\n");
        awaitMemory(2 * ValueSyntax.GIB);
        assertEquals(1, events.size());
    }

    @Test
    void fileReplacedByRename_asEditorsSave_listenerGetsNewConfig() throws IOException {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemory = 1GB\n");
        watch(file);
        Path temp = Files.writeString(dir.resolve(".uvm.conf.swp"), "[vm]\nmemory = 3GB\n");
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        awaitMemory(3 * ValueSyntax.GIB);
    }

    @Test
    void invalidNewVersion_listenerGetsException_thenValidOneLoads() throws IOException {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemory = 1GB\n");
        watch(file);
        Files.writeString(file, "[vm]\nmemory = 12XB\n");
        await().atMost(PATIENCE).until(() -> !events.isEmpty());
        ConfigException error = assertInstanceOf(ConfigException.class, events.get(0));
        assertEquals(List.of("memory = 12XB at " + file + ":2: expected a size such as 512MB or 4GB"),
                error.problems().stream().map(ConfigProblem::toString).toList());
        Files.writeString(file, "[vm]\nmemory = 2GB\n");
        awaitMemory(2 * ValueSyntax.GIB);
    }

    @Test
    void truncatedToEmpty_isRejected_notReadAsNoVms_thenTheWrittenVersionLoads() throws IOException {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemory = 1GB\n[vm.work]\nmemory = 1GB\n");
        watch(file);
        Files.writeString(file, " \n");
        await().atMost(PATIENCE).until(() -> !events.isEmpty());
        ConfigException error = assertInstanceOf(ConfigException.class, events.get(0));
        assertTrue(error.getMessage().contains("the file is empty"), error.getMessage());
        Files.writeString(file, "[vm]\nmemory = 2GB\n[vm.work]\nmemory = 1GB\n");
        awaitMemory(2 * ValueSyntax.GIB);
    }

    @Test
    void sameContentWritten_notReported() throws IOException {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemory = 1GB\n");
        watch(file);
        Files.writeString(file, "[vm]\nmemory = 1GB\n");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));
        await().atMost(PATIENCE).until(() -> watcher.checks() >= 1);
        assertEquals(List.of(), events);
        Files.writeString(file, "[vm]\nmemory = 2GB\n");
        awaitMemory(2 * ValueSyntax.GIB);
        assertEquals(1, events.size(), events.toString());
    }

    @Test
    void burstOfWrites_debouncedIntoFewerReloads_endingWithTheLast() throws IOException {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemory = 1GB\n");
        watcher = ConfigWatcher.start(file, f -> ConfigLoader.load(f, TestConfigs.HOST), Duration.ofMillis(500),
                listener);
        for (int gb = 2; gb <= 6; gb++) {
            Files.writeString(file, "[vm]\nmemory = " + gb + "GB\n");
        }
        awaitMemory(6 * ValueSyntax.GIB);
        assertTrue(events.size() < 5, events.toString());
    }

    @Test
    void fileDidNotExistYet_createdLater_loaded() throws IOException {
        Path file = dir.resolve("uvm.conf");
        watch(file);
        Files.writeString(file, "[vm]\nmemory = 2GB\n");
        awaitMemory(2 * ValueSyntax.GIB);
    }

    @Test
    void directoryDidNotExistYet_createdLater_loaded() throws IOException {
        Path file = dir.resolve("config").resolve("uvm").resolve("uvm.conf");
        watch(file);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "[vm]\nmemory = 2GB\n");
        awaitMemory(2 * ValueSyntax.GIB);
        Files.writeString(file, "[vm]\nmemory = 3GB\n");
        awaitMemory(3 * ValueSyntax.GIB);
    }

    @Test
    void fileDeleted_reportedAsRejected_thenRecreated_loaded() throws IOException {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemory = 1GB\n");
        watch(file);
        Files.delete(file);
        await().atMost(PATIENCE).until(() -> !events.isEmpty());
        assertInstanceOf(ConfigException.class, events.get(0));
        Files.writeString(file, "[vm]\nmemory = 2GB\n");
        awaitMemory(2 * ValueSyntax.GIB);
    }

    @Test
    void otherFilesInTheDirectory_ignored() throws IOException {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemory = 1GB\n");
        watch(file);
        Files.writeString(dir.resolve("other.conf"), "[vm]\nmemory = 5GB\n");
        Files.writeString(file, "[vm]\nmemory = 2GB\n");
        awaitMemory(2 * ValueSyntax.GIB);
        assertEquals(1, events.size(), events.toString());
    }

    @Test
    void close_stopsTheWatcherThread_andIsIdempotent() throws IOException {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemory = 1GB\n");
        assertTrue(watch(file).isRunning());
        watcher.close();
        assertFalse(watcher.isRunning());
        watcher.close();
    }
}
