package dev.uvm.config;

import static dev.uvm.config.ValueSyntax.GIB;
import static dev.uvm.config.ValueSyntax.KIB;
import static dev.uvm.config.ValueSyntax.MIB;
import static dev.uvm.config.ValueSyntax.TIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ValueSyntaxTest {

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({
            "4GB, 4294967296", "4gb, 4294967296", "4G, 4294967296", "4g, 4294967296", "4GiB, 4294967296",
            "4gib, 4294967296", "512MB, 536870912", "512M, 536870912", "512MiB, 536870912", "512mb, 536870912",
            "64KB, 65536", "64K, 65536", "64KiB, 65536", "64kb, 65536", "1TB, 1099511627776", "1T, 1099511627776",
            "1.5GB, 1610612736", "0.5G, 536870912", "1024, 1024", "1024B, 1024", "0, 0", "'  8 GB ', 8589934592"})
    void size_everyUnitAndCase_isBinary(String text, long bytes) {
        assertEquals(bytes, ValueSyntax.parseSize(text));
    }

    @Test
    void size_fractionOfUnit_roundsDownToWholeBytes() {
        assertEquals(307, ValueSyntax.parseSize("0.3KB"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"12XB", "", "GB", "-1GB", "4 G B", "1.5", "1.5B", "4GBB", "4iB", "four", "0x100"})
    void size_malformed_saysWhatIsAllowed(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValueSyntax.parseSize(text));
        assertTrue(e.getMessage().startsWith("expected a size such as 512MB or 4GB"), e.getMessage());
    }

    @Test
    void size_beyondLongRange_rejected() {
        assertThrows(IllegalArgumentException.class, () -> ValueSyntax.parseSize("99999999999TB"));
    }

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({
            "60000, 60000", "0, 0", "-1, -1", "500ms, 500", "500MS, 500", "90s, 90000", "90S, 90000",
            "90sec, 90000", "5min, 300000", "5MIN, 300000", "2m, 120000", "1h, 3600000", "1H, 3600000",
            "30d, 2592000000", "1.5s, 1500", "-1s, -1000", "' 30 s ', 30000"})
    void duration_bareIsMillisAndSuffixesScale(String text, long millis) {
        assertEquals(millis, ValueSyntax.parseDuration(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5x", "", "ms", "1.5", "0.5ms", "1h30m", "soon", "5 minutes"})
    void duration_malformed_saysWhatIsAllowed(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ValueSyntax.parseDuration(text));
        assertTrue(e.getMessage().startsWith("expected a duration such as 500ms, 90s, 5min or 1h"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True", "yes", "on", "1"})
    void boolean_trueSpellings(String text) {
        assertTrue(ValueSyntax.parseBoolean(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "FALSE", "no", "off", "0"})
    void boolean_falseSpellings(String text) {
        assertFalse(ValueSyntax.parseBoolean(text));
    }

    @Test
    void boolean_other_saysTrueOrFalse() {
        assertEquals("expected true or false",
                assertThrows(IllegalArgumentException.class, () -> ValueSyntax.parseBoolean("maybe")).getMessage());
    }

    @Test
    void path_tildeExpandsToHome_andIsNormalized() {
        Path home = Path.of("/home/user");
        assertEquals(Path.of("/home/user/data"), ValueSyntax.parsePath("~/data", home));
        assertEquals(home, ValueSyntax.parsePath("~", home));
        assertEquals(Path.of("/srv/x"), ValueSyntax.parsePath("/srv/a/../x", home));
    }

    @Test
    void path_relative_rejected() {
        assertThrows(IllegalArgumentException.class, () -> ValueSyntax.parsePath("data/x", Path.of("/home/u")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"C:\\\\Users\\\\me\\\\bzImage", "C:\\Temp\\kernel", "d:/wsl/kernel", "\\\\server\\share"})
    void windowsPath_recognised(String text) {
        assertTrue(ValueSyntax.isWindowsPath(text));
    }

    @Test
    void formatSize_usesLargestExactUnit_andParsesBack() {
        assertEquals("4GB", ValueSyntax.formatSize(4 * GIB));
        assertEquals("1536MB", ValueSyntax.formatSize(1536 * MIB));
        assertEquals("3KB", ValueSyntax.formatSize(3 * KIB));
        assertEquals("2TB", ValueSyntax.formatSize(2 * TIB));
        assertEquals("1000", ValueSyntax.formatSize(1000));
        assertEquals("0", ValueSyntax.formatSize(0));
        for (long bytes : new long[] {4 * GIB, 1536 * MIB, 1000, 0, 3 * KIB}) {
            assertEquals(bytes, ValueSyntax.parseSize(ValueSyntax.formatSize(bytes)));
        }
    }

    @Test
    void formatDuration_usesLargestExactUnit_andParsesBack() {
        assertEquals("1h", ValueSyntax.formatDuration(3_600_000));
        assertEquals("5min", ValueSyntax.formatDuration(300_000));
        assertEquals("90s", ValueSyntax.formatDuration(90_000));
        assertEquals("1500ms", ValueSyntax.formatDuration(1500));
        assertEquals("0", ValueSyntax.formatDuration(0));
        assertEquals("-1", ValueSyntax.formatDuration(-1));
        for (long ms : new long[] {3_600_000, 300_000, 90_000, 1500, 0, -1}) {
            assertEquals(ms, ValueSyntax.parseDuration(ValueSyntax.formatDuration(ms)));
        }
    }

    @Test
    void describeSize_oneDecimal() {
        assertEquals("23.5GB", ValueSyntax.describeSize(23 * GIB + 512 * MIB));
        assertEquals("16GB", ValueSyntax.describeSize(16 * GIB));
        assertEquals("100MB", ValueSyntax.describeSize(100 * MIB));
    }
}
