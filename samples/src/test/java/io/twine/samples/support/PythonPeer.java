package io.twine.samples.support;

import io.twine.testsupport.PeerProbe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: one of the seed's Python programs (from the test resources' {@code python/}
 * folder) running as a subprocess, its output captured. {@link #close()} always kills it and its
 * children, so a test that fails leaves nothing running.
 *
 * <p>Every test that needs a Python peer starts with {@link #requirePython()} or
 * {@link #requireTwisted()}, the one place that decides what a missing peer means: on a
 * developer's machine the test is skipped with the reason (a JUnit assumption); where the
 * environment variable {@code CI} is {@code "true"} it fails, because CI installs the peers
 * ({@code .ci/run}) and nothing may be skipped there.
 */
public final class PythonPeer implements AutoCloseable {

    /** The interpreter for the plain socket programs: the first {@code python3} on the PATH. */
    public static final String PYTHON = "python3";
    /** Debian's interpreter, the one its {@code python3-twisted} package installs for. */
    public static final String SYSTEM_PYTHON = "/usr/bin/python3";

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final CapturedOutput out = new CapturedOutput();
    private final CapturedOutput err = new CapturedOutput();

    private PythonPeer(Process process) {
        this.process = process;
        pump(process.getInputStream(), out);
        pump(process.getErrorStream(), err);
    }

    private static Boolean pythonAvailable;
    private static Boolean twistedAvailable;
    /**
     * The interpreter {@link #PYTHON} stands for, which {@link #start} runs: a version manager's
     * {@code python3} may be a shim (pyenv's is a chain of shell scripts) that costs a second or
     * more per start on a busy machine, and the interop tests start hundreds of peers.
     */
    private static String pythonExecutable = PYTHON;

    /** True when {@code python3} runs and is Python 3. Probed once per test run. */
    public static synchronized boolean pythonAvailable() {
        if (pythonAvailable == null) {
            pythonAvailable = runs(PYTHON, "-c", "import sys; sys.exit(0 if sys.version_info[0] == 3 else 1)");
            if (pythonAvailable) {
                pythonExecutable = executableBehind(PYTHON);
            }
        }
        return pythonAvailable;
    }

    /** The path Python reports as its own executable, or {@code python} itself if it says none. */
    private static String executableBehind(String python) {
        String path = PeerProbe.output(PROBE_TIMEOUT, python, "-c", "import sys; print(sys.executable or '')");
        return path != null && !path.isEmpty() && Files.isExecutable(Path.of(path)) ? path : python;
    }

    /** True when Debian's {@code /usr/bin/python3} can import Twisted. Probed once per test run. */
    public static synchronized boolean twistedAvailable() {
        if (twistedAvailable == null) {
            twistedAvailable = runs(SYSTEM_PYTHON, "-c", "import twisted.internet.reactor");
        }
        return twistedAvailable;
    }

    /**
     * Skips the calling test, with the reason, when {@code python3} is missing; fails it instead
     * when {@code CI=true}.
     */
    public static void requirePython() {
        require(pythonAvailable(), "no working python3 (Python 3) on the PATH: the Python peers of the interop tests cannot run",
                onCi());
    }

    /**
     * Skips the calling test, with the reason, when Twisted is missing for {@link #SYSTEM_PYTHON};
     * fails it instead when {@code CI=true}.
     */
    public static void requireTwisted() {
        require(twistedAvailable(), "Twisted is not installed for " + SYSTEM_PYTHON
                + " (Debian package python3-twisted: apt-get update && apt-get install -y python3-twisted)", onCi());
    }

    /**
     * Skips the calling test, with the reason, when the command {@code name} (a Debian package of
     * the same name) does not run with {@code probeArgument}; fails it instead when {@code CI=true}.
     * For the peers that are not Python, such as {@code socat}.
     */
    public static void requireCommand(String name, String probeArgument) {
        require(runs(name, probeArgument), name + " is not installed (Debian package " + name
                + ": apt-get update && apt-get install -y " + name + ")", onCi());
    }

    /**
     * The same rule for any other optional peer (redis-server, redis-py, ...): skips the calling
     * test with {@code missing} as the reason when it is not {@code available}; fails it instead
     * when {@code CI=true}.
     */
    public static void requirePeer(boolean available, String missing) {
        require(available, missing, onCi());
    }

    /** True when the environment variable {@code CI} is {@code "true"}, as CI sets it. */
    public static boolean onCi() {
        return PeerProbe.onCi();
    }

    /** The rule of {@link PeerProbe#require}: skipped with {@code missing} as the reason, or failed when {@code ci}. */
    static void require(boolean available, String missing, boolean ci) {
        PeerProbe.require(available, missing, ci);
    }

    /**
     * True when {@code command} starts and exits 0, false when it cannot start or exits otherwise;
     * a probe still running after 30 s fails the calling test ({@link PeerProbe#runs}).
     */
    public static boolean runs(String... command) {
        return PeerProbe.runs(PROBE_TIMEOUT, command);
    }

    /** Starts {@code python -u script args...}; {@code script} is a file name under {@code python/}. */
    public static PythonPeer start(String python, String script, String... args) throws IOException {
        String interpreter = python.equals(PYTHON) ? interpreterForPython() : python;
        List<String> command = new ArrayList<>(List.of(interpreter, "-u", scriptPath(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("PYTHONIOENCODING", "utf-8");
        return new PythonPeer(builder.start());
    }

    private static synchronized String interpreterForPython() {
        return pythonExecutable;
    }

    private static Path scriptPath(String script) {
        URL url = PythonPeer.class.getResource("/python/" + script);
        if (url == null) {
            throw new IllegalArgumentException("no test resource python/" + script);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code text} to the program's standard input, UTF-8, then closes it. */
    public void input(String text) throws IOException {
        try (OutputStream in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Its standard output. */
    public CapturedOutput out() {
        return out;
    }

    /** Its standard error. */
    public CapturedOutput err() {
        return err;
    }

    /**
     * Waits for the program to exit and returns its exit code.
     *
     * @throws AssertionError if it is still running after {@code timeout}
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the Python program did not exit within " + timeout
                    + "; output:\n" + out.text() + "\nerrors:\n" + err.text());
        }
        return process.exitValue();
    }

    /** Kills the program and whatever it started, and waits for it to be gone. */
    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private static void pump(InputStream from, CapturedOutput to) {
        Thread thread = new Thread(() -> {
            try (from) {
                from.transferTo(to);
            } catch (IOException e) {
                // The process is gone; what it printed is already captured.
            }
        }, "python-output");
        thread.setDaemon(true);
        thread.start();
    }
}
