package io.twine.reactor.observe;

/**
 * What kind of work the loop ran in one callback: the four places user code runs from.
 *
 * <p>Immutable; safe on any thread.
 */
public enum CallbackKind {
    /** A ready key dispatched to its transport: accept, connect, read or write readiness. */
    IO,
    /** A transport's queued writes flushed just before the loop selects again. */
    FLUSH,
    /** A call scheduled with {@code callLater} that came due. */
    TIMER,
    /** A task another thread queued with {@code callFromThread} (or a start-up or shutdown call). */
    TASK
}
