package io.twine.transport.tcp;

import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.PeerCredentials;
import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.SwitchableTransport;
import io.twine.protocol.Transport;
import io.twine.reactor.spi.BeforeNextSelect;
import io.twine.reactor.spi.ChunkPool;
import io.twine.reactor.spi.Failures;
import io.twine.reactor.spi.FlowControl;
import io.twine.reactor.spi.GracefulLayer;
import io.twine.reactor.spi.IoHandler;
import io.twine.reactor.spi.Labelled;
import io.twine.reactor.spi.LoopMonitor;
import io.twine.reactor.spi.Registration;
import io.twine.reactor.spi.ShutdownParticipant;
import io.twine.reactor.spi.TransportLoop;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * One TCP connection: the {@link Transport} its protocol writes to, and the {@link IoHandler}
 * the loop dispatches its readiness to.
 *
 * <p>Reading: each read goes into the reactor's shared read buffer and is handed to
 * {@code dataReceived} at once. Writing: bytes are copied into an {@link OutboundQueue} and
 * leave in one write per flush. One write is not copied: the read buffer itself, written back
 * during its own read event into an empty queue (an echo). It is lent to the queue, the flush at
 * the end of the event sends it from the read buffer, and only what the kernel did not take is
 * copied, before the buffer is read into again (Transport.write says the caller leaves those
 * bytes alone until it returns). Writes made during this connection's own read event are flushed
 * at its end, so the reply is on its way while the loop reads the other ready connections; writes
 * made anywhere else (timers, tasks, another connection's callbacks) ask the loop for one flush
 * before the next select. {@code OP_WRITE} is on only while the kernel's buffer is full.
 *
 * <p>Everything that ends the connection goes through {@link #close(Reason)}, which closes the
 * socket at once and calls {@code connectionLost} exactly once, at the start of the loop's next
 * turn: never from inside another callback of the same protocol, whatever ended the connection
 * (an abort or a write past the hard cap made inside {@code dataReceived}, a callback that
 * threw, the peer).
 *
 * <p>Thread: loop only. In the reactor's debug mode the {@link Transport} methods check that.
 */
final class TcpConnection implements SwitchableTransport, IoHandler, BeforeNextSelect, ShutdownParticipant, Labelled {

    private static final System.Logger LOG = System.getLogger("io.twine.transport.tcp");
    static {
        // Needed only when a peer half-closes, a read or write fails, or a connection closes:
        // perhaps when the process is out of descriptors and could no longer read a class file.
        Failures.preload(HalfCloseableProtocol.class, IoErrors.class, Reason.class, OutboundQueue.class);
    }

    /** Reads per readiness event at most, so one fast peer cannot starve the others. */
    private static final int MAX_READS_PER_EVENT = 4;
    static final long DEFAULT_HIGH_WATER_MARK = FlowControl.DEFAULT_HIGH_WATER_MARK;
    static final long DEFAULT_LOW_WATER_MARK = FlowControl.DEFAULT_LOW_WATER_MARK;

    // Every field belongs to the loop thread; the Transport methods check that in debug mode.
    /** The loop this transport lives on; package-private so that tests can look at its chunk pool. */
    final TransportLoop loop;
    private final LoopMonitor monitor;
    private final Failures failures;
    private final SocketChannel channel;
    /** Not final: startTLS puts a TLS layer here mid-connection. */
    private Protocol protocol;
    private final OutboundQueue outbound;
    private final SocketAddress host;
    private final SocketAddress peer;
    /** The listener or connector that made this connection, told when it ends. */
    private final ConnectionOwner owner;
    private Registration registration;

    /** The registered producer and the water marks. */
    private final FlowControl flow = new FlowControl();
    private long maxWriteBufferSize;

    private boolean readingPaused;
    private boolean peerFinishedSending;
    private boolean disconnecting;
    /** What connectionLost gets once a loseConnection has flushed everything. */
    private Reason disconnectReason = Reason.closedByUs();
    private boolean writeShutdownRequested;
    private boolean writeShutdown;
    /** OP_WRITE is on: the kernel's buffer was full at the last flush. */
    private boolean waitingForWritable;
    /** Something was written or a close was asked for since the last flush. */
    private boolean flushRequested;
    /** In the loop's list of work to run before the next select. */
    private boolean queuedBeforeSelect;
    /** Inside this connection's own read event, whose end flushes. */
    private boolean inReadEvent;
    private boolean closed;
    /** Why the connection closed, until {@code connectionLost} has been given it. */
    private Reason pendingLoss;
    private int interestOps = -1;
    private long bytesIn;
    private long bytesOut;

    TcpConnection(TransportLoop loop, SocketChannel channel, Protocol protocol, long maxWriteBufferSize,
            ConnectionOwner owner) throws IOException {
        this.loop = loop;
        this.monitor = loop.monitor();
        this.failures = loop.failures();
        this.channel = channel;
        this.protocol = protocol;
        this.maxWriteBufferSize = maxWriteBufferSize;
        this.owner = owner;
        this.outbound = new OutboundQueue(loop.chunkPool());
        this.host = channel.getLocalAddress();
        this.peer = channel.getRemoteAddress();
    }

    /**
     * Takes over {@code existing} (a connector's registration) or registers anew, then calls the
     * protocol's {@code makeConnection}.
     */
    void start(Registration existing) throws IOException {
        if (existing != null) {
            registration = existing;
            registration.attach(this);
        } else {
            registration = loop.register(channel, 0, this);
        }
        loop.track(this);
        monitor.connectionOpened(owner instanceof TcpListener);
        updateInterest();
        try {
            protocol.makeConnection(this);
        } catch (Throwable error) {
            failures.failed(error, "connectionMade", this, this);
        }
    }

    // ------------------------------------------------------------------ readiness

    @Override
    public void ready(int readyOps) {
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            flushNow();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && !closed) {
            inReadEvent = true;
            try {
                readNow();
            } finally {
                inReadEvent = false;
            }
            // The read event ends with its own flush (Netty's channelReadComplete): waiting for the
            // flush before the next select would hold this reply until every other ready
            // connection had been read, and with 1,000 of them the peers sat idle meanwhile.
            if (flushRequested && !closed && !waitingForWritable) {
                flushNow();
            }
        }
    }

    private void readNow() {
        ByteBuffer buffer = loop.readBuffer();
        for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
            buffer.clear();
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException e) {
                close(IoErrors.reasonFor(e));
                return;
            }
            if (n < 0) {
                peerFinishedSending();
                return;
            }
            if (n == 0) {
                return;
            }
            bytesIn += n;
            monitor.bytesRead(n);
            buffer.flip();
            try {
                protocol.dataReceived(buffer);
            } catch (Throwable error) {
                failures.failed(error, "dataReceived", this, this);
                return;
            }
            // Stop when the protocol paused or closed us, or when the kernel had no more.
            if (closed || readingPaused || disconnecting || n < buffer.capacity()) {
                return;
            }
            // The buffer is read into again: an echo lent from it leaves, or is copied, first.
            if (outbound.hasLent()) {
                flushNow();
                if (closed) {
                    return;
                }
            }
        }
    }

    private void peerFinishedSending() {
        if (!(protocol instanceof HalfCloseableProtocol) || writeShutdown) {
            close(Reason.closedByPeer());
            return;
        }
        // After end of stream OP_READ stays ready forever: read interest must go, or the loop spins.
        peerFinishedSending = true;
        updateInterest();
        try {
            ((HalfCloseableProtocol) protocol).readConnectionLost();
        } catch (Throwable error) {
            failures.failed(error, "readConnectionLost", this, this);
        }
    }

    /** Just before the loop's next select: delivers a pending loss, or writes what was asked for. */
    @Override
    public void runBeforeSelect() {
        queuedBeforeSelect = false;
        if (pendingLoss != null) {
            deliverLoss();
        } else if (flushRequested && !closed && !waitingForWritable) {
            flushNow();
        }
    }

    private void flushNow() {
        flushRequested = false;
        try {
            long written = outbound.writeTo(channel);
            bytesOut += written;
            monitor.bytesWritten(written);
        } catch (IOException e) {
            close(IoErrors.reasonFor(e));
            return;
        }
        // Lent bytes never outlive the flush: the read buffer they live in is about to be reused.
        if (!outbound.copyLent()) {
            outOfDirectMemory(outbound.size());
            return;
        }
        boolean full = !outbound.isEmpty();
        if (full != waitingForWritable) {
            waitingForWritable = full;
            updateInterest();
        }
        if (!full) {
            drained();
        }
        if (!closed) {
            try {
                flow.drained(outbound.size());
            } catch (Throwable error) {
                failures.failed(error, "resumeProducing", this, this);
            }
        }
    }

    /** Everything queued has reached the kernel: finish a pending close or half-close. */
    private void drained() {
        if (disconnecting) {
            close(disconnectReason);
        } else if (writeShutdownRequested && !writeShutdown) {
            shutdownOutput();
        }
    }

    private void shutdownOutput() {
        writeShutdown = true;
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            close(IoErrors.reasonFor(e));
            return;
        }
        if (peerFinishedSending) {
            close(Reason.closedByUs());
            return;
        }
        if (protocol instanceof HalfCloseableProtocol) {
            try {
                ((HalfCloseableProtocol) protocol).writeConnectionLost();
            } catch (Throwable error) {
                failures.failed(error, "writeConnectionLost", this, this);
            }
        }
    }

    private void updateInterest() {
        if (closed) {
            return;
        }
        int ops = 0;
        if (!readingPaused && !disconnecting && !peerFinishedSending) {
            ops |= SelectionKey.OP_READ;
        }
        if (waitingForWritable) {
            ops |= SelectionKey.OP_WRITE;
        }
        if (ops != interestOps) {
            interestOps = ops;
            registration.interestOps(ops);
            monitor.interestChanged(ops);
        }
    }

    // ------------------------------------------------------------------ Transport: writing

    @Override
    public void write(byte[] data) {
        write(data, 0, data.length);
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        monitor.checkLoopThread("Transport.write");
        Objects.checkFromIndexSize(offset, length, data.length);
        if (acceptsWrite(length)) {
            queued(outbound.append(data, offset, length), length);
        }
    }

    @Override
    public void write(ByteBuffer data) {
        monitor.checkLoopThread("Transport.write");
        int length = data.remaining();
        if (acceptsWrite(length)) {
            if (data == loop.readBuffer() && inReadEvent && outbound.isEmpty()) {
                // An echo of this read event's bytes: the flush at the event's end sends them from
                // the read buffer itself, so the common case costs no copy (see the class comment).
                outbound.lend(data);
                written();
            } else {
                queued(outbound.append(data), length);
            }
        } else {
            data.position(data.limit());
        }
    }

    @Override
    public void writeSequence(ByteBuffer... data) {
        monitor.checkLoopThread("Transport.writeSequence");
        long total = 0;
        for (ByteBuffer buffer : data) {
            total += buffer.remaining();
        }
        if (acceptsWrite(total)) {
            boolean allQueued = true;
            for (ByteBuffer buffer : data) {
                allQueued = allQueued && outbound.append(buffer);
            }
            queued(allQueued, total);
        }
    }

    /** False when the write must be dropped: closing, or it would cross the hard cap (which closes). */
    private boolean acceptsWrite(long length) {
        if (closed || disconnecting || writeShutdownRequested) {
            return false;
        }
        if (outbound.size() + length > maxWriteBufferSize) {
            close(Reason.limitExceeded("outbound buffer would reach " + (outbound.size() + length)
                    + " bytes, above the cap of " + maxWriteBufferSize
                    + " bytes: the peer is not reading and the protocol ignores flow control"));
            return false;
        }
        ChunkPool pool = loop.chunkPool();
        if (pool.wouldExceedBudget(length) && outbound.size() + length > flow.highWaterMark()) {
            close(Reason.limitExceeded("the reactor's outbound memory budget of " + pool.budget()
                    + " bytes is used up (" + pool.bytesInUse() + " bytes in use) and this connection would hold "
                    + (outbound.size() + length) + " bytes, above its high-water mark of " + flow.highWaterMark()
                    + ": the peer is not reading and the protocol ignores flow control"));
            return false;
        }
        return true;
    }

    /** After an append: {@code complete} is false when the JVM's direct memory ran out, which closes this connection. */
    private void queued(boolean complete, long length) {
        if (complete) {
            written();
        } else {
            outOfDirectMemory(length);
        }
    }

    private void outOfDirectMemory(long length) {
        close(Reason.limitExceeded("no direct memory left to queue " + length + " more outbound bytes ("
                + outbound.size() + " bytes queued, " + loop.chunkPool().bytesInUse()
                + " in use by the reactor)"));
    }

    private void written() {
        requestFlush();
        try {
            flow.queued(outbound.size());
        } catch (Throwable error) {
            failures.failed(error, "pauseProducing", this, this);
        }
    }

    private void requestFlush() {
        flushRequested = true;
        // During our own read event its end flushes; with OP_WRITE on, the loop flushes when the
        // kernel has room, and asking now would only fail.
        if (!inReadEvent && !waitingForWritable) {
            runBeforeNextSelect();
        }
    }

    private void runBeforeNextSelect() {
        if (!queuedBeforeSelect) {
            queuedBeforeSelect = true;
            loop.runBeforeNextSelect(this);
        }
    }

    // ------------------------------------------------------------------ Transport: closing

    @Override
    public void loseConnection() {
        monitor.checkLoopThread("Transport.loseConnection");
        if (closed || disconnecting) {
            return;
        }
        disconnecting = true;
        updateInterest();
        // Close through the flush path, after the current callback returns: connectionLost is
        // never called from inside another callback of the same protocol.
        requestFlush();
    }

    @Override
    public void loseConnection(Reason reason) {
        monitor.checkLoopThread("Transport.loseConnection");
        Objects.requireNonNull(reason, "reason");
        if (closed || disconnecting) {
            return;
        }
        disconnectReason = reason;
        loseConnection();
    }

    @Override
    public void abortConnection() {
        monitor.checkLoopThread("Transport.abortConnection");
        close(Reason.aborted());
    }

    @Override
    public void abortConnection(Reason reason) {
        monitor.checkLoopThread("Transport.abortConnection");
        close(Objects.requireNonNull(reason, "reason"));
    }

    @Override
    public void loseWriteConnection() {
        monitor.checkLoopThread("Transport.loseWriteConnection");
        if (closed || disconnecting || writeShutdownRequested) {
            return;
        }
        writeShutdownRequested = true;
        requestFlush();
    }

    @Override
    public void failed(Throwable error) {
        close(Reason.error(error));
    }

    /** The reactor stops: a layer over this connection (TLS) closes first if it has its own goodbye to send. */
    @Override
    public void shutdown() {
        if (!(protocol instanceof GracefulLayer layer) || !layer.closeGracefully()) {
            loseConnection();
        }
    }

    @Override
    public void abort() {
        close(Reason.aborted("the reactor's shutdown grace period ended with " + outbound.size()
                + " bytes still queued"));
    }

    /**
     * Ends the connection for {@code reason}: the socket closes now, and {@code connectionLost}
     * follows at the start of the next turn (through the loop's flush step, which comes before
     * any select), so a protocol's state is never torn down in the middle of its own callback.
     */
    void close(Reason reason) {
        if (closed) {
            return;
        }
        closed = true;
        outbound.clear();
        registration.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            loop.reportError("closing " + this, e);
        }
        loop.untrack(this);
        monitor.connectionClosed(this, reason, bytesIn, bytesOut);
        if (reason.kind() == Reason.Kind.LIMIT_EXCEEDED) {
            // Once per connection (close runs once): an operator must see why a client was cut off.
            LOG.log(System.Logger.Level.WARNING, "closed the connection with " + peer + ": " + reason.message());
        }
        pendingLoss = reason;
        runBeforeNextSelect();  // even with OP_WRITE on or inside a read event: the loss is delivered before the next select
    }

    /** The only place that calls {@code connectionLost}; once, on the turn after {@link #close}. */
    private void deliverLoss() {
        Reason reason = pendingLoss;
        pendingLoss = null;
        Producer registered = flow.detach();
        if (registered != null && registered != this) {
            try {
                registered.stopProducing();
            } catch (Throwable error) {
                failures.failed(error, "stopProducing of the producer " + registered, this, null);
            }
        }
        try {
            protocol.connectionLost(reason);
        } catch (Throwable error) {
            failures.failed(error, "connectionLost", this, null);
        }
        owner.connectionClosed(this, reason);
    }

    @Override
    public Class<?> protocolClass() {
        return protocol.getClass();
    }

    @Override
    public String connectionLabel() {
        return Labelled.address(host) + " <-> " + Labelled.address(peer);
    }

    private String describe() {
        return protocol.getClass().getName() + " on " + host + " <-> " + peer;
    }

    // ------------------------------------------------------------------ Transport: the rest

    @Override
    public void switchProtocol(Protocol next) {
        monitor.checkLoopThread("SwitchableTransport.switchProtocol");
        this.protocol = Objects.requireNonNull(next, "next");
    }

    @Override
    public SocketAddress getPeer() {
        return peer;
    }

    @Override
    public SocketAddress getHost() {
        return host;
    }

    /** A Unix domain socket's peer, as the kernel recorded it; empty for TCP. */
    @Override
    public Optional<PeerCredentials> getPeerCredentials() {
        if (!Tcp.isUnixDomain(peer)) {
            return Optional.empty();
        }
        try {
            UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return Optional.of(new PeerCredentials(principal.user(), principal.group()));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();  // closed, or a platform without SO_PEERCRED
        }
    }

    @Override
    public boolean isConnected() {
        return !closed && !disconnecting;
    }

    @Override
    public void pauseProducing() {
        monitor.checkLoopThread("Transport.pauseProducing");
        readingPaused = true;
        updateInterest();
    }

    @Override
    public void resumeProducing() {
        monitor.checkLoopThread("Transport.resumeProducing");
        readingPaused = false;
        updateInterest();
    }

    @Override
    public void stopProducing() {
        loseConnection();
    }

    @Override
    public void registerProducer(Producer newProducer, boolean streaming) {
        monitor.checkLoopThread("Transport.registerProducer");
        flow.register(newProducer, streaming, outbound.size(), closed);
    }

    @Override
    public void unregisterProducer() {
        monitor.checkLoopThread("Transport.unregisterProducer");
        flow.unregister();
    }

    @Override
    public void setWriteBufferLimits(long highWaterMark, long lowWaterMark) {
        monitor.checkLoopThread("Transport.setWriteBufferLimits");
        flow.setLimits(highWaterMark, lowWaterMark);
    }

    @Override
    public void setMaxWriteBufferSize(long maxBytes) {
        monitor.checkLoopThread("Transport.setMaxWriteBufferSize");
        this.maxWriteBufferSize = Transport.checkMaxWriteBufferSize(maxBytes);
    }

    @Override
    public long getWriteBufferSize() {
        return outbound.size();
    }

    @Override
    public String toString() {
        return "TcpConnection[" + describe() + (closed ? ", closed" : "") + "]";
    }
}
