package dev.uvm.config;

import java.util.List;

/**
 * A config file split into sections and {@code key = value} entries, before any meaning is given
 * to them. Entries before the first section header belong to a section with a {@code null} name.
 *
 * @param sections the sections in file order; a repeated header appears again, it is merged later
 */
record IniDocument(List<Section> sections) {

    IniDocument {
        sections = List.copyOf(sections);
    }

    /**
     * One {@code [name]} header and the entries under it.
     *
     * @param name the text between the brackets, stripped; {@code null} before the first header
     * @param line the header's 1-based line, 0 for the headerless start of the file
     */
    record Section(String name, int line, List<Entry> entries) {
        Section {
            entries = List.copyOf(entries);
        }
    }

    /**
     * One {@code key = value} line.
     *
     * @param line  1-based line number
     * @param key   the key as written
     * @param value the value with surrounding whitespace, comments and double quotes removed
     */
    record Entry(int line, String key, String value) {
    }
}
