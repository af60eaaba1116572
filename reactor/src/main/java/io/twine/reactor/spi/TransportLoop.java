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

    /** The loop's public face, for what a transport does like any other code (errors, threads). */
    EventLoop eventLoop();

    /** Registers {@code channel} (already non-blocking) with the loop's selector. */
    Registration register(SelectableChannel channel, int interestOps, IoHandler handler)
            throws ClosedChannelException;

    /**
     * Has {@code work} run once, just before the loop next selects: after the callback in
     * progress has returned, and never inside another callback.
     */
    void runBeforeNextSelect(BeforeNextSelect work);

    /**
     * The loop's one read buffer, shared by every transport: a protocol sees it only for the
     * duration of one {@code dataReceived} call. The loop owns it; a transport fills it and hands
     * it on within one readiness event.
     */
    ByteBuffer readBuffer();

    /** The loop's pool of outbound chunks. */
    ChunkPool chunkPool();

    /** Where transports report bytes, connections and loop-only calls. */
    LoopMonitor monitor();

    /** Something to close when the loop stops. If it is stopping already, it is told at once. */
    void track(ShutdownParticipant participant);

    /** {@code participant} has closed. */
    void untrack(ShutdownParticipant participant);

    /** Reports an error through the loop's error reporter; never throws. */
    void reportError(String context, Throwable error);

    /** The failure rule every callback of this loop goes through (report, close what it belongs to). */
    Failures failures();
}
