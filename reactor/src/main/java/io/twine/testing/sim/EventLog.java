package io.twine.testing.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that happened in one {@link Simulation}, as lines of text: when (virtual time), where
 * (the host) and what (a connect, a read of so many bytes with their checksum, a timer, a close
 * and its reason). It keeps the last {@value #KEPT} lines for a failure's report and a SHA-256 of
 * every line, so two runs are compared by {@link #hash()} without keeping the whole log.
 *
 * <p>Lines never contain identity hash codes or wall-clock times: the same seed and program give
 * the same lines, byte for byte.
 *
 * <p>Thread: the simulation's thread only.
 */
public final class EventLog {

    /** How many of the latest lines are kept for {@link #lastLines}. */
    public static final int KEPT = 200;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final String[] ring = new String[KEPT];
    private long hash = FNV_OFFSET;
    private long count;

    EventLog() {}

    void add(long nanos, String host, String what) {
        String line = format(nanos) + " " + host + " " + what;
        long h = hash;
        for (int i = 0; i < line.length(); i++) {
            h = (h ^ line.charAt(i)) * FNV_PRIME;
        }
        hash = (h ^ '\n') * FNV_PRIME;
        ring[(int) (count++ % KEPT)] = line;
    }

    /**
     * How many lines were logged.
     *
     * @return the count since the simulation began
     */
    public long size() {
        return count;
    }

    /**
     * The hash of every line so far, in hex: equal for runs that did the same things in the same
     * order.
     *
     * @return 16 hex digits
     */
    public String hash() {
        return String.format("%016x", hash);
    }

    /**
     * The last {@code n} lines (at most {@value #KEPT}), oldest first.
     *
     * @param n how many lines
     * @return a new list of at most {@code n} lines
     */
    public List<String> lastLines(int n) {
        int available = (int) Math.min(Math.min(n, KEPT), count);
        List<String> lines = new ArrayList<>(available);
        for (long i = count - available; i < count; i++) {
            lines.add(ring[(int) (i % KEPT)]);
        }
        return lines;
    }

    /**
     * The last {@code n} lines, one per line, for a failure message.
     *
     * @param n how many lines
     * @return the lines, each indented and ended by a newline
     */
    public String tail(int n) {
        StringBuilder text = new StringBuilder();
        for (String line : lastLines(n)) {
            text.append("  ").append(line).append('\n');
        }
        return text.toString();
    }

    /** Virtual time as seconds with microseconds: {@code 12.000345s}. */
    static String format(long nanos) {
        long micros = nanos / 1_000;
        String fraction = Long.toString(1_000_000 + micros % 1_000_000).substring(1);
        return (micros / 1_000_000) + "." + fraction + "s";
    }
}
