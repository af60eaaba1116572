package io.twine.protocol.blocking;

import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
import io.twine.reactor.spi.Failures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The protocol that carries one connection between the loop and a {@link BlockingHandler}
 * running on a worker thread: the loop side of both {@link BlockingConnection} streams.
 *
 * <p><b>Inbound.</b> {@link #dataReceived} copies into the {@link InboundStream}; when that queue
 * is full the transport is paused, and the handler's reads resume it through
 * {@code callFromThread}.
 *
 * <p><b>Outbound.</b> The handler's writes land in the {@link OutboundStream}. This protocol is
 * registered on its transport as a <em>pull</em> producer: the transport calls
 * {@code resumeProducing} each time its queue has drained to the low-water mark, and the
 * handler's writes request a drain through {@code callFromThread}. Each drain moves only as many
 * bytes as keep the transport's queue at or below the outbound limit. So the bytes held for one
 * connection on the way out never exceed the outbound limit (in the transport) plus the
 * handler-side buffer, however fast the handler writes. A push producer would have needed the
 * same "how much room is there" arithmetic and could still overshoot by a whole drain.
 *
 * <p><b>Ending.</b> When the handler returns (or calls {@link #close()}), the loop sends what is
 * left and calls {@code loseConnection}. When it throws, the loop reports the exception once and
 * calls {@code abortConnection}. When the connection is lost first, both streams are failed, which
 * wakes a handler blocked in either of them.
 *
 * <p>Thread: the {@code Protocol} and {@code Producer} methods run on the loop thread; the
 * {@code BlockingConnection} methods may be called on any thread; {@link #run()} runs on a worker.
 */
final class ThreadedConnection extends Protocol implements HalfCloseableProtocol, BlockingConnection, Runnable {

    private final Reactor reactor;
    private final BlockingHandler handler;
    private final Executor executor;
    private final long outboundLimit;
    private final InboundStream input;
    private final OutboundStream output;
    private final OutboundProducer producer = new OutboundProducer();
    /** Prebuilt tasks, so that flow control allocates nothing per read or write. */
    private final Runnable resumeReadingTask = this::resumeReading;
    private final Runnable drainTask = this::drain;
    private final Runnable finishTask = this::finish;
    private final AtomicBoolean closeRequested = new AtomicBoolean();

    /** Set on the loop before the handler starts; read by the handler's thread. */
    private volatile SocketAddress peer;
    private volatile SocketAddress host;
    /** True once connectionLost has run. Written on the loop, read anywhere. */
    private volatile boolean lost;

    // Loop-only.
    private boolean finishing;
    private boolean writeShutdown;

    ThreadedConnection(Reactor reactor, BlockingHandler handler, Executor executor, int inboundLimit,
            int outboundLimit, int writeChunk) {
        this.reactor = reactor;
        this.handler = handler;
        this.executor = executor;
        this.outboundLimit = outboundLimit;
        this.input = new InboundStream(inboundLimit, Reactor.READ_BUFFER_SIZE, this::requestResumeReading);
        this.output = new OutboundStream(writeChunk, this::requestDrain);
    }

    // ------------------------------------------------------------------ loop thread: Protocol

    /** Registers the outbound producer and starts the handler on a worker thread. Loop thread. */
    @Override
    public void connectionMade() {
        peer = transport.getPeer();
        host = transport.getHost();
        // The transport's low-water mark decides when it asks for more; a quarter of the limit
        // leaves the kernel something to send while the next drain is on its way.
        transport.setWriteBufferLimits(outboundLimit, outboundLimit / 4);
        transport.registerProducer(producer, false);
        try {
            executor.execute(this);
        } catch (RejectedExecutionException e) {
            reactor.reportError("no worker thread for a blocking handler on " + describe()
                    + ": the executor refused the connection, which is aborted", e);
            transport.abortConnection();
        }
    }

    /**
     * Copies {@code data} (the loop's buffer, valid only during this call) into the handler's
     * input queue, pausing the transport when the queue is full. Loop thread.
     */
    @Override
    public void dataReceived(ByteBuffer data) {
        if (input.append(data)) {
            transport.pauseProducing();
        }
    }

    /** The peer has finished sending: the handler's reads return -1 once the queue is empty. Loop thread. */
    @Override
    public void readConnectionLost() {
        input.endOfStream();
    }

    /** Fails both streams, releasing a handler blocked in either. Loop thread. */
    @Override
    public void connectionLost(Reason reason) {
        lost = true;
        String message = "the connection to " + peer + " was lost: " + reason;
        if (reason.kind() == Reason.Kind.CLOSED_BY_PEER) {
            input.endOfStream();
        } else {
            input.connectionLost(message);
        }
        output.fail(message);
    }

    // ------------------------------------------------------------------ loop thread: flow control

    private void resumeReading() {
        if (!lost) {
            transport.resumeProducing();
        }
    }

    /**
     * Moves the handler's buffered bytes into the transport, as many as keep its queue within the
     * outbound limit, then finishes a requested close or half-close once nothing is left.
     */
    private void drain() {
        if (lost) {
            return;
        }
        if (!transport.isConnected()) {
            // Closing under us (the reactor is stopping): the transport would drop the bytes.
            output.fail("the connection to " + peer + " is closing");
            return;
        }
        long room = outboundLimit - transport.getWriteBufferSize();
        if (room > 0) {
            output.drainTo(transport, room);
        }
        if (!output.isEmpty() || lost) {
            return;
        }
        if (finishing) {
            transport.loseConnection();
        } else if (!writeShutdown && output.shutdownRequested()) {
            writeShutdown = true;
            transport.loseWriteConnection();
        }
    }

    private void finish() {
        finishing = true;
        drain();
    }

    /** The transport asks for more each time its queue has drained to the low-water mark. */
    private final class OutboundProducer implements Producer {
        @Override
        public void resumeProducing() {
            drain();
        }

        @Override
        public void pauseProducing() {
            // Never called on a pull producer.
        }

        @Override
        public void stopProducing() {
            // connectionLost follows and fails the stream.
        }
    }

    // ------------------------------------------------------------------ any thread: hand-offs

    private void requestResumeReading() {
        reactor.callFromThread(resumeReadingTask);
    }

    private void requestDrain() {
        reactor.callFromThread(drainTask);
    }

    // ------------------------------------------------------------------ worker thread

    /** Runs the handler, then ends the connection: cleanly if it returned, aborted if it threw. */
    @Override
    public void run() {
        if (reactor.isInLoopThread()) {
            // An executor that runs tasks on the caller's thread would block the whole reactor.
            handlerFailed(new IllegalStateException("the executor ran a blocking handler on the loop "
                    + "thread; give BlockingHandlerFactory an executor with threads of its own"));
            return;
        }
        if (lost) {
            // Queued behind busy workers while the connection ended: nothing left to serve.
            return;
        }
        try {
            handler.handle(this);
        } catch (Throwable error) {
            handlerFailed(error);
            Failures.rethrowIfFatal(error);
            return;
        }
        close();
    }

    private void handlerFailed(Throwable error) {
        closeRequested.set(true);
        input.close();
        output.fail("the blocking handler failed: " + error);
        // Read on the worker, before the hop: an IOException caused by the loss itself is noise.
        boolean causedByLoss = lost && error instanceof IOException;
        reactor.callFromThread(() -> {
            if (causedByLoss) {
                return;
            }
            reactor.reportError("blocking handler " + handler + " on " + describe(), error);
            if (!lost) {
                transport.abortConnection();
            }
        });
    }

    // ------------------------------------------------------------------ BlockingConnection

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public SocketAddress getPeer() {
        return peer;
    }

    @Override
    public SocketAddress getHost() {
        return host;
    }

    @Override
    public void close() {
        if (closeRequested.compareAndSet(false, true)) {
            input.close();
            output.closeQuietly();
            reactor.callFromThread(finishTask);
        }
    }

    private String describe() {
        return host + " <-> " + peer;
    }

    // ------------------------------------------------------------------ observation, for tests

    InboundStream inbound() {
        return input;
    }

    OutboundStream outbound() {
        return output;
    }

    @Override
    public String toString() {
        return "ThreadedConnection[" + handler + " on " + describe() + "]";
    }
}
