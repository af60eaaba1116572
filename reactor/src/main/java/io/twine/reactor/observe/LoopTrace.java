package io.twine.reactor.observe;

import io.twine.protocol.Reason;
import java.util.List;
import java.util.Objects;

/**
 * The last iterations of a loop, as recorded by {@code Reactor.startTracing}: for each, how long
 * it waited in select and for what, and every callback it then ran. {@link TracePage} draws it.
 *
 * <p>Immutable; safe on any thread. Times are {@link System#nanoTime()} values.
 *
 * @param iterations the recorded iterations, oldest first
 * @param droppedIterations iterations that ran while tracing but fell out of the bounded window
 * @param slowThresholdNanos the slow-callback threshold when the snapshot was taken
 */
public record LoopTrace(List<Iteration> iterations, long droppedIterations, long slowThresholdNanos) {

    /**
     * Copies the list.
     *
     * @param iterations the recorded iterations, oldest first
     * @param droppedIterations iterations that ran while tracing but fell out of the bounded window
     * @param slowThresholdNanos the slow-callback threshold when the snapshot was taken
     */
    public LoopTrace {
        iterations = List.copyOf(iterations);
    }

    /**
     * Callbacks over every recorded iteration.
     *
     * @return the total number of callbacks recorded
     */
    public int callbackCount() {
        int total = 0;
        for (Iteration iteration : iterations) {
            total += iteration.callbacks().size();
        }
        return total;
    }

    /**
     * One turn of the loop: a select, then the work it led to (ready keys, timers, tasks, and the
     * flush of what they wrote, which runs just before the next select).
     *
     * @param number the iteration's number since the loop started (the start-up calls are 0)
     * @param startNanos when the select began
     * @param selectTimeoutMillis what select was allowed: -1 do not wait, 0 until woken, else milliseconds
     * @param wokeBy why the select returned; null for the start-up iteration, which has no select
     * @param waitNanos how long select waited
     * @param busyNanos how long the work after the select took
     * @param readyKeys keys select found ready
     * @param callbacks what ran, in order
     */
    public record Iteration(long number, long startNanos, long selectTimeoutMillis, WakeReason wokeBy, long waitNanos,
            long busyNanos, int readyKeys, List<Callback> callbacks) {

        /**
         * Copies the list.
         *
         * @param number the iteration's number since the loop started (the start-up calls are 0)
         * @param startNanos when the select began
         * @param selectTimeoutMillis what select was allowed: -1 do not wait, 0 until woken, else
         *     milliseconds
         * @param wokeBy why the select returned; null for the start-up iteration, which has no
         *     select
         * @param waitNanos how long select waited
         * @param busyNanos how long the work after the select took
         * @param readyKeys keys select found ready
         * @param callbacks what ran, in order
         */
        public Iteration {
            callbacks = List.copyOf(callbacks);
        }
    }

    /**
     * One callback of an iteration.
     *
     * @param kind where it came from
     * @param readyOps for {@link CallbackKind#IO}, the key's ready operations ({@code SelectionKey.OP_*})
     * @param protocolClass the class of the user code: the protocol, factory, timer task or task
     * @param connection the connection or port it served, or {@code ""}
     * @param startNanos when it began
     * @param durationNanos how long it ran
     * @param bytesIn bytes read during it
     * @param bytesOut bytes written during it
     * @param closed why a connection closed during it, or null when none did
     * @param interestOps the interest set ({@code SelectionKey.OP_*}) a channel was given during it,
     *     or -1 when none changed (the last change, when several did)
     */
    public record Callback(CallbackKind kind, int readyOps, String protocolClass, String connection,
            long startNanos, long durationNanos, long bytesIn, long bytesOut, Reason.Kind closed, int interestOps) {

        /**
         * Checks that the names are present.
         *
         * @param kind where it came from
         * @param readyOps for {@link CallbackKind#IO}, the key's ready operations ({@code
         *     SelectionKey.OP_*})
         * @param protocolClass the class of the user code: the protocol, factory, timer task or
         *     task
         * @param connection the connection or port it served, or {@code ""}
         * @param startNanos when it began
         * @param durationNanos how long it ran
         * @param bytesIn bytes read during it
         * @param bytesOut bytes written during it
         * @param closed why a connection closed during it, or null when none did
         * @param interestOps the interest set ({@code SelectionKey.OP_*}) a channel was given
         *     during it, or -1 when none changed (the last change, when several did)
         */
        public Callback {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(protocolClass, "protocolClass");
            Objects.requireNonNull(connection, "connection");
        }

        /**
         * What ran in a word: {@code read}, {@code accept}, {@code before select}, {@code timer},
         * {@code task}, ...
         *
         * @return the word, as the trace page shows it
         */
        public String what() {
            switch (kind) {
                case IO:
                    return SlowCallback.operations(readyOps);
                case BEFORE_SELECT:
                    return "before select";
                case TIMER:
                    return "timer";
                default:
                    return "task";
            }
        }
    }
}
