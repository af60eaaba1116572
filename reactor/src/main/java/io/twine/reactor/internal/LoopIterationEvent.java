package io.twine.reactor.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * Flight Recorder event: one sampled turn of the loop (one in {@code FlightEvents.SAMPLE_EVERY}),
 * spanning its select and its work, so a recording shows the loop's rhythm without an event per
 * iteration.
 */
@Name("io.twine.LoopIteration")
@Label("Loop Iteration (sampled)")
@Category({"twine", "Reactor"})
@Description("One sampled iteration of a twine reactor's loop: its select wait and the work after it")
@StackTrace(false)
public final class LoopIterationEvent extends Event {

    @Label("Iteration")
    public long iteration;

    @Label("Select Wait")
    @Timespan(Timespan.NANOSECONDS)
    public long selectWait;

    @Label("Busy")
    @Timespan(Timespan.NANOSECONDS)
    public long busy;

    @Label("Ready Keys")
    public int readyKeys;

    @Label("Sampled One In")
    public int sampledOneIn;
}
