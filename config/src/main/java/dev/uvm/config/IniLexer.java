package dev.uvm.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits config text into sections and entries, keeping line numbers.
 *
 * <p>Syntax, compatible with {@code .wslconfig}: a line is blank, a comment starting with {@code #} or
 * {@code ;}, a {@code [section]} header, or {@code key = value}. Whitespace around {@code =} is ignored.
 * A value wrapped in double quotes has them removed; nothing inside is unescaped, so Windows paths
 * keep their backslashes. Outside quotes, {@code #} starts a trailing comment anywhere (as in
 * {@code .wslconfig}) and {@code ;} does when it follows whitespace.
 */
final class IniLexer {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]+");

    private IniLexer() {
    }

    static IniDocument lex(String text, Problems problems) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r\n|\r|\n", -1);
        List<IniDocument.Section> sections = new ArrayList<>();
        String name = null;
        int headerLine = 0;
        List<IniDocument.Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                String header = header(line, lineNo, problems);
                if (header != null) {
                    sections.add(new IniDocument.Section(name, headerLine, entries));
                    name = header;
                    headerLine = lineNo;
                    entries = new ArrayList<>();
                }
                continue;
            }
            IniDocument.Entry entry = entry(line, lineNo, problems);
            if (entry != null) {
                entries.add(entry);
            }
        }
        sections.add(new IniDocument.Section(name, headerLine, entries));
        if (sections.get(0).name() == null && sections.get(0).entries().isEmpty()) {
            sections.remove(0);
        }
        return new IniDocument(sections);
    }

    private static String header(String line, int lineNo, Problems problems) {
        int close = line.indexOf(']');
        if (close < 0) {
            problems.error(lineNo, null, null, "expected ] to close the section header " + line);
            return null;
        }
        String rest = stripComment(line.substring(close + 1)).strip();
        if (!rest.isEmpty()) {
            problems.error(lineNo, null, null, "unexpected text after the section header: " + rest);
            return null;
        }
        String name = line.substring(1, close).strip();
        if (name.isEmpty()) {
            problems.error(lineNo, null, null, "empty section name []; expected [daemon], [vm] or [vm.NAME]");
            return null;
        }
        return name;
    }

    private static IniDocument.Entry entry(String line, int lineNo, Problems problems) {
        int eq = line.indexOf('=');
        if (eq < 0) {
            problems.error(lineNo, null, null,
                    "expected key = value or [section], got \"" + stripComment(line).strip() + "\"");
            return null;
        }
        String key = line.substring(0, eq).strip();
        if (key.isEmpty()) {
            problems.error(lineNo, null, null, "missing key before =");
            return null;
        }
        if (!KEY.matcher(key).matches()) {
            problems.error(lineNo, key, null,
                    "invalid key name; keys are letters, digits, '_', '-' and '.' such as vmIdleTimeout");
            return null;
        }
        String raw = line.substring(eq + 1).strip();
        if (raw.startsWith("\"")) {
            int close = raw.indexOf('"', 1);
            if (close < 0) {
                problems.error(lineNo, key, raw, "unterminated double quote; expected a closing \"");
                return null;
            }
            String after = stripComment(raw.substring(close + 1)).strip();
            if (!after.isEmpty()) {
                problems.error(lineNo, key, raw, "unexpected text after the closing quote: " + after);
                return null;
            }
            return new IniDocument.Entry(lineNo, key, raw.substring(1, close));
        }
        return new IniDocument.Entry(lineNo, key, stripComment(raw).strip());
    }

    /** Removes a trailing comment: {@code #} outside quotes, or {@code ;} after whitespace outside quotes. */
    static String stripComment(String text) {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '#' || (c == ';' && (i == 0 || Character.isWhitespace(text.charAt(i - 1)))))) {
                return text.substring(0, i);
            }
        }
        return text;
    }
}
