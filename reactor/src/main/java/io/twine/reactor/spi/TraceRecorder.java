package io.twine.reactor.spi;

import io.twine.protocol.Reason;
import io.twine.reactor.observe.CallbackKind;
import io.twine.reactor.observe.LoopTrace;
import io.twine.reactor.observe.WakeReason;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded memory of a trace: two rings of preallocated arrays, one slot per iteration and
 * one per callback, overwritten oldest first. Recording writes into the arrays and allocates
 * nothing; only {@link #snapshot} builds objects.
 *
 * <p>Callbacks have a ring of their own (eight slots per iteration on average) so that one busy
 * iteration can record many callbacks; an iteration whose callbacks were overwritten by later
 * ones is left out of the snapshot rather than shown incomplete.
 *
 * <p>Thread: loop only.
 */
final class TraceRecorder {

    static final int CALLBACKS_PER_ITERATION = 8;

    private final int iterationSlots;
    private final long[] number;
    private final long[] start;
    private final long[] timeout;
    private final WakeReason[] wokeBy;
    private final long[] wait;
    private final long[] busy;
    private final int[] keys;
    private final long[] firstCallback;
    private final int[] callbackCount;
    private long iterationsFinished;
    private boolean open;
    private int current;

    private final int callbackSlots;
    private final CallbackKind[] kind;
    private final int[] ops;
    private final Object[] source;
    private final long[] callbackStart;
    private final long[] duration;
    private final long[] bytesIn;
    private final long[] bytesOut;
    private final Reason.Kind[] closed;
    private final int[] interest;
    private long callbacksRecorded;

    TraceRecorder(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("a trace needs room for at least one iteration, got " + iterations);
        }
        iterationSlots = iterations;
        number = new long[iterations];
        start = new long[iterations];
        timeout = new long[iterations];
        wokeBy = new WakeReason[iterations];
        wait = new long[iterations];
        busy = new long[iterations];
        keys = new int[iterations];
        firstCallback = new long[iterations];
        callbackCount = new int[iterations];
        callbackSlots = Math.multiplyExact(iterations, CALLBACKS_PER_ITERATION);
        kind = new CallbackKind[callbackSlots];
        ops = new int[callbackSlots];
        source = new Object[callbackSlots];
        callbackStart = new long[callbackSlots];
        duration = new long[callbackSlots];
        bytesIn = new long[callbackSlots];
        bytesOut = new long[callbackSlots];
        closed = new Reason.Kind[callbackSlots];
        interest = new int[callbackSlots];
    }

    void woke(WakeReason reason) {
        if (open) {
            wokeBy[current] = reason;
        }
    }

    void iterationStarted(long iteration, long startNanos, long timeoutMillis) {
        current = (int) (iterationsFinished % iterationSlots);
        number[current] = iteration;
        start[current] = startNanos;
        timeout[current] = timeoutMillis;
        wokeBy[current] = null;
        firstCallback[current] = callbacksRecorded;
        callbackCount[current] = 0;
        open = true;
    }

    void callback(CallbackKind callbackKind, Object callbackSource, int readyOps, long startNanos, long nanos,
            long in, long out, Reason.Kind closedReason, int interestOps) {
        if (!open) {
            return;  // tracing began in the middle of this iteration
        }
        int slot = (int) (callbacksRecorded % callbackSlots);
        kind[slot] = callbackKind;
        source[slot] = callbackSource;
        ops[slot] = readyOps;
        callbackStart[slot] = startNanos;
        duration[slot] = nanos;
        bytesIn[slot] = in;
        bytesOut[slot] = out;
        closed[slot] = closedReason;
        interest[slot] = interestOps;
        callbacksRecorded++;
        callbackCount[current]++;
    }

    void iterationFinished(long waitNanos, long busyNanos, int readyKeys) {
        if (!open) {
            return;
        }
        wait[current] = waitNanos;
        busy[current] = busyNanos;
        keys[current] = readyKeys;
        open = false;
        iterationsFinished++;
    }

    /**
     * The iterations still in the window, oldest first, with their labels worked out now. The
     * iteration in progress, if any, comes last, with its wait and work so far: {@code openWait},
     * {@code openBusy} and {@code openKeys} (its slot holds them only once it finishes).
     */
    LoopTrace snapshot(long slowThresholdNanos, long openWait, long openBusy, int openKeys) {
        if (open) {
            wait[current] = openWait;
            busy[current] = openBusy;
            keys[current] = openKeys;
        }
        long total = iterationsFinished + (open ? 1 : 0);
        long first = Math.max(0, total - iterationSlots);
        long oldestCallback = callbacksRecorded - callbackSlots;
        List<LoopTrace.Iteration> iterations = new ArrayList<>();
        long dropped = first;
        for (long n = first; n < total; n++) {
            int i = (int) (n % iterationSlots);
            if (firstCallback[i] < oldestCallback) {
                dropped++;
                continue;
            }
            List<LoopTrace.Callback> callbacks = new ArrayList<>(callbackCount[i]);
            for (int c = 0; c < callbackCount[i]; c++) {
                int slot = (int) ((firstCallback[i] + c) % callbackSlots);
                callbacks.add(new LoopTrace.Callback(kind[slot], ops[slot], LoopMonitor.protocolOf(source[slot]),
                        LoopMonitor.connectionOf(source[slot]), callbackStart[slot], duration[slot], bytesIn[slot],
                        bytesOut[slot], closed[slot], interest[slot]));
            }
            iterations.add(new LoopTrace.Iteration(number[i], start[i], timeout[i], wokeBy[i], wait[i], busy[i], keys[i],
                    callbacks));
        }
        return new LoopTrace(iterations, dropped, slowThresholdNanos);
    }
}
