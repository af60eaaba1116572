package io.twine.samples.support;

import io.twine.reactor.Reactor;
import io.twine.reactor.ShutdownPhase;
import io.twine.reactor.observe.LoopTrace;
import io.twine.reactor.observe.TracePage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The launcher's {@code --trace FILE}: the sample's reactor records its last
 * {@value #ITERATIONS} iterations, and when it stops they are written to FILE as a
 * {@link TracePage}, a timeline to open in a browser.
 *
 * <p>The page is written by a shutdown trigger of the {@code AFTER} phase, on the loop thread,
 * so a server stopped with Ctrl-C writes it too before the JVM exits.
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

    /** A copy of {@code console} whose sample traces its reactor into {@code file}. */
    public static Console recordInto(Path file, String sampleName, Console console) {
        return console.alsoOnReactor(reactor -> {
            reactor.startTracing(ITERATIONS);
            reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> write(reactor, file, sampleName, console));
        });
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
