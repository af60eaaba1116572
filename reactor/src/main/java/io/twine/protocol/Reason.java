package io.twine.protocol;

import java.util.Objects;

/**
 * Why a connection ended, or why a connect failed: given to {@code connectionLost},
 * {@code clientConnectionFailed} and {@code clientConnectionLost}.
 *
 * <p>Unlike Twisted, which folds several of these into {@code ConnectionDone} or
 * {@code ConnectionLost}, every way a connection can end has its own {@link Kind}, so a protocol
 * can tell a peer that finished from one that was cut off for sending a line too long.
 *
 * <p>Immutable; safe on any thread.
 */
public final class Reason {

    /** The ways a connection ends. */
    public enum Kind {
        /** We closed it cleanly ({@code loseConnection}), after flushing everything queued. */
        CLOSED_BY_US,
        /** The peer closed its side cleanly (end of stream). */
        CLOSED_BY_PEER,
        /** The peer reset the connection (a TCP RST), or a layer above it saw its stream cut short. */
        RESET,
        /**
         * The connection was lost without a reset or a clean close: a broken pipe, a host or
         * network that became unreachable, any other failure of the socket itself.
         */
        LOST,
        /** We aborted it ({@code abortConnection}), dropping whatever was still queued. */
        ABORTED,
        /**
         * A timeout ended it: a connect timeout, an idle timeout, the shutdown grace period, or the
         * kernel giving up on a peer that stopped answering.
         */
        TIMED_OUT,
        /** A limit was exceeded: line or frame length, buffered bytes, connection count. */
        LIMIT_EXCEEDED,
        /** Anything else, with the exception as the cause: a failed connect, a throwing callback. */
        ERROR
    }

    private static final Reason CLOSED_BY_US = new Reason(Kind.CLOSED_BY_US, "connection closed cleanly", null);
    private static final Reason CLOSED_BY_PEER = new Reason(Kind.CLOSED_BY_PEER, "connection closed cleanly by the peer", null);
    private static final Reason ABORTED = new Reason(Kind.ABORTED, "connection aborted", null);

    private final Kind kind;
    private final String message;
    private final Throwable cause;

    private Reason(Kind kind, String message, Throwable cause) {
        this.kind = kind;
        this.message = message;
        this.cause = cause;
    }

    /**
     * We closed cleanly with {@code loseConnection}.
     *
     * @return the shared clean-close reason
     */
    public static Reason closedByUs() {
        return CLOSED_BY_US;
    }

    /**
     * The peer closed cleanly.
     *
     * @return the shared clean-close reason
     */
    public static Reason closedByPeer() {
        return CLOSED_BY_PEER;
    }

    /**
     * We aborted with {@code abortConnection}.
     *
     * @return an {@link Kind#ABORTED} reason
     */
    public static Reason aborted() {
        return ABORTED;
    }

    /**
     * We aborted, for the reason {@code message} gives (the shutdown grace period ended, ...).
     *
     * @param message why we aborted, for the log
     * @return an {@link Kind#ABORTED} reason
     */
    public static Reason aborted(String message) {
        return new Reason(Kind.ABORTED, Objects.requireNonNull(message, "message"), null);
    }

    /**
     * The connection was reset; {@code cause} is what the JDK threw, if anything.
     *
     * @param message what happened, for the log
     * @param cause the JDK's exception, or null
     * @return a {@link Kind#RESET} reason
     */
    public static Reason reset(String message, Throwable cause) {
        return new Reason(Kind.RESET, Objects.requireNonNull(message, "message"), cause);
    }

    /**
     * The connection was lost, neither reset nor closed; {@code cause} is what the JDK threw, if
     * anything.
     *
     * @param message what happened, for the log
     * @param cause the JDK's exception, or null
     * @return a {@link Kind#LOST} reason
     */
    public static Reason lost(String message, Throwable cause) {
        return new Reason(Kind.LOST, Objects.requireNonNull(message, "message"), cause);
    }

    /**
     * A timeout ended it; {@code message} says which.
     *
     * @param message which timeout, and its length
     * @return a {@link Kind#TIMED_OUT} reason
     */
    public static Reason timedOut(String message) {
        return timedOut(message, null);
    }

    /**
     * A timeout ended it; {@code message} says which, {@code cause} is what the JDK threw, if
     * anything.
     *
     * @param message which timeout, and its length
     * @param cause the JDK's exception, or null
     * @return a {@link Kind#TIMED_OUT} reason
     */
    public static Reason timedOut(String message, Throwable cause) {
        return new Reason(Kind.TIMED_OUT, Objects.requireNonNull(message, "message"), cause);
    }

    /**
     * A limit was exceeded; {@code message} names the limit and the value that broke it.
     *
     * @param message the limit and the value, e.g. "line of 70000 bytes exceeds the limit of 65536"
     * @return a {@link Kind#LIMIT_EXCEEDED} reason
     */
    public static Reason limitExceeded(String message) {
        return new Reason(Kind.LIMIT_EXCEEDED, Objects.requireNonNull(message, "message"), null);
    }

    /**
     * Anything else, caused by {@code cause}.
     *
     * @param cause what was thrown; its {@code toString()} becomes the message
     * @return an {@link Kind#ERROR} reason
     */
    public static Reason error(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        return new Reason(Kind.ERROR, String.valueOf(cause), cause);
    }

    /**
     * Anything else, with a message and an optional cause.
     *
     * @param message what went wrong, for the log
     * @param cause the exception behind it, or null
     * @return an {@link Kind#ERROR} reason
     */
    public static Reason error(String message, Throwable cause) {
        return new Reason(Kind.ERROR, Objects.requireNonNull(message, "message"), cause);
    }

    /** {@return what kind of ending this is, for code that decides what to do next} */
    public Kind kind() {
        return kind;
    }

    /**
     * A sentence for a log line.
     *
     * @return the message, never null
     */
    public String message() {
        return message;
    }

    /**
     * The exception behind this reason, or null.
     *
     * @return the cause, or null
     */
    public Throwable cause() {
        return cause;
    }

    /**
     * True for a clean close by either side: nothing was lost.
     *
     * @return true for {@link Kind#CLOSED_BY_US} and {@link Kind#CLOSED_BY_PEER}
     */
    public boolean isClean() {
        return kind == Kind.CLOSED_BY_US || kind == Kind.CLOSED_BY_PEER;
    }

    @Override
    public String toString() {
        return kind + ": " + message;
    }
}
