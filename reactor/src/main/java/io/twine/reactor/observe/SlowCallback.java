package io.twine.reactor.observe;

import java.nio.channels.SelectionKey;
import java.util.Objects;

/**
 * One callback that kept the loop busy longer than the slow-callback threshold: what debug mode
 * warns about. While it ran, no other connection, timer or task got a turn.
 *
 * <p>Immutable; safe on any thread.
 *
 * @param kind where the callback came from
 * @param callback what ran, for example {@code "read"} (a ready key's operations) or the timer's task
 * @param protocolClass the class of the user code that ran: a connection's protocol, a
 *     listener's factory, or a timer's or task's class
 * @param connection the connection or port it ran for, or {@code ""} for a timer or task
 * @param durationNanos how long it ran
 * @param thresholdNanos the threshold it crossed
 */
public record SlowCallback(CallbackKind kind, String callback, String protocolClass, String connection,
        long durationNanos, long thresholdNanos) {

    /**
     * Checks that no component is null.
     *
     * @param kind where the callback came from
     * @param callback what ran, for example {@code "read"} (a ready key's operations) or the
     *     timer's task
     * @param protocolClass the class of the user code that ran: a connection's protocol, a
     *     listener's factory, or a timer's or task's class
     * @param connection the connection or port it ran for, or {@code ""} for a timer or task
     * @param durationNanos how long it ran
     * @param thresholdNanos the threshold it crossed
     */
    public SlowCallback {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(protocolClass, "protocolClass");
        Objects.requireNonNull(connection, "connection");
    }

    /**
     * The warning debug mode logs, one line naming the callback, its protocol and connection.
     *
     * @return the message, without a trailing newline
     */
    public String message() {
        return "slow callback: " + callback + " of " + protocolClass
                + (connection.isEmpty() ? "" : " on " + connection)
                + " ran " + Durations.format(durationNanos) + ", over the threshold of "
                + Durations.format(thresholdNanos) + "; the loop served nothing else meanwhile";
    }

    /**
     * A short name for the operations of a ready key: {@code "read"}, {@code "accept"},
     * {@code "write"}, {@code "connect"}, or several joined with {@code "+"}.
     *
     * @param readyOps {@code SelectionKey.OP_*} bits
     * @return the names, or {@code "none"} for 0
     */
    public static String operations(int readyOps) {
        StringBuilder names = new StringBuilder();
        append(names, readyOps, SelectionKey.OP_ACCEPT, "accept");
        append(names, readyOps, SelectionKey.OP_CONNECT, "connect");
        append(names, readyOps, SelectionKey.OP_READ, "read");
        append(names, readyOps, SelectionKey.OP_WRITE, "write");
        return names.length() == 0 ? "none" : names.toString();
    }

    private static void append(StringBuilder names, int ops, int op, String name) {
        if ((ops & op) != 0) {
            if (names.length() > 0) {
                names.append('+');
            }
            names.append(name);
        }
    }

    @Override
    public String toString() {
        return message();
    }
}
