package dev.uvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** docs/config.md and packaging/uvm.conf agree with the schema in {@link ConfigKey}. */
class DocumentationTest {
    private static final Path REPO = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    private static String read(String relative) throws IOException {
        Path file = REPO.resolve(relative);
        assumeTrue(Files.isRegularFile(file), relative + " not found from " + REPO);
        return Files.readString(file);
    }

    @Test
    void docs_everyKeyHasATableRow_withItsEffectAndWslCounterpart() throws IOException {
        List<String> lines = read("docs/config.md").lines().toList();
        for (ConfigKey key : ConfigKey.values()) {
            Optional<String> row = lines.stream().filter(l -> l.startsWith("| `" + key.keyName() + "`")).findFirst();
            assertTrue(row.isPresent(), "no table row for " + key.keyName());
            String effect = switch (key.effect()) {
                case IMMEDIATELY -> "immediately";
                case NEXT_BOOT -> "the VM's next boot";
                case DAEMON_RESTART -> "daemon restart";
            };
            assertTrue(row.get().contains(effect), key.keyName() + " row lacks \"" + effect + "\": " + row.get());
            if (key.wslCounterpart() != null) {
                assertTrue(row.get().contains(key.wslCounterpart()), key.keyName() + " row lacks its .wslconfig key");
            }
        }
    }

    @Test
    void docs_everyUnsupportedWslKeyListed_isOneTheLoaderKnows() throws IOException {
        String docs = read("docs/config.md");
        int start = docs.indexOf("not supported by uvm, ignored\", matched");
        int end = docs.indexOf("- Windows paths", start);
        List<String> keys = java.util.regex.Pattern.compile("`([A-Za-z0-9]+)`").matcher(docs.substring(start, end))
                .results().map(m -> m.group(1)).filter(k -> !k.equals("experimental")).toList();
        assertTrue(keys.size() > 30, keys.toString());
        for (String key : keys) {
            assertTrue(WslCompat.isUnsupportedWslKey(key), key);
        }
    }

    @Test
    void packagingExample_loadsWithoutErrorsOrWarnings() throws IOException, ConfigException {
        LoadedConfig loaded = ConfigLoader.parse(read("packaging/uvm.conf"), "uvm.conf", null, TestConfigs.HOST);
        assertEquals(List.of(), loaded.warnings());
        assertEquals(List.of("default", "build"), List.copyOf(loaded.config().vms().keySet()));
    }
}
