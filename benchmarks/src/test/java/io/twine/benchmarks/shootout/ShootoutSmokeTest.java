package io.twine.benchmarks.shootout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.twine.benchmarks.echo.EchoKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short shootouts (one scenario, about two seconds per server) so that the tool (server JVMs,
 * load generators, result files, each variant) cannot rot. They check that the runs completed
 * and wrote their files, not how fast they were.
 */
@Timeout(180)
class ShootoutSmokeTest {

    /** With gcc the C load generator drives the server; without it the Java one does. */
    @Test
    void twineScenarioARunsEndToEndAndWritesEveryResultFile(@TempDir Path out) throws Exception {
        Run run = shootout(out, "--servers", "twine", "--load", "c");
        assertEquals(1, run.results.size(), run.printed);
        RunResult twine = run.results.get(0);
        assertEquals(EchoKind.TWINE, twine.server);
        assertMeasured(twine, run);

        String csv = Files.readString(out.resolve("results.csv"), StandardCharsets.UTF_8);
        assertTrue(csv.lines().anyMatch(line -> line.startsWith("A,twine,tcp,1,ok,")), csv);
        assertTrue(Files.readString(out.resolve("results.json")).contains("\"server\": \"twine\""));
        assertTrue(Files.readString(out.resolve("results.svg")).startsWith("<svg"));
    }

    @Test
    void theJavaLoadGeneratorStillWorks(@TempDir Path out) throws Exception {
        Run run = shootout(out, "--servers", "twine", "--load", "java");
        assertEquals(1, run.results.size(), run.printed);
        assertMeasured(run.results.get(0), run);
    }

    /** twine and Netty NIO over a Unix socket file, which is gone afterwards with its folder. */
    @Test
    void unixSocketsRunForTwineAndNetty(@TempDir Path out) throws Exception {
        Run run = shootout(out, "--servers", "twine,netty-nio", "--transport", "unix");
        assertEquals(2, run.results.size(), run.printed);
        for (RunResult result : run.results) {
            assertTrue(result.variant.unix(), result.label());
            assertMeasured(result, run);
        }
        String csv = Files.readString(out.resolve("results.csv"), StandardCharsets.UTF_8);
        assertTrue(csv.lines().anyMatch(line -> line.startsWith("A,twine,unix,1,ok,")), csv);
        assertTrue(csv.lines().anyMatch(line -> line.startsWith("A,netty-nio,unix,1,ok,")), csv);
        assertFalse(Files.exists(run.workFolder()), "the socket files' folder is removed: " + run.workFolder());
    }

    /** twine with two loops next to one, and Netty NIO with two event-loop threads: the group paths run. */
    @Test
    void twoLoopsRunForTwineAndNetty(@TempDir Path out) throws Exception {
        Run run = shootout(out, "--servers", "twine,netty-nio", "--loops", "1,2");
        assertEquals(4, run.results.size(), run.printed);
        for (RunResult result : run.results) {
            assertMeasured(result, run);
        }
        String csv = Files.readString(out.resolve("results.csv"), StandardCharsets.UTF_8);
        assertTrue(csv.lines().anyMatch(line -> line.startsWith("A,twine,tcp,2,ok,")), csv);
        assertTrue(csv.lines().anyMatch(line -> line.startsWith("A,netty-nio,tcp,2,ok,")), csv);
    }

    /**
     * twine and Netty (JDK engine) over TLS in A and in F (a full handshake per connection), driven
     * by the C generator linked with OpenSSL. Needs gcc and libssl-dev: skipped without them, failed
     * without them on CI, which installs them.
     */
    @Test
    void tlsRunsForTwineAndNettyIncludingHandshakes(@TempDir Path out) throws Exception {
        boolean buildable = Files.isRegularFile(Paths.get("/usr/include/openssl/ssl.h")) && onPath("gcc");
        String missing = "the TLS load generator needs gcc and OpenSSL's headers (Debian: apt-get install -y gcc libssl-dev)";
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(buildable, missing);
        }
        assumeTrue(buildable, missing);
        Run run = shootout(out, "--servers", "twine,netty-nio", "--tls", "--scenarios", "AF", "--warmup", "1",
                "--handshake-warmup", "1", "--duration", "3");
        assertEquals(4, run.results.size(), run.printed);
        for (RunResult result : run.results) {
            assertTrue(result.variant.tls(), result.label());
            assertMeasured(result, run);
            // The generator offers one suite, so that every server runs the same cryptography.
            assertTrue(result.note.contains("TLSv1.3 TLS_AES_128_GCM_SHA256"), "the negotiated protocol is reported: " + result.note);
        }
        String csv = Files.readString(out.resolve("results.csv"), StandardCharsets.UTF_8);
        assertTrue(csv.lines().anyMatch(line -> line.startsWith("F,twine,tcp+tls,1,ok,")), csv);
        assertFalse(Files.exists(run.workFolder()), "the key store's folder is removed: " + run.workFolder());
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Paths.get(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static void assertMeasured(RunResult result, Run run) {
        assertEquals(RunResult.Status.OK, result.status, result.label() + ": " + result.note + "; the tool printed:\n" + run.printed);
        assertTrue(result.messages > 0, "messages echoed while measuring: " + result.messages);
        assertTrue(result.p99Micros >= result.p50Micros, "p99 below p50");
        assertTrue(result.serverCpuPercent >= 0 && result.serverCpuNanosPerMessage >= 0,
                "the server's CPU over the measured window: " + result.serverCpuPercent + " %");
    }

    /** What one shootout returned and printed. */
    private static final class Run {
        final List<RunResult> results;
        final String printed;

        Run(List<RunResult> results, String printed) {
            this.results = results;
            this.printed = printed;
        }

        Path workFolder() {
            Matcher matcher = Pattern.compile("temporary files in (\\S+)").matcher(printed);
            assertTrue(matcher.find(), printed);
            return Paths.get(matcher.group(1));
        }
    }

    /**
     * Scenario A for 0.5 + 1.5 seconds with these options, then the check that no process is left.
     * Nothing is pinned to a CPU: the build shares the machine with whatever else runs.
     */
    private static Run shootout(Path out, String... options) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--scenarios", "A", "--warmup", "0.5", "--duration", "1.5",
                "--time-limit", "150", "--no-taskset", "--out", out.toString()));
        argv.addAll(List.of(options));
        // The tool talks to a terminal (progress redrawn with carriage returns): its output goes to
        // a buffer, shown only if the run fails, not to the build's log.
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        List<RunResult> results;
        try (PrintStream captured = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            System.setOut(captured);
            results = Shootout.run(argv.toArray(new String[0]));
        } catch (Exception e) {
            throw new AssertionError("the shootout failed; it printed:\n" + console.toString(StandardCharsets.UTF_8), e);
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, ChildProcess.liveCount(), "every child process is stopped");
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
                "no process started by the shootout is still alive");
        return new Run(results, console.toString(StandardCharsets.UTF_8));
    }
}
