package io.twine.benchmarks.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.benchmarks.tcp.WritePathBenchmark;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs one JMH benchmark through the Runner API the shortest way that still forks, so that the
 * benchmarks keep compiling into a runnable list (annotation processor, generated classes) and
 * the twine write path keeps working under JMH. It checks that a score came out, not its size.
 */
@Timeout(180)
class JmhSmokeTest {

    @Test
    void twineWritePathBenchmarkRunsInAForkAndReportsAScore() throws Exception {
        // JMH refuses to start while another JMH run on the machine holds its lock file; a smoke
        // test must not fail because someone is benchmarking next to the build.
        System.setProperty("jmh.ignoreLock", "true");
        Options options = new OptionsBuilder()
                .include(WritePathBenchmark.class.getName() + ".write16x64")
                .param("server", "twine")
                .forks(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(500))
                .shouldFailOnError(true)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        assertEquals(1, results.size());
        double score = results.iterator().next().getPrimaryResult().getScore();
        assertTrue(score > 0, "callbacks per second: " + score);
    }
}
