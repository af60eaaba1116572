package io.twine.benchmarks.shootout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.benchmarks.echo.EchoKind;
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

    @Test
    void twineScenarioARunsEndToEndAndWritesEveryResultFile(@TempDir Path out) throws Exception {
        List<RunResult> results = Shootout.run(new String[] {
            "--servers", "twine", "--scenarios", "A", "--warmup", "0.5", "--duration", "1.5",
            "--time-limit", "120", "--out", out.toString()});

        assertEquals(1, results.size());
        RunResult twine = results.get(0);
        assertEquals(EchoKind.TWINE, twine.server);
        assertEquals(RunResult.Status.OK, twine.status, twine.note);
        assertTrue(twine.messages > 0, "messages echoed while measuring: " + twine.messages);
        assertTrue(twine.p99Micros >= twine.p50Micros, "p99 below p50");

        String csv = Files.readString(out.resolve("results.csv"), StandardCharsets.UTF_8);
        assertTrue(csv.lines().anyMatch(line -> line.startsWith("A,twine,ok,")), csv);
        assertTrue(Files.readString(out.resolve("results.json")).contains("\"server\": \"twine\""));
        assertTrue(Files.readString(out.resolve("results.svg")).startsWith("<svg"));

        assertEquals(0, ChildProcess.liveCount(), "every child process is stopped");
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
                "no process started by the shootout is still alive");
    }
}
