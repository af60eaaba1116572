package io.twine.benchmarks.shootout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.benchmarks.echo.EchoKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A twine-only shootout of one scenario for about two seconds, so that the tool (server JVM,
 * load generator JVM, result files) cannot rot. It checks that the run completed and wrote its
 * files, not how fast it was.
 */
@Timeout(180)
class ShootoutSmokeTest {

    /** With gcc the C load generator drives the server; without it the Java one does. */
    @Test
    void twineScenarioARunsEndToEndAndWritesEveryResultFile(@TempDir Path out) throws Exception {
        runScenarioA(out, "c");
    }

    @Test
    void theJavaLoadGeneratorStillWorks(@TempDir Path out) throws Exception {
        runScenarioA(out, "java");
    }

    private static void runScenarioA(Path out, String load) throws Exception {
        // The tool talks to a terminal (progress redrawn with carriage returns): its output goes to
        // a buffer, shown only if the run fails, not to the build's log.
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        List<RunResult> results;
        try (PrintStream captured = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            System.setOut(captured);
            results = Shootout.run(new String[] {
                "--servers", "twine", "--scenarios", "A", "--warmup", "0.5", "--duration", "1.5",
                "--time-limit", "120", "--out", out.toString(), "--load", load});
        } catch (Exception e) {
            throw new AssertionError("the shootout failed; it printed:\n" + console.toString(StandardCharsets.UTF_8), e);
        } finally {
            System.setOut(stdout);
        }
        String printed = console.toString(StandardCharsets.UTF_8);

        assertEquals(1, results.size(), printed);
        RunResult twine = results.get(0);
        assertEquals(EchoKind.TWINE, twine.server);
        assertEquals(RunResult.Status.OK, twine.status, twine.note + "; the tool printed:\n" + printed);
        assertTrue(twine.messages > 0, "messages echoed while measuring: " + twine.messages);
        assertTrue(twine.p99Micros >= twine.p50Micros, "p99 below p50");
        assertTrue(twine.serverCpuPercent >= 0 && twine.serverCpuNanosPerMessage >= 0,
                "the server's CPU over the measured window: " + twine.serverCpuPercent + " %");

        String csv = Files.readString(out.resolve("results.csv"), StandardCharsets.UTF_8);
        assertTrue(csv.lines().anyMatch(line -> line.startsWith("A,twine,ok,")), csv);
        assertTrue(Files.readString(out.resolve("results.json")).contains("\"server\": \"twine\""));
        assertTrue(Files.readString(out.resolve("results.svg")).startsWith("<svg"));

        assertEquals(0, ChildProcess.liveCount(), "every child process is stopped");
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
                "no process started by the shootout is still alive");
    }
}
