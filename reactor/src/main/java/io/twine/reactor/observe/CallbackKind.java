package io.twine.reactor.observe;

/**
 * What kind of work the loop ran in one callback: the four places user code runs from.
 *
 * <p>Immutable; safe on any thread.
 */
public enum CallbackKind {
    /** A ready key dispatched to its transport: accept, connect, read or write readiness. */
    IO,
    /**
     * Work a transport asked to run just before the loop selects again: mostly flushing writes
     * made outside the connection's own read event; also a loss decided inside another
     * callback, or a UDP port's close after {@code stopListening}.
     */
    BEFORE_SELECT,
    /** A call scheduled with {@code callLater} that came due. */
    TIMER,
    /** A task another thread queued with {@code callFromThread} (or a start-up or shutdown call). */
    TASK
}
