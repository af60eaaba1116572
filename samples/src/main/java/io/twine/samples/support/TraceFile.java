package io.twine.samples.support;

import io.twine.reactor.Reactor;
import io.twine.reactor.ReactorGroup;
import io.twine.reactor.ShutdownPhase;
import io.twine.reactor.observe.LoopTrace;
import io.twine.reactor.observe.TracePage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The launcher's {@code --trace FILE}: the sample's reactor records its last
 * {@value #ITERATIONS} iterations, and when it stops they are written to FILE as a
 * {@link TracePage}, a timeline to open in a browser.
 *
 * <p>The page is written by a shutdown trigger of the {@code AFTER} phase, on the loop thread,
 * so a server stopped with Ctrl-C writes it too before the JVM exits. A server on several loops
 * ({@code --loops N}) traces every loop and writes one page with the loops side by side
 * ({@link TracePage#renderGroup}), once the last loop has finished.
 */
public final class TraceFile {

    /** The value of {@code --trace} that records nothing (the default); a file of that name is {@code ./off}. */
    public static final String OFF = "off";

    /** How many iterations a sample's trace keeps: the last ones, a bounded ring. */
    public static final int ITERATIONS = 512;

    private TraceFile() {}

    /**
     * The console to run a sample with for {@code --trace value}: {@code console} itself when the
     * value is {@value #OFF}, else a copy whose sample traces its reactor into that file (a line
     * on standard error then says where the page went, or why it could not be written).
     */
    public static Console forOption(String value, String sampleName, Console console) {
        return value.equals(OFF) ? console : recordInto(Path.of(value), sampleName, console);
    }

    /** A copy of {@code console} whose sample traces its reactor, or every loop of its group, into {@code file}. */
    public static Console recordInto(Path file, String sampleName, Console console) {
        return console.alsoOnReactor(reactor -> {
            reactor.startTracing(ITERATIONS);
            reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> write(reactor, file, sampleName, console));
        }).alsoOnGroup(group -> {
            for (Reactor loop : group.loops()) {
                loop.startTracing(ITERATIONS);
            }
            group.addShutdownTrigger(ShutdownPhase.AFTER, () -> write(group, file, sampleName, console));
        });
    }

    /** The group's AFTER trigger: every loop has finished, so their traces may be read here. */
    private static void write(ReactorGroup group, Path file, String sampleName, Console console) {
        List<LoopTrace> traces = new ArrayList<>();
        for (Reactor loop : group.loops()) {
            traces.add(loop.trace());
        }
        try {
            TracePage.writeGroup(traces, "twine loop traces: " + sampleName + " on " + group.size() + " loops", file);
            console.err().println(sampleName + ": wrote a timeline of each of the " + group.size()
                    + " loops' last iterations, side by side, to " + file);
        } catch (IOException e) {
            console.err().println(sampleName + ": cannot write the trace to " + file + ": " + e.getMessage());
        }
    }

    private static void write(Reactor reactor, Path file, String sampleName, Console console) {
        LoopTrace trace = reactor.trace();
        try {
            TracePage.write(trace, "twine loop trace: " + sampleName, file);
            console.err().println(sampleName + ": wrote a timeline of the loop's last " + trace.iterations().size()
                    + " iterations to " + file);
        } catch (IOException e) {
            console.err().println(sampleName + ": cannot write the trace to " + file + ": " + e.getMessage());
        }
    }
}
