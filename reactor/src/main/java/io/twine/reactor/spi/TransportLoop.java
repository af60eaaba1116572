package io.twine.reactor.spi;

import io.twine.reactor.EventLoop;
import io.twine.reactor.Scheduler;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;

/**
 * The loop as a transport sees it: the selector, the shared buffers, the list of work to run
 * before the next select and the shutdown list. A {@link io.twine.reactor.Reactor} hands it to the {@link TcpDriver} and
 * {@link UdpDriver} it opens transports with, and to nobody else: none of this is a method of
 * the reactor, so a protocol cannot reach the loop's shared read buffer or its selector.
 *
 * <p>Thread: loop only (or before the loop runs, on the thread that will run it).
 */
public interface TransportLoop extends Scheduler {

    /**
     * The loop's public face, for what a transport does like any other code (errors, threads).
     *
     * @return the loop as user code sees it
     */
    EventLoop eventLoop();

    /**
     * Registers {@code channel} (already non-blocking) with the loop's selector.
     *
     * @param channel the channel to watch
     * @param interestOps the first interest set, a mask of {@code SelectionKey.OP_*}
     * @param handler gets the channel's readiness on the loop thread
     * @return the registration, which also survives a selector rebuild
     * @throws ClosedChannelException if the channel is already closed
     */
    Registration register(SelectableChannel channel, int interestOps, IoHandler handler)
            throws ClosedChannelException;

    /**
     * Has {@code work} run once, just before the loop next selects: after the callback in
     * progress has returned, and never inside another callback.
     *
     * @param work runs once, on the loop thread
     */
    void runBeforeNextSelect(BeforeNextSelect work);

    /**
     * The loop's one read buffer, shared by every transport: a protocol sees it only for the
     * duration of one {@code dataReceived} call. The loop owns it; a transport fills it and hands
     * it on within one readiness event.
     *
     * @return the buffer, owned by the loop; the caller gives it back by returning from the event
     */
    ByteBuffer readBuffer();

    /**
     * The loop's pool of outbound chunks.
     *
     * @return the pool, used on the loop thread only
     */
    ChunkPool chunkPool();

    /**
     * Where transports report bytes, connections and loop-only calls.
     *
     * @return the loop's monitor
     */
    LoopMonitor monitor();

    /**
     * Something to close when the loop stops. If it is stopping already, it is told at once.
     *
     * @param participant closed by the loop's stop, within the grace period
     */
    void track(ShutdownParticipant participant);

    /**
     * {@code participant} has closed.
     *
     * @param participant no longer to be closed by the stop
     */
    void untrack(ShutdownParticipant participant);

    /**
     * Reports an error through the loop's error reporter; never throws.
     *
     * @param context what was running, named first in the report
     * @param error the failure
     */
    void reportError(String context, Throwable error);

    /**
     * The failure rule every callback of this loop goes through (report, close what it belongs to).
     *
     * @return the loop's failure rule
     */
    Failures failures();
}
