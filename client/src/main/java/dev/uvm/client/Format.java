package dev.uvm.client;

/** Human-readable durations and sizes for the client's tables. */
final class Format {
    private Format() {
    }

    static String duration(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long s = millis / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + (s % 60) + "s";
        }
        return s / 3600 + "h" + (s % 3600) / 60 + "m";
    }

    static String bytes(long b) {
        if (b >= 1L << 30 && b % (1L << 30) == 0) {
            return (b >> 30) + "GB";
        }
        if (b >= 1L << 20) {
            return (b >> 20) + "MB";
        }
        return (b >> 10) + "KB";
    }
}
