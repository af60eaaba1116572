package io.twine.reactor.internal;

import io.twine.protocol.Reason;
import jdk.jfr.FlightRecorder;

/**
 * The loop's Flight Recorder events, in one place. With no recording running every method here
 * returns after one or two checks and allocates nothing: the probe instances exist only to ask
 * {@code isEnabled()}.
 *
 * <p>The event classes are not touched until the Flight Recorder has been initialized (a recording
 * was started, from the command line, {@code jcmd} or the API): the first use of any event class
 * makes the JDK set up its whole event metadata, which took 390 ms on the loop thread in the first
 * connection's close in {@code demo --trace}, and over a second on a loaded machine. Without a
 * recording no event can be wanted, so there is nothing to ask.
 *
 * <p>Thread: loop only.
 */
public final class FlightEvents {

    /** One iteration in this many becomes a {@link LoopIterationEvent}. */
    public static final int SAMPLE_EVERY = 1024;

    private FlightEvents() {}

    /**
     * Loaded, with the JDK's event metadata, only once the recorder exists: then all together, by
     * the loop's first question at the start of an iteration, rather than one of them inside the
     * callback that first closes a connection.
     */
    private static final class Probes {
        static final SlowCallbackEvent SLOW = new SlowCallbackEvent();
        static final LoopIterationEvent ITERATION = new LoopIterationEvent();
        static final ConnectionClosedEvent CLOSED = new ConnectionClosedEvent();
    }

    /** True once the Flight Recorder has been initialized; it stays so for the life of the JVM. */
    private static boolean recorderExists() {
        return FlightRecorder.isInitialized();
    }

    /** True while a recording wants slow-callback events, so the loop must time each callback. */
    public static boolean slowCallbacksWanted() {
        return recorderExists() && Probes.SLOW.isEnabled();
    }

    /** Records a slow callback. */
    public static void slowCallback(String kind, String callback, String protocolClass, String connection,
            long durationNanos, long thresholdNanos) {
        if (!recorderExists()) {
            return;
        }
        SlowCallbackEvent event = new SlowCallbackEvent();
        if (event.isEnabled()) {
            event.kind = kind;
            event.callback = callback;
            event.protocolClass = protocolClass;
            event.connection = connection;
            event.callbackDuration = durationNanos;
            event.threshold = thresholdNanos;
            event.commit();
        }
    }

    /** True while a recording wants connection-closed events (so the caller may build labels). */
    public static boolean connectionClosedWanted() {
        return recorderExists() && Probes.CLOSED.isEnabled();
    }

    /** Records a closed connection. */
    public static void connectionClosed(String protocolClass, String connection, Reason reason,
            long bytesIn, long bytesOut) {
        if (!recorderExists()) {
            return;
        }
        ConnectionClosedEvent event = new ConnectionClosedEvent();
        if (event.isEnabled()) {
            event.protocolClass = protocolClass;
            event.connection = connection;
            event.reason = reason.kind().name();
            event.message = reason.message();
            event.bytesIn = bytesIn;
            event.bytesOut = bytesOut;
            event.commit();
        }
    }

    /**
     * Begins a sampled iteration event, or returns null when no recording wants one. The caller
     * finishes it with {@link #finishIteration}.
     */
    public static LoopIterationEvent beginIteration(long iteration) {
        if (!recorderExists() || !Probes.ITERATION.isEnabled()) {
            return null;
        }
        LoopIterationEvent event = new LoopIterationEvent();
        event.iteration = iteration;
        event.sampledOneIn = SAMPLE_EVERY;
        event.begin();
        return event;
    }

    /** Ends and commits a sampled iteration begun with {@link #beginIteration}. */
    public static void finishIteration(LoopIterationEvent event, long waitNanos, long busyNanos, int readyKeys) {
        event.end();
        if (event.shouldCommit()) {
            event.selectWait = waitNanos;
            event.busy = busyNanos;
            event.readyKeys = readyKeys;
            event.commit();
        }
    }
}
