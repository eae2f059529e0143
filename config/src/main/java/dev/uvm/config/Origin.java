package dev.uvm.config;

/**
 * Where an effective setting came from: a line of a config file, or the built-in default.
 *
 * @param file    the file name as the user gave it; {@code null} for the built-in default
 * @param line    1-based line of the {@code key = value} entry; 0 for the built-in default
 * @param section the section as written, without brackets ({@code vm}, {@code wsl2}, {@code vm.second})
 * @param text    the value as written, quotes removed; {@code null} for the built-in default
 */
public record Origin(String file, int line, String section, String text) {

    /** The built-in default. */
    public static final Origin DEFAULT = new Origin(null, 0, null, null);

    public boolean isDefault() {
        return file == null;
    }

    /** For example {@code uvm.conf:12 [vm.second]}, or {@code default}. */
    @Override
    public String toString() {
        return isDefault() ? "default" : file + ":" + line + " [" + section + "]";
    }
}
