package dev.uvm.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

/** Parses config text as {@code uvm.conf} on a fixed host: 16GB of memory, 8 CPUs, Linux. */
final class TestConfigs {
    static final HostInfo HOST = new HostInfo(16 * ValueSyntax.GIB, 8, false, Path.of("/home/user"));
    static final String FILE = "uvm.conf";

    private TestConfigs() {
    }

    static LoadedConfig parse(String text) throws ConfigException {
        return ConfigLoader.parse(text, FILE, Path.of(FILE), HOST);
    }

    static VmConfig vm(String text, String name) throws ConfigException {
        return parse(text).config().vm(name);
    }

    /** The errors that reject {@code text}, as {@link ConfigProblem#toString()} lines. */
    static List<String> errors(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    /** The warnings of a file that loads. */
    static List<String> warnings(String text) throws ConfigException {
        return parse(text).warnings().stream().map(ConfigProblem::toString).toList();
    }
}
