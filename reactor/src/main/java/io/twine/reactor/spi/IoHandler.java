package io.twine.reactor.spi;

/**
 * What a transport attaches to its {@link java.nio.channels.SelectionKey}: the loop dispatches
 * each ready key straight to its attachment, with no lookup.
 *
 * <p>Thread: loop only.
 */
public interface IoHandler extends ClosesOnFailure {

    /**
     * The channel is ready for {@code readyOps} (a mask of {@code SelectionKey.OP_*}). The loop
     * has checked the key is still valid just before the call.
     *
     * @param readyOps the ready operations, never 0
     */
    void ready(int readyOps);

    /**
     * {@link #ready} threw {@code error} although transports catch what their user callbacks
     * throw (or a callback of this handler's connection threw): close the channel. The error is
     * already reported once.
     */
    @Override
    void failed(Throwable error);
}
