package io.twine.reactor.spi;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Objects;

/**
 * A channel's place in the loop's selector, as its transport holds it: the interest set, the
 * handler the loop dispatches to, and cancellation.
 *
 * <p>Transports hold this rather than the {@link SelectionKey} itself because the key is not
 * forever: when the loop rebuilds a misbehaving selector it moves every registration to the new
 * one, and the transport must not notice.
 *
 * <p>Thread: loop only.
 */
public final class Registration {

    private final SelectableChannel channel;
    private SelectionKey key;
    private IoHandler handler;

    /**
     * Registers {@code channel} (non-blocking) with {@code selector}; the key's attachment is this.
     *
     * @param selector the loop's selector
     * @param channel the channel, already in non-blocking mode
     * @param interestOps the first interest set, a mask of {@code SelectionKey.OP_*}
     * @param handler gets the channel's readiness on the loop thread
     * @throws ClosedChannelException if the channel is already closed
     */
    public Registration(Selector selector, SelectableChannel channel, int interestOps, IoHandler handler)
            throws ClosedChannelException {
        this.channel = channel;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.key = channel.register(selector, interestOps, this);
    }

    /**
     * Who the loop dispatches this channel's readiness to.
     *
     * @return the handler now attached
     */
    public IoHandler handler() {
        return handler;
    }

    /**
     * Dispatch to {@code newHandler} from now on (a connector handing its channel to a connection).
     *
     * @param newHandler gets the channel's readiness from now on
     */
    public void attach(IoHandler newHandler) {
        this.handler = Objects.requireNonNull(newHandler, "handler");
    }

    /**
     * Sets the interest set, a mask of {@code SelectionKey.OP_*}.
     *
     * @param ops the new interest set
     */
    public void interestOps(int ops) {
        key.interestOps(ops);
    }

    /** {@return the interest set, a mask of {@code SelectionKey.OP_*}} */
    public int interestOps() {
        return key.interestOps();
    }

    /** {@return the channel registered} */
    public SelectableChannel channel() {
        return channel;
    }

    /**
     * True until cancelled or the channel closed.
     *
     * @return false once cancelled or closed
     */
    public boolean isValid() {
        return key.isValid();
    }

    /** Removes the channel from the selector; its descriptor is freed at the next select. */
    public void cancel() {
        key.cancel();
    }

    /**
     * Moves this registration to {@code selector} with the same interest set. Called by the loop
     * when it replaces its selector; cancels the old key.
     *
     * @param selector the loop's new selector
     * @throws ClosedChannelException if the channel closed meanwhile
     */
    public void moveTo(Selector selector) throws ClosedChannelException {
        if (!key.isValid()) {
            return;
        }
        int ops = key.interestOps();
        key.cancel();
        key = channel.register(selector, ops, this);
    }
}
