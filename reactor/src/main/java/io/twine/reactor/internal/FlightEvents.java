package io.twine.reactor.internal;

import io.twine.protocol.Reason;

/**
 * The loop's Flight Recorder events, in one place. With no recording running every method here
 * returns after one {@code isEnabled()} check and allocates nothing: the probe instances exist
 * only to ask that question.
 *
 * <p>Thread: loop only.
 */
public final class FlightEvents {

    /** One iteration in this many becomes a {@link LoopIterationEvent}. */
    public static final int SAMPLE_EVERY = 1024;

    private static final SlowCallbackEvent SLOW_PROBE = new SlowCallbackEvent();
    private static final LoopIterationEvent ITERATION_PROBE = new LoopIterationEvent();

    private FlightEvents() {}

    /** True while a recording wants slow-callback events, so the loop must time each callback. */
    public static boolean slowCallbacksWanted() {
        return SLOW_PROBE.isEnabled();
    }

    /** Records a slow callback. */
    public static void slowCallback(String kind, String callback, String protocolClass, String connection,
            long durationNanos, long thresholdNanos) {
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
        return new ConnectionClosedEvent().isEnabled();
    }

    /** Records a closed connection. */
    public static void connectionClosed(String protocolClass, String connection, Reason reason,
            long bytesIn, long bytesOut) {
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
        if (!ITERATION_PROBE.isEnabled()) {
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
