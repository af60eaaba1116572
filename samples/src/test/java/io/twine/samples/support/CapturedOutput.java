package io.twine.samples.support;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper: collects what a sample or a subprocess prints, and lets a test wait for a line
 * that matches a pattern (with a deadline) instead of sleeping.
 *
 * <p>Thread-safe: written by the sample's thread, read by the test's.
 */
public final class CapturedOutput extends OutputStream {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    /** A UTF-8 print stream into this capture, flushed on every line. */
    public PrintStream printStream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        bytes.write(b);
        notifyAll();
    }

    @Override
    public synchronized void write(byte[] data, int offset, int length) {
        bytes.write(data, offset, length);
        notifyAll();
    }

    /** Everything so far, as text. */
    public synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The complete lines so far. */
    public List<String> lines() {
        String text = text();
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
    }

    /**
     * Waits for a complete line matching {@code regex} and returns its match.
     *
     * @throws AssertionError if none appears within {@code timeout}, with what was printed
     */
    public Matcher awaitLine(String regex, Duration timeout) {
        return awaitLines(regex, 1, timeout).get(0);
    }

    /**
     * Waits for {@code count} complete lines matching {@code regex} and returns the matches of
     * the first {@code count}, in order.
     *
     * @throws AssertionError if fewer appear within {@code timeout}, with what was printed
     */
    public synchronized List<Matcher> awaitLines(String regex, int count, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Matcher> matches = new ArrayList<>();
            for (String line : lines()) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.matches() && matches.size() < count) {
                    matches.add(matcher);
                }
            }
            if (matches.size() == count) {
                return matches;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(matches.size() + " of " + count + " lines matching /" + regex + "/ within "
                        + timeout + "; got:\n" + text());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for /" + regex + "/", e);
            }
        }
    }
}
