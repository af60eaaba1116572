package io.twine.reactor.observe;

import io.twine.protocol.Reason;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one reactor has done since it was made: a snapshot of its counters, all taken at the same
 * moment on the loop thread, so they agree with each other (for example
 * {@code connectionsAccepted + connectionsConnected - closed == connectionsOpen}).
 *
 * <p>Immutable; safe on any thread. Taken with {@code Reactor.metrics()}.
 *
 * @param iterations turns of the loop, each one select and the work it led to
 * @param selectNanos time spent waiting in select
 * @param busyNanos time spent working: dispatching ready keys, the work before each select, timers and tasks
 * @param readyKeys ready keys dispatched to their transports
 * @param beforeSelectRuns work transports asked to run just before a select: mostly flushes of
 *     writes made outside a connection's own read event
 * @param timersFired {@code callLater} calls that ran
 * @param tasksRun {@code callFromThread} tasks (and start-up and shutdown calls) that ran
 * @param bytesIn bytes read from every connection and datagram port
 * @param bytesOut bytes written to every connection and datagram port
 * @param connectionsOpen connections open now
 * @param connectionsAccepted connections accepted by listeners
 * @param connectionsConnected outgoing connections established
 * @param connectionsRefused connections a listener accepted and closed at once, because its port's
 *     connection limit was reached (never counted as open or closed)
 * @param acceptFailures accepts that failed (out of descriptors, most often), each followed by a
 *     back-off during which the listener does not accept
 * @param closedByReason connections closed, by {@link Reason.Kind}; every kind is present
 * @param longestIterationNanos the longest one iteration kept the loop busy (its select wait not
 *     counted): the worst delay the loop added to every other connection
 * @param slowCallbacks callbacks that ran longer than the slow-callback threshold while they were
 *     being timed (in debug mode, while tracing or while a flight recording wants them)
 */
public record LoopMetrics(long iterations, long selectNanos, long busyNanos, long readyKeys, long beforeSelectRuns,
        long timersFired, long tasksRun, long bytesIn, long bytesOut, long connectionsOpen,
        long connectionsAccepted, long connectionsConnected, long connectionsRefused, long acceptFailures,
        Map<Reason.Kind, Long> closedByReason,
        long longestIterationNanos, long slowCallbacks) {

    /**
     * Copies {@code closedByReason} into an unmodifiable map holding every kind.
     *
     * @param iterations turns of the loop, each one select and the work it led to
     * @param selectNanos time spent waiting in select
     * @param busyNanos time spent working: dispatching ready keys, the work before each select,
     *     timers and tasks
     * @param readyKeys ready keys dispatched to their transports
     * @param beforeSelectRuns work transports asked to run just before a select: mostly flushes of
     *     writes made outside a connection's own read event
     * @param timersFired {@code callLater} calls that ran
     * @param tasksRun {@code callFromThread} tasks (and start-up and shutdown calls) that ran
     * @param bytesIn bytes read from every connection and datagram port
     * @param bytesOut bytes written to every connection and datagram port
     * @param connectionsOpen connections open now
     * @param connectionsAccepted connections accepted by listeners
     * @param connectionsConnected outgoing connections established
     * @param connectionsRefused connections a listener accepted and closed at once, because its
     *     port's connection limit was reached (never counted as open or closed)
     * @param acceptFailures accepts that failed (out of descriptors, most often), each followed by
     *     a back-off during which the listener does not accept
     * @param closedByReason connections closed, by {@link Reason.Kind}; every kind is present
     * @param longestIterationNanos the longest one iteration kept the loop busy (its select wait
     *     not counted): the worst delay the loop added to every other connection
     * @param slowCallbacks callbacks that ran longer than the slow-callback threshold while they
     *     were being timed (in debug mode, while tracing or while a flight recording wants them)
     */
    public LoopMetrics {
        Objects.requireNonNull(closedByReason, "closedByReason");
        EnumMap<Reason.Kind, Long> all = new EnumMap<>(Reason.Kind.class);
        for (Reason.Kind kind : Reason.Kind.values()) {
            all.put(kind, closedByReason.getOrDefault(kind, 0L));
        }
        closedByReason = Collections.unmodifiableMap(all);
    }

    /**
     * Connections closed for any reason.
     *
     * @return the sum over every reason kind
     */
    public long connectionsClosed() {
        long total = 0;
        for (long count : closedByReason.values()) {
            total += count;
        }
        return total;
    }

    /**
     * Connections closed for {@code kind} of reason.
     *
     * @param kind the reason kind
     * @return the count for that kind, 0 if none
     */
    public long closed(Reason.Kind kind) {
        return closedByReason.get(kind);
    }
}
