package io.twine.transport.tls;

import io.twine.testsupport.PeerProbe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TLS peer nobody here wrote, as a subprocess: Python's {@code ssl} module, {@code openssl}, or
 * Twisted. Its output is captured; {@link #close()} kills it and its children.
 *
 * <p>A test whose peer is missing is skipped with the reason, or fails where {@code CI=true}
 * (CI installs every peer: {@code .ci/run}).
 */
final class ForeignPeer implements AutoCloseable {

    /** Debian's interpreter, the one python3-twisted, python3-openssl and python3-service-identity install for. */
    static final String SYSTEM_PYTHON = "/usr/bin/python3";
    /**
     * The most a probe for a peer may take, an upper bound only: under load (stress-ng) a 30 s
     * bound once turned a slow interpreter into a peer "missing", and the test was skipped.
     */
    private static final Duration PROBE_BACKSTOP = Duration.ofMinutes(5);

    /** {@link #python()}'s answer: null until probed, empty when there is no usable python3. */
    private static String python;

    private final Process process;
    private final Captured out = new Captured();
    private final Captured err = new Captured();

    private ForeignPeer(Process process) {
        this.process = process;
        pump(process.getInputStream(), out);
        pump(process.getErrorStream(), err);
    }

    static ForeignPeer start(List<String> command) throws IOException {
        return new ForeignPeer(new ProcessBuilder(command).start());
    }

    /** A script of {@code src/test/resources/tls/peers}. */
    static Path script(String name) {
        return TestCertificates.file("peers/" + name);
    }

    /**
     * The interpreter of the first {@code python3} on the PATH, with its {@code ssl} module; the
     * test is skipped (or fails on CI) when there is none. The path comes from the interpreter
     * itself ({@code sys.executable}), probed once: {@code python3} may be a shim, such as pyenv's
     * chain of shell scripts, that costs a second or more per start on a busy machine.
     */
    static synchronized String python() {
        if (python == null) {
            String found = PeerProbe.output(PROBE_BACKSTOP, "python3", "-c", "import ssl, sys; print(sys.executable)");
            python = found == null ? "" : found;
        }
        require(!python.isEmpty(), "python3 with its ssl module");
        return python;
    }

    static void requireOpenssl() {
        require(runs("openssl", "version"), "the openssl command (Debian package openssl)");
    }

    static void requireTwisted() {
        require(runs(SYSTEM_PYTHON, "-c", "import twisted.internet.ssl, OpenSSL, service_identity"),
                "Twisted with TLS for " + SYSTEM_PYTHON + " (Debian packages python3-twisted, python3-openssl, python3-service-identity)");
    }

    private static void require(boolean available, String what) {
        PeerProbe.require(available, what + " is missing: the interop test against it cannot run", PeerProbe.onCi());
    }

    /** True if {@code command} starts and succeeds; a probe still running at the backstop fails the test. */
    private static boolean runs(String... command) {
        return PeerProbe.runs(PROBE_BACKSTOP, command);
    }

    /** Writes {@code text} to its standard input; closes it if {@code close}. */
    void input(String text, boolean close) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(text.getBytes(StandardCharsets.UTF_8));
        in.flush();
        if (close) {
            in.close();
        }
    }

    /** Waits for a line of standard output matching {@code regex}, and returns its first group. */
    String awaitOutput(String regex, Duration timeout) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (out) {
            while (true) {
                Matcher matcher = pattern.matcher(out.text());
                if (matcher.find()) {
                    return matcher.groupCount() > 0 ? matcher.group(1) : matcher.group();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !out.open)) {
                    throw new AssertionError("no output matching " + regex + "; output:\n" + out.text() + "\nerrors:\n" + err.text());
                }
                out.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /**
     * Waits for the peer to exit and for everything it wrote to be captured: its output is read by
     * threads of ours, which may still be copying the last bytes when the process has gone.
     */
    int awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                || !out.awaitEnd(deadline) || !err.awaitEnd(deadline)) {
            throw new AssertionError("the peer did not exit within " + timeout + "; output:\n" + out.text() + "\nerrors:\n" + err.text());
        }
        return process.exitValue();
    }

    String output() {
        return out.text();
    }

    String errors() {
        return err.text();
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private static void pump(InputStream from, Captured to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try (from) {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    to.append(buffer, n);
                }
            } catch (IOException e) {
                // the process is gone
            } finally {
                to.closed();
            }
        }, "foreign-peer-output");
        thread.setDaemon(true);
        thread.start();
    }

    /** Output captured so far; waiters are woken by every append. */
    private static final class Captured {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean open = true;

        synchronized void append(byte[] data, int length) {
            bytes.write(data, 0, length);
            notifyAll();
        }

        synchronized void closed() {
            open = false;
            notifyAll();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** Waits until the stream has ended (every byte appended), or {@code deadline} ({@code System.nanoTime()}). */
        synchronized boolean awaitEnd(long deadline) throws InterruptedException {
            while (open) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }
}
