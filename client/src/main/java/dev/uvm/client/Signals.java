package dev.uvm.client;

import java.util.Locale;
import java.util.Map;

/** Signal names and numbers of the guest (Linux on x86-64), for {@code uvm kill -s}. */
final class Signals {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8),
            Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12),
            Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15), Map.entry("CHLD", 17),
            Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21),
            Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25),
            Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29),
            Map.entry("PWR", 30), Map.entry("SYS", 31));
    /** Highest signal number on Linux (SIGRTMAX). */
    static final int MAX = 64;

    private Signals() {
    }

    /** {@code TERM}, {@code SIGTERM}, {@code sigterm} or {@code 15}. */
    static int parse(String s) {
        String name = s.strip().toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        Integer n = NUMBERS.get(name);
        if (n != null) {
            return n;
        }
        try {
            int number = Integer.parseInt(name);
            if (number >= 1 && number <= MAX) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // Fall through to the error.
        }
        throw new IllegalArgumentException("unknown signal '" + s + "' (use a name like TERM, KILL, INT, HUP,"
                + " or a number from 1 to " + MAX + ")");
    }
}
