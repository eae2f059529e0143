package dev.uvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsAndHostTest {
    private static final List<String> KEYS = List.of("memory", "processors", "vmIdleTimeout", "swap");

    @Test
    void distance_isLevenshtein() {
        assertEquals(0, Suggestions.distance("swap", "swap"));
        assertEquals(2, Suggestions.distance("memroy", "memory"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
        assertEquals(4, Suggestions.distance("", "swap"));
    }

    @Test
    void closest_typoWithinAThirdOfTheLength_suggested() {
        assertEquals(Optional.of("memory"), Suggestions.closest("memroy", KEYS));
        assertEquals(Optional.of("processors"), Suggestions.closest("procesors", KEYS));
        assertEquals(Optional.of("vmIdleTimeout"), Suggestions.closest("VMIDLETIMEOUT", KEYS));
    }

    @Test
    void closest_unrelatedWord_noSuggestion() {
        assertEquals(Optional.empty(), Suggestions.closest("colour", KEYS));
        assertEquals(Optional.empty(), Suggestions.closest("sw", KEYS));
    }

    @Test
    void memTotal_readFromProcMeminfoFormat() {
        assertEquals(24684096, HostInfo.memTotalKib(List.of("MemTotal:       24684096 kB", "MemFree: 1 kB")));
        assertEquals(-1, HostInfo.memTotalKib(List.of("MemFree: 1 kB")));
    }

    @Test
    void detect_reportsThisHost() {
        HostInfo host = HostInfo.detect();
        assertTrue(host.memoryBytes() > 64 * ValueSyntax.MIB);
        assertEquals(Runtime.getRuntime().availableProcessors(), host.processors());
        assertTrue(host.home().isAbsolute());
    }

    @Test
    void origins_valueEquality() throws ConfigException {
        String text = "[vm]\nmemory = 1GB\n";
        assertEquals(TestConfigs.parse(text).origins(), TestConfigs.parse(text).origins());
        assertEquals(TestConfigs.parse(text), TestConfigs.parse(text));
    }
}
