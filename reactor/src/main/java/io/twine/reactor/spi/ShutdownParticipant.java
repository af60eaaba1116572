package io.twine.reactor.spi;

/**
 * Something the reactor must close when it stops: a listening port, a connection, a connector.
 * It registers with {@code Reactor.track} when it opens and unregisters with {@code untrack}
 * once it is fully closed; the reactor's "during" phase lasts until none is left or the grace
 * period ends.
 *
 * <p>If {@code shutdown} or {@code abort} throws, the loop reports it and calls {@link #failed};
 * either way the stop goes on, and ends at the latest with the grace period.
 *
 * <p>Thread: loop only.
 */
public interface ShutdownParticipant extends ClosesOnFailure {

    /**
     * Begin a graceful close: a listener stops listening, a connection stops reading, flushes
     * what is queued and closes (Twisted's {@code loseConnection}). Call {@code untrack} when done.
     */
    void shutdown();

    /** The grace period is over: close now, dropping whatever is still queued. */
    void abort();
}
