package io.twine.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Asks whether an optional peer of the interop tests (Python, Twisted, openssl, redis-cli, ...)
 * is installed, by running a short command, and applies the one rule for a missing peer: skip
 * the test with the reason, or fail it where {@code CI=true}, since CI installs every peer
 * ({@code .ci/run}). Shared by the transports' and the samples' tests.
 *
 * <p>A probe still running at its backstop fails the calling test: on a busy machine a slow start
 * is not a missing peer, and answering "missing" would skip the test silently.
 */
public final class PeerProbe {

    private PeerProbe() {}

    /**
     * True when {@code command} starts and exits 0; false when it cannot start or exits otherwise.
     *
     * @param backstop the longest the probe may take before the test fails
     * @param command the program and its arguments; what it prints is thrown away
     */
    public static boolean runs(Duration backstop, String... command) {
        Process probe;
        try {
            probe = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return false;
        }
        return finished(probe, backstop, command) == 0;
    }

    /**
     * What {@code command} printed on its standard output, stripped, if it exits 0; null when it
     * cannot start or exits otherwise. For probes that print a line: the output is read once the
     * command has ended, so it must fit the pipe.
     *
     * @param backstop the longest the probe may take before the test fails
     * @param command the program and its arguments
     */
    public static String output(Duration backstop, String... command) {
        Process probe;
        try {
            probe = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null;
        }
        if (finished(probe, backstop, command) != 0) {
            return null;
        }
        try {
            return new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The rule: nothing when the peer is {@code available}; else a failure naming what is
     * {@code missing} when {@code ci}, a skipped test (an assumption) with that reason when not.
     *
     * @param available whether the probe found the peer
     * @param missing what is missing and how to install it
     * @param ci whether this runs on CI ({@link #onCi()})
     */
    public static void require(boolean available, String missing, boolean ci) {
        if (available) {
            return;
        }
        if (ci) {
            fail(missing + "; CI=true, and CI installs every peer (.ci/run), so a missing one fails the test"
                    + " instead of skipping it");
        }
        Assumptions.abort(missing);
    }

    /** {@return true when the environment variable {@code CI} is {@code "true"}, as CI sets it} */
    public static boolean onCi() {
        return "true".equals(System.getenv("CI"));
    }

    /**
     * Waits for {@code probe} up to {@code backstop} and returns its exit value; past it, kills the
     * probe and fails the test. An ended probe is not destroyed: that would close its output,
     * which {@link #output} still reads.
     */
    private static int finished(Process probe, Duration backstop, String... command) {
        try {
            if (!probe.waitFor(backstop.toMillis(), TimeUnit.MILLISECONDS)) {
                probe.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + backstop
                        + ": cannot tell whether this peer is installed");
            }
            return probe.exitValue();
        } catch (InterruptedException e) {
            probe.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while probing " + String.join(" ", command), e);
        }
    }
}
