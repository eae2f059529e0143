package dev.uvm.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The config file to read and why that one.
 *
 * @param path   the file, as given (relative paths stay relative)
 * @param source how it was chosen
 */
public record ConfigLocation(Path path, Source source) {

    /** How the file was chosen, in order of precedence. */
    public enum Source {
        /** The {@code --config} option. */
        OPTION,
        /** The {@code UVM_CONFIG} environment variable. */
        ENVIRONMENT,
        /** The default location; when the file does not exist, built-in defaults apply. */
        DEFAULT
    }

    /** Whether the user named this file; a named file that does not exist is an error. */
    public boolean isExplicit() {
        return source != Source.DEFAULT;
    }

    /** The file in use, absolute, or {@code null} when built-in defaults serve (no file at the default path). */
    public Path fileInUse() {
        return isExplicit() || Files.exists(path) ? path.toAbsolutePath() : null;
    }
}
