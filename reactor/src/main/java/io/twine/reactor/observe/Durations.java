package io.twine.reactor.observe;

import java.util.Locale;

/** Nanoseconds as a person reads them: {@code 850 ns}, {@code 12.4 µs}, {@code 3.21 ms}, {@code 1.50 s}. */
final class Durations {

    private Durations() {}

    static String format(long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f \u00b5s", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
