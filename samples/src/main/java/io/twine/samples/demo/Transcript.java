package io.twine.samples.demo;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The demo's output: several speakers (a server, its client) printing into one stream, each
 * line labelled with who said it. A speaker's partial line (a prompt waiting for its input) is
 * held until the line is complete, so lines never mix.
 *
 * <p>Thread-safe, though the demo uses it from the loop thread only.
 */
final class Transcript {

    private final PrintStream out;

    Transcript(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** A stream whose every line appears as {@code "  label | line"}. */
    PrintStream speaker(String label) {
        return new PrintStream(new SpeakerStream(label), true, StandardCharsets.UTF_8);
    }

    /** A line of the demo's own, unlabelled. */
    synchronized void say(String line) {
        out.println(line);
        out.flush();
    }

    private synchronized void line(String label, String text) {
        out.println("  " + label + " | " + text);
        out.flush();
    }

    /** Collects bytes up to each newline, then prints the labelled line. */
    private final class SpeakerStream extends OutputStream {

        private final String label;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        SpeakerStream(String label) {
            this.label = label;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                String text = partial.toString(StandardCharsets.UTF_8);
                partial.reset();
                line(label, text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
            } else {
                partial.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                write(bytes[i]);
            }
        }
    }
}
