package io.twine.reactor.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * Flight Recorder event: one callback ran longer than the reactor's slow-callback threshold.
 * Committed when the callback returns (JFR events cannot be back-dated), so the event's own
 * start is the callback's end; {@link #callbackDuration} is how long it ran.
 */
@Name("io.twine.SlowCallback")
@Label("Slow Callback")
@Category({"twine", "Reactor"})
@Description("A callback kept the reactor's loop busy longer than the slow-callback threshold")
@StackTrace(false)
public final class SlowCallbackEvent extends Event {

    @Label("Kind")
    @Description("IO, BEFORE_SELECT, TIMER or TASK")
    public String kind;

    @Label("Callback")
    public String callback;

    @Label("Protocol Class")
    public String protocolClass;

    @Label("Connection")
    public String connection;

    @Label("Callback Duration")
    @Timespan(Timespan.NANOSECONDS)
    public long callbackDuration;

    @Label("Threshold")
    @Timespan(Timespan.NANOSECONDS)
    public long threshold;
}
