package io.twine.reactor.spi;

import io.twine.protocol.Reason;
import io.twine.reactor.internal.FlightEvents;
import io.twine.reactor.internal.LoopIterationEvent;
import io.twine.reactor.observe.CallbackKind;
import io.twine.reactor.observe.LoopMetrics;
import io.twine.reactor.observe.LoopTrace;
import io.twine.reactor.observe.SlowCallback;
import io.twine.reactor.observe.WakeReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What one reactor's loop and transports tell about themselves: the counters behind
 * {@link LoopMetrics}, the optional trace, debug mode's checks and the Flight Recorder events.
 *
 * <p><b>Cost.</b> The counters are plain {@code long} fields that only the loop thread writes,
 * so keeping them costs an addition each and two clock reads per iteration. Everything that needs
 * a clock read per callback (the trace, slow-callback warnings, the flight recorder's slow-callback
 * event) is switched on for an iteration only when one of them is wanted; otherwise a callback
 * costs one boolean test. Nothing here allocates per event unless a trace snapshot, a warning or
 * a flight-recorder event is being made.
 *
 * <p>The loop reports each iteration as: {@link #selectStarting} (which also ends the previous
 * iteration), {@link #selectReturned}, then {@link #callbackStarting} / {@link #callbackFinished}
 * around every callback. An iteration's work thus includes the before-select work (flushes) that
 * runs just before the next select, which is where the bytes its callbacks wrote leave.
 *
 * <p>Thread: loop only, except {@link #checkLoopThread} and the settings (debug mode, the
 * slow-callback threshold and listener), which any thread may call.
 */
public final class LoopMonitor {

    /** Slow-callback threshold unless set: a tenth of a second, as asyncio's debug mode. */
    public static final Duration DEFAULT_SLOW_CALLBACK_THRESHOLD = Duration.ofMillis(100);
    private static final System.Logger LOG = System.getLogger("io.twine.reactor");
    private static final Consumer<SlowCallback> LOG_WARNING =
            slow -> LOG.log(System.Logger.Level.WARNING, slow.message());

    // Counters: written by the loop thread only, read by metrics() on the loop thread.
    private long iterations;
    private long selectNanos;
    private long busyNanos;
    private long readyKeys;
    private long beforeSelectRuns;
    private long timersFired;
    private long tasksRun;
    private long bytesIn;
    private long bytesOut;
    private long connectionsAccepted;
    private long connectionsConnected;
    private long connectionsRefused;
    private long acceptFailures;
    private final long[] closedByKind = new long[Reason.Kind.values().length];
    private long longestIterationNanos;
    private long slowCallbacks;

    // The iteration in progress: loop.
    private boolean iterationOpen;
    private long selectStarted;
    private long waitEnded;
    private int keysThisIteration;
    private int sampleCountdown = FlightEvents.SAMPLE_EVERY;
    private LoopIterationEvent sample;

    // The callback in progress, filled in only while callbacks are timed: loop.
    private boolean timing;
    private CallbackKind callbackKind;
    private Object callbackSource;
    private int callbackOps;
    private long callbackStarted;
    private long callbackBytesIn;
    private long callbackBytesOut;
    private Reason.Kind callbackClosed;
    private int callbackInterest = -1;

    // Settings: any thread may change them while the loop runs, hence volatile.
    private volatile boolean debug = Boolean.getBoolean("twine.debug");
    private volatile long slowThresholdNanos = DEFAULT_SLOW_CALLBACK_THRESHOLD.toNanos();
    private volatile Consumer<SlowCallback> slowCallbackListener = LOG_WARNING;
    /** Written by the loop, read by any thread's {@link #checkLoopThread}. */
    private volatile Thread loopThread;
    /** Loop (started and stopped through the reactor's loop-only methods). */
    private TraceRecorder trace;

    // ------------------------------------------------------------------ the loop's side

    /** The loop starts on the calling thread: the start-up calls form iteration 0, which does not wait. */
    public void loopStarted() {
        loopThread = Thread.currentThread();
        long now = System.nanoTime();
        openIteration(now, -1);
        waitEnded = now;
    }

    /** The loop has stopped: the last iteration ends. */
    public void loopFinished() {
        finishIteration(System.nanoTime());
        loopThread = null;
    }

    /**
     * The loop is about to select with {@code timeoutMillis} (-1 now, 0 until woken): the previous
     * iteration ends.
     *
     * @param timeoutMillis the select's timeout
     */
    public void selectStarting(long timeoutMillis) {
        long now = System.nanoTime();
        finishIteration(now);
        openIteration(now, timeoutMillis);
    }

    /**
     * Select has returned, with {@code selected} keys dispatched, for {@code reason}.
     *
     * @param selected how many keys were ready
     * @param reason why select returned
     */
    public void selectReturned(int selected, WakeReason reason) {
        if (waitEnded == 0) {
            waitEnded = System.nanoTime();
        }
        if (trace != null) {
            trace.woke(reason);
        }
    }

    /**
     * A channel's interest set changed to {@code interestOps} (a mask of {@code SelectionKey.OP_*})
     * during the callback in progress; a trace shows it with that callback.
     *
     * @param interestOps the new interest set
     */
    public void interestChanged(int interestOps) {
        if (timing) {
            callbackInterest = interestOps;
        }
    }

    /**
     * A callback is about to run. The first one after a select marks the end of its wait, since
     * the selector dispatches ready keys before select returns.
     *
     * @param source the handler, transport or task, named in traces and warnings
     * @param readyOps for {@link CallbackKind#IO}, the key's ready operations; 0 otherwise
     * @param kind where the callback came from
     */
    public void callbackStarting(CallbackKind kind, Object source, int readyOps) {
        if (waitEnded == 0) {
            waitEnded = System.nanoTime();
        }
        count(kind);
        if (timing) {
            callbackKind = kind;
            callbackSource = source;
            callbackOps = readyOps;
            callbackBytesIn = 0;
            callbackBytesOut = 0;
            callbackClosed = null;
            callbackInterest = -1;
            callbackStarted = System.nanoTime();
        }
    }

    /** The callback begun by the last {@link #callbackStarting} has returned (or thrown). */
    public void callbackFinished() {
        if (!timing || callbackSource == null) {
            return;
        }
        long nanos = System.nanoTime() - callbackStarted;
        if (nanos >= slowThresholdNanos) {
            slowCallback(nanos);
        }
        if (trace != null) {
            trace.callback(callbackKind, callbackSource, callbackOps, callbackStarted, nanos, callbackBytesIn,
                    callbackBytesOut, callbackClosed, callbackInterest);
        }
        callbackSource = null;  // a closed connection need not outlive its callback here
    }

    private void count(CallbackKind kind) {
        switch (kind) {
            case IO:
                readyKeys++;
                keysThisIteration++;
                break;
            case BEFORE_SELECT:
                beforeSelectRuns++;
                break;
            case TIMER:
                timersFired++;
                break;
            default:
                tasksRun++;
        }
    }

    private void openIteration(long now, long timeoutMillis) {
        iterations++;
        iterationOpen = true;
        selectStarted = now;
        waitEnded = 0;
        keysThisIteration = 0;
        // Decided once per iteration, so a callback costs one boolean test when nobody is looking.
        timing = debug || trace != null || FlightEvents.slowCallbacksWanted();
        if (trace != null) {
            trace.iterationStarted(iterations - 1, now, timeoutMillis);
        }
        if (--sampleCountdown == 0) {
            sampleCountdown = FlightEvents.SAMPLE_EVERY;
            sample = FlightEvents.beginIteration(iterations - 1);
        }
    }

    private void finishIteration(long now) {
        if (!iterationOpen) {
            return;
        }
        iterationOpen = false;
        long waitEnd = waitEnded == 0 ? now : waitEnded;
        long wait = waitEnd - selectStarted;
        long busy = now - waitEnd;
        selectNanos += wait;
        busyNanos += busy;
        if (busy > longestIterationNanos) {
            longestIterationNanos = busy;
        }
        if (trace != null) {
            trace.iterationFinished(wait, busy, keysThisIteration);
        }
        if (sample != null) {
            FlightEvents.finishIteration(sample, wait, busy, keysThisIteration);
            sample = null;
        }
    }

    private void slowCallback(long nanos) {
        slowCallbacks++;
        // A transport is named by its protocol and connection already; a timer or task by itself.
        String callback = callbackKind == CallbackKind.IO ? SlowCallback.operations(callbackOps)
                : callbackKind.name().toLowerCase(Locale.ROOT)
                        + (callbackSource instanceof Labelled ? "" : " " + callbackSource);
        String protocol = protocolOf(callbackSource);
        String connection = connectionOf(callbackSource);
        FlightEvents.slowCallback(callbackKind.name(), callback, protocol, connection, nanos, slowThresholdNanos);
        if (debug) {
            try {
                slowCallbackListener.accept(new SlowCallback(callbackKind, callback, protocol, connection, nanos,
                        slowThresholdNanos));
            } catch (RuntimeException listenerFailure) {
                LOG.log(System.Logger.Level.ERROR, "the slow-callback listener failed", listenerFailure);
            }
        }
    }

    // ------------------------------------------------------------------ the transports' side

    /**
     * A connection was made: accepted by a listener ({@code inbound}) or connected by a connector.
     *
     * @param inbound true if accepted, false if connected
     */
    public void connectionOpened(boolean inbound) {
        if (inbound) {
            connectionsAccepted++;
        } else {
            connectionsConnected++;
        }
    }

    /** A listener closed an accepted connection at once: its port's connection limit was reached. */
    public void connectionRefused() {
        connectionsRefused++;
    }

    /** A listener's accept failed (out of descriptors, most often); it backs off before it tries again. */
    public void acceptFailed() {
        acceptFailures++;
    }

    /**
     * A connection made since {@link #connectionOpened} has closed, after carrying {@code in} and
     * {@code out} bytes.
     *
     * @param connection the transport, for its label in traces and recordings
     * @param reason why it closed, counted by kind
     * @param in bytes read over its life
     * @param out bytes written over its life
     */
    public void connectionClosed(Object connection, Reason reason, long in, long out) {
        closedByKind[reason.kind().ordinal()]++;
        if (timing) {
            callbackClosed = reason.kind();
        }
        if (FlightEvents.connectionClosedWanted()) {
            FlightEvents.connectionClosed(protocolOf(connection), connectionOf(connection), reason, in, out);
        }
    }

    /**
     * {@code n} bytes arrived (a read, or a datagram).
     *
     * @param n the byte count
     */
    public void bytesRead(long n) {
        bytesIn += n;
        callbackBytesIn += n;
    }

    /**
     * {@code n} bytes left (a write, or a datagram).
     *
     * @param n the byte count
     */
    public void bytesWritten(long n) {
        bytesOut += n;
        callbackBytesOut += n;
    }

    /**
     * In debug mode, throws when a loop-only method is called from a thread other than the loop's
     * while the loop runs; does nothing otherwise (so set-up before {@code run()} from another
     * thread stays allowed). Any thread.
     *
     * @param method what was called, for the message, e.g. {@code "Transport.write"}
     * @throws IllegalStateException naming the method, both threads and {@code callFromThread}
     */
    public void checkLoopThread(String method) {
        if (debug) {
            Thread owner = loopThread;
            if (owner != null && owner != Thread.currentThread()) {
                throw new IllegalStateException(method + " was called from thread '" + Thread.currentThread().getName()
                        + "', but it is loop-only and this reactor's loop runs on thread '" + owner.getName()
                        + "'; use reactor.callFromThread(() -> ...) to run it on the loop");
            }
        }
    }

    // ------------------------------------------------------------------ settings and snapshots

    /**
     * Debug mode: slow-callback warnings and thread checks. Off unless {@code -Dtwine.debug=true}.
     *
     * @param on true to time callbacks and check threads
     */
    public void setDebug(boolean on) {
        debug = on;
    }

    /**
     * True in debug mode.
     *
     * @return true if callbacks are timed and threads checked
     */
    public boolean isDebug() {
        return debug;
    }

    /**
     * How long one callback may run before it counts as slow.
     *
     * @param threshold a callback running at least this long is slow
     */
    public void setSlowCallbackThreshold(Duration threshold) {
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("the slow-callback threshold must be positive, got " + threshold);
        }
        slowThresholdNanos = threshold.toNanos();
    }

    /**
     * The slow-callback threshold.
     *
     * @return the threshold; 100 ms unless set
     */
    public Duration slowCallbackThreshold() {
        return Duration.ofNanos(slowThresholdNanos);
    }

    /**
     * Who hears of slow callbacks in debug mode; the default logs a warning through
     * {@link System.Logger}.
     *
     * @param listener called on the loop thread, once per slow callback
     */
    public void setSlowCallbackListener(Consumer<SlowCallback> listener) {
        slowCallbackListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Starts recording the last {@code iterations} iterations, from the next one on, replacing any
     * trace.
     *
     * @param iterations the ring's size
     */
    public void startTracing(int iterations) {
        trace = new TraceRecorder(iterations);
    }

    /** Stops recording and forgets the trace. */
    public void stopTracing() {
        trace = null;
    }

    /**
     * True while tracing.
     *
     * @return true between {@link #startTracing} and the end of the loop
     */
    public boolean isTracing() {
        return trace != null;
    }

    /**
     * The recorded iterations, or null when not tracing.
     *
     * @return a snapshot, the iteration in progress included as far as it got
     */
    public LoopTrace traceSnapshot() {
        if (trace == null) {
            return null;
        }
        long now = System.nanoTime();
        return trace.snapshot(slowThresholdNanos, openWait(now), openBusy(now), keysThisIteration);
    }

    /** The iteration in progress: how long it waited (or has waited so far). */
    private long openWait(long now) {
        return !iterationOpen ? 0 : (waitEnded == 0 ? now : waitEnded) - selectStarted;
    }

    /** The iteration in progress: how long it has worked so far. */
    private long openBusy(long now) {
        return !iterationOpen || waitEnded == 0 ? 0 : now - waitEnded;
    }

    /**
     * The counters now, the iteration in progress included as far as it got; see
     * {@link LoopMetrics}.
     *
     * @return a new snapshot
     */
    public LoopMetrics metrics() {
        long now = System.nanoTime();
        long busyNow = openBusy(now);
        Map<Reason.Kind, Long> closed = new EnumMap<>(Reason.Kind.class);
        long closedTotal = 0;
        for (Reason.Kind kind : Reason.Kind.values()) {
            closed.put(kind, closedByKind[kind.ordinal()]);
            closedTotal += closedByKind[kind.ordinal()];
        }
        long open = connectionsAccepted + connectionsConnected - closedTotal;
        return new LoopMetrics(iterations, selectNanos + openWait(now), busyNanos + busyNow, readyKeys, beforeSelectRuns,
                timersFired, tasksRun, bytesIn, bytesOut, open, connectionsAccepted, connectionsConnected,
                connectionsRefused, acceptFailures, closed,
                Math.max(longestIterationNanos, busyNow), slowCallbacks);
    }

    // ------------------------------------------------------------------ labels

    static String protocolOf(Object source) {
        if (source instanceof Labelled) {
            return ((Labelled) source).protocolClass().getName();
        }
        return source == null ? "" : source.getClass().getName();
    }

    static String connectionOf(Object source) {
        return source instanceof Labelled ? ((Labelled) source).connectionLabel() : "";
    }
}
