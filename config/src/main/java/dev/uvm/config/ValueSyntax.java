package dev.uvm.config;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats the value syntaxes of {@code uvm.conf}: sizes, durations, booleans and paths.
 *
 * <p>Every parse method throws {@link IllegalArgumentException} whose message says what is allowed
 * (for example {@value #SIZE_EXPECTED}); the loader adds the file, line, key and value around it.
 * Sizes use binary units as {@code .wslconfig} does: {@code 1GB} is 1024<sup>3</sup> bytes.
 */
public final class ValueSyntax {
    public static final long KIB = 1024L;
    public static final long MIB = 1024L * KIB;
    public static final long GIB = 1024L * MIB;
    public static final long TIB = 1024L * GIB;

    static final String SIZE_EXPECTED = "expected a size such as 512MB or 4GB";
    static final String DURATION_EXPECTED =
            "expected a duration such as 500ms, 90s, 5min or 1h (a bare number is milliseconds)";
    static final String BOOLEAN_EXPECTED = "expected true or false";
    static final String PATH_EXPECTED = "expected an absolute path such as /srv/data or ~/data";

    private static final Pattern SIZE = Pattern.compile(
            "(\\d+(?:\\.\\d+)?)\\s*(?:([KMGT])(?:B|IB)?|(B))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile(
            "(-?\\d+(?:\\.\\d+)?)\\s*(ms|s|sec|m|min|h|d)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern WINDOWS_PATH = Pattern.compile("[A-Za-z]:[\\\\/].*|\\\\\\\\.*");

    private ValueSyntax() {
    }

    /**
     * Parses a size: a number with an optional unit {@code B}, {@code K}/{@code KB}/{@code KiB},
     * {@code M}/{@code MB}/{@code MiB}, {@code G}/{@code GB}/{@code GiB} or {@code T}/{@code TB}/{@code TiB}
     * (case-insensitive, binary). A bare number is bytes. Fractions such as {@code 1.5GB} are rounded
     * down to whole bytes; a fraction of a byte is rejected.
     */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(SIZE_EXPECTED);
        }
        long unit = m.group(2) == null ? 1 : switch (Character.toUpperCase(m.group(2).charAt(0))) {
            case 'K' -> KIB;
            case 'M' -> MIB;
            case 'G' -> GIB;
            default -> TIB;
        };
        BigDecimal number = new BigDecimal(m.group(1));
        if (unit == 1 && number.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(SIZE_EXPECTED + " (a bare number is whole bytes)");
        }
        return toLong(number.multiply(BigDecimal.valueOf(unit)), "the size is too large");
    }

    /**
     * Parses a duration into milliseconds: a bare number is milliseconds (as {@code vmIdleTimeout} in
     * {@code .wslconfig}); suffixes {@code ms}, {@code s}/{@code sec}, {@code m}/{@code min}, {@code h}
     * and {@code d} are accepted, case-insensitive. Negative values parse; callers decide whether they
     * are allowed.
     */
    public static long parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(DURATION_EXPECTED);
        }
        String suffix = m.group(2) == null ? "ms" : m.group(2).toLowerCase(Locale.ROOT);
        long unitMillis = switch (suffix) {
            case "ms" -> 1;
            case "s", "sec" -> 1_000;
            case "m", "min" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
        };
        BigDecimal millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMillis));
        if (millis.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(DURATION_EXPECTED + "; the result must be whole milliseconds");
        }
        return toLong(millis, "the duration is too long");
    }

    /** Parses {@code true}/{@code false}, also {@code yes}/{@code no}, {@code on}/{@code off}, {@code 1}/{@code 0}. */
    public static boolean parseBoolean(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(BOOLEAN_EXPECTED);
        };
    }

    /** Parses an absolute path; {@code ~} and {@code ~/...} are expanded against {@code home}. */
    public static Path parsePath(String text, Path home) {
        String v = text.strip();
        Path path;
        if (v.equals("~")) {
            path = home;
        } else if (v.startsWith("~/")) {
            path = home.resolve(v.substring(2));
        } else {
            path = Path.of(v);
        }
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(PATH_EXPECTED);
        }
        return path.normalize();
    }

    /** Whether {@code text} is a Windows path ({@code C:\...} or {@code \\server\share}), as found in {@code .wslconfig}. */
    public static boolean isWindowsPath(String text) {
        return WINDOWS_PATH.matcher(text.strip()).matches();
    }

    /** Formats bytes with the largest binary unit that divides them exactly: {@code 4GB}, {@code 1536MB}, {@code 100}. */
    public static String formatSize(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        long[] units = {TIB, GIB, MIB, KIB};
        String[] names = {"TB", "GB", "MB", "KB"};
        for (int i = 0; i < units.length; i++) {
            if (bytes % units[i] == 0) {
                return (bytes / units[i]) + names[i];
            }
        }
        return Long.toString(bytes);
    }

    /** Formats bytes for a message, to one decimal: {@code 23.5GB}. */
    public static String describeSize(long bytes) {
        if (bytes < MIB) {
            return formatSize(bytes);
        }
        boolean gib = bytes >= GIB;
        double n = (double) bytes / (gib ? GIB : MIB);
        String text = String.format(Locale.ROOT, "%.1f", n);
        if (text.endsWith(".0")) {
            text = text.substring(0, text.length() - 2);
        }
        return text + (gib ? "GB" : "MB");
    }

    /**
     * Formats milliseconds with the largest unit that divides them exactly: {@code 1h}, {@code 5min},
     * {@code 30s}, {@code 500ms}. Zero and negative values stay bare ({@code 0}, {@code -1}), as they mean
     * "at once" and "never" for {@code vmIdleTimeout}.
     */
    public static String formatDuration(long millis) {
        if (millis <= 0) {
            return Long.toString(millis);
        }
        if (millis % 3_600_000 == 0) {
            return (millis / 3_600_000) + "h";
        }
        if (millis % 60_000 == 0) {
            return (millis / 60_000) + "min";
        }
        if (millis % 1_000 == 0) {
            return (millis / 1_000) + "s";
        }
        return millis + "ms";
    }

    /** A percentage as written in config, for example {@code 0.5%}. */
    public static String formatPercent(double percent) {
        return BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString() + "%";
    }

    private static long toLong(BigDecimal value, String tooLarge) {
        BigDecimal whole = value.setScale(0, java.math.RoundingMode.FLOOR);
        if (whole.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(tooLarge);
        }
        return whole.longValueExact();
    }
}
