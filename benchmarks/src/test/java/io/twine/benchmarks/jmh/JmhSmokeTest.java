package io.twine.benchmarks.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.benchmarks.tcp.WritePathBenchmark;
import io.twine.benchmarks.tls.TlsRecordBenchmark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs JMH benchmarks through the Runner API the shortest way that still forks, so that the
 * benchmarks keep compiling into a runnable list (annotation processor, generated classes) and
 * the twine write path and TLS record path keep working under JMH. It checks that a score came out, not its size.
 */
@Timeout(180)
class JmhSmokeTest {

    @Test
    void twineWritePathBenchmarkRunsInAForkAndReportsAScore() throws Exception {
        assertScore(new OptionsBuilder()
                .include(WritePathBenchmark.class.getName() + ".write16x64")
                .param("server", "twine"), "callbacks per second");
    }

    /** The TLS record path: handshake over the layer, then echoes that must come back whole (the benchmark checks). */
    @Test
    void twineTlsRecordBenchmarkRunsInAForkAndReportsAScore() throws Exception {
        assertScore(new OptionsBuilder()
                .include(TlsRecordBenchmark.class.getName() + ".echo")
                .param("server", "twine")
                .param("size", "64"), "echoes per second");
    }

    private static void assertScore(ChainedOptionsBuilder benchmark, String what) throws Exception {
        // JMH refuses to start while another JMH run on the machine holds its lock file; a smoke
        // test must not fail because someone is benchmarking next to the build.
        System.setProperty("jmh.ignoreLock", "true");
        Options options = benchmark
                .forks(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(500))
                .shouldFailOnError(true)
                .build();

        // JMH's banner and progress go to a buffer, shown only if the run fails: not to the build's log.
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Collection<RunResult> results;
        try (PrintStream jmhOut = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            results = new Runner(options, OutputFormatFactory.createFormatInstance(jmhOut, VerboseMode.NORMAL)).run();
        } catch (RunnerException e) {
            throw new AssertionError("JMH failed; its output:\n" + log.toString(StandardCharsets.UTF_8), e);
        }

        assertEquals(1, results.size(), log.toString(StandardCharsets.UTF_8));
        double score = results.iterator().next().getPrimaryResult().getScore();
        assertTrue(score > 0, what + ": " + score + "; JMH's output:\n" + log.toString(StandardCharsets.UTF_8));
    }
}
