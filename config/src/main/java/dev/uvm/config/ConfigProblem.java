package dev.uvm.config;

/**
 * One error or warning found in a config file, located by file and line.
 *
 * @param severity error or warning
 * @param file     the file name as the user gave it
 * @param line     1-based line number, or 0 when the problem is about the whole file
 * @param key      the key, or {@code null}
 * @param value    the offending value, or {@code null}
 * @param message  what is wrong and what is allowed
 */
public record ConfigProblem(Severity severity, String file, int line, String key, String value, String message) {

    public enum Severity { ERROR, WARNING }

    /** For example {@code memory = 12XB at uvm.conf:7: expected a size such as 512MB or 4GB}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (key != null) {
            sb.append(key);
            if (value != null) {
                sb.append(" = ").append(value);
            }
            sb.append(" at ");
        }
        sb.append(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        return sb.append(": ").append(message).toString();
    }
}
