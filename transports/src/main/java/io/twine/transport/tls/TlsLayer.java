package io.twine.transport.tls;

import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.Transport;
import io.twine.protocol.policies.ProtocolWrapper;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.spi.BeforeNextSelect;
import io.twine.reactor.spi.ChunkPool;
import io.twine.reactor.spi.Failures;
import io.twine.reactor.spi.FlowControl;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * TLS between a stream transport and a protocol, on the {@link ProtocolWrapper} base: towards the
 * transport under it (TCP, or the test kit's fake one) it is a {@link Protocol} that receives and sends records; towards the
 * user's protocol it is a {@link TlsTransport} that carries plaintext (Twisted's
 * {@code TLSMemoryBIOProtocol}, Netty's {@code SslHandler}). One {@link SSLEngine} does the
 * cryptography.
 *
 * <p><b>Reading.</b> Records are unwrapped straight from the transport's read buffer; as many as
 * fit go into the loop's one unwrap buffer and reach {@code dataReceived} together. Only the
 * start of a record whose end has not arrived is copied, into a pooled stash.
 *
 * <p><b>Writing.</b> The protocol's writes are copied into pooled chunks and wrapped when the
 * current event ends (or at the loop's flush, for writes from timers and other connections):
 * all writes of one callback become as few 16 KiB records as they fill, and reach the transport
 * in one write, so they leave in one gathering write.
 *
 * <p><b>Flow control.</b> The water marks and the hard cap count plaintext waiting here plus
 * ciphertext waiting in the transport. Records are wrapped only while the transport holds less
 * than the high-water mark; the transport calls back (this layer is its pull producer) each time
 * it has drained. Pausing the protocol's reading pauses the transport's. The plaintext's chunks
 * come from the reactor's pool and count against its outbound memory budget: once the budget is
 * used up, a write that would take this connection past its high-water mark closes it, as a
 * plain TCP connection's does.
 *
 * <p><b>The handshake</b> runs before the protocol hears of the connection: its
 * {@code connectionMade} comes once the peer is verified (after {@link Tls#startTls} the protocol
 * already had it, and hears {@link TlsHandshakeListener#handshakeCompleted()}). The engine's slow
 * tasks run on a worker; ciphertext that arrives meanwhile waits in the stash, with the
 * transport's reading paused; the handshake times out.
 *
 * <p><b>Closing.</b> {@code loseConnection} wraps what is queued, sends {@code close_notify} and
 * closes the transport. The peer's {@code close_notify} is a clean close; end of stream without it
 * is a truncation ({@link Reason.Kind#RESET}). Everything ends in {@link #connectionLost}, which
 * the transport calls once, and which calls the protocol's once.
 *
 * <p>Thread: loop only.
 */
final class TlsLayer extends ProtocolWrapper implements TlsTransport, BeforeNextSelect {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** The most ciphertext held while reading is paused; a transport that honours pausing stays far below. */
    private static final int MAX_STASH = 256 * 1024;

    private final TlsLoop loop;
    private final TlsBuffers buffers;
    private final TlsOptions options;
    private final String serverHostName;
    private final PlaintextQueue plaintext;
    /**
     * Told the transport's reason and the protocol's when the connection ends before the protocol
     * heard of it (a failed handshake).
     */
    private final BiConsumer<Reason, Reason> beforeConnectionMade;
    private final Producer writeSide = new WriteSide();

    private SSLEngine engine;
    /** Completed when the protocol is connected or the connection has ended before; made when asked for. */
    private CompletableFuture<Protocol> connected;
    private Reason endedBeforeHandshake;
    /** Ciphertext kept between reads, between position and limit; null while there is none. */
    private ByteBuffer stash;
    private DelayedCall handshakeTimer;

    private boolean userConnected;
    /** Made by startTLS, around a protocol that was connected already (and that no factory counts). */
    private final boolean startedMidConnection;
    private boolean handshakeDone;
    private boolean tls12;
    private boolean taskRunning;
    private boolean insideEvent;
    private boolean flushRequested;
    private boolean readingPaused;
    private boolean transportReadingPaused;
    private boolean closeRequested;
    /** What the protocol hears once a requested close is done: we closed, or we answered the peer's close_notify. */
    private Reason closingReason = Reason.closedByUs();
    private boolean writeCloseRequested;
    private boolean closeNotifySent;
    private boolean peerCloseNotifyReceived;
    private boolean failed;
    private boolean finished;

    /** The user's producer and the water marks, counted in plaintext and records together. */
    private final FlowControl flow = new FlowControl();
    private long maxWriteBufferSize;

    /**
     * @param serverHostName for a client, the name to verify and send with SNI; null on a server
     * @param alreadyConnected true after startTLS: {@code user} has had {@code connectionMade}
     */
    TlsLayer(TlsLoop loop, TlsOptions options, Protocol user, String serverHostName, long maxWriteBufferSize,
            boolean alreadyConnected, BiConsumer<Reason, Reason> beforeConnectionMade) {
        super(user);
        this.loop = loop;
        this.buffers = loop.buffers();
        this.options = options;
        this.serverHostName = serverHostName;
        this.maxWriteBufferSize = maxWriteBufferSize;
        this.userConnected = alreadyConnected;
        this.startedMidConnection = alreadyConnected;
        this.beforeConnectionMade = beforeConnectionMade;
        this.plaintext = new PlaintextQueue(loop.chunkPool());
    }

    // ------------------------------------------------------------------ towards the transport

    /** The transport under this layer connected: start the handshake. */
    @Override
    public void connectionMade() {
        Transport connection = transport;
        engine = options.newEngine(serverHostName, connection.getPeer());
        connection.setWriteBufferLimits(flow.highWaterMark(), flow.lowWaterMark());
        connection.registerProducer(writeSide, false);
        handshakeTimer = loop.scheduler().callLater(options.handshakeTimeout(), this::handshakeTimedOut);
        insideEvent = true;
        try {
            engine.beginHandshake();
            processSafely(EMPTY);
        } catch (SSLException e) {
            failed(e);
        } finally {
            insideEvent = false;
        }
        wrapPlaintext();
    }

    /** The protocol is connected once the handshake has finished, not when the transport is. */
    @Override
    protected void connectWrapped() {}

    /** Records arrived: unwrap every whole one, keep the start of the next. */
    @Override
    public void dataReceived(ByteBuffer data) {
        if (failed || finished) {
            data.position(data.limit());  // the connection is closing: nothing more is read
            return;
        }
        insideEvent = true;
        try {
            if (stash == null) {
                processSafely(data);
                if (data.hasRemaining() && !finished && !failed) {
                    keep(data);
                }
            } else {
                while (data.hasRemaining() && !finished && !failed) {
                    int before = data.remaining();
                    keep(data);
                    if (data.remaining() == before && !stalled()) {
                        fail(Reason.error("a TLS record larger than " + TlsBuffers.MAX_RECORD + " bytes", null));
                        break;
                    }
                    processStash();
                    if (stalled() && !failed && !finished) {
                        keep(data);
                        break;
                    }
                }
            }
            if (taskRunning) {
                updateTransportReading();
            }
        } finally {
            insideEvent = false;
        }
        wrapPlaintext();
    }

    @Override
    public void connectionLost(Reason reason) {
        if (finished) {
            return;
        }
        finished = true;
        cancelHandshakeTimer();
        plaintext.clear();
        releaseStash();
        Reason toUser = reason;
        if (reason.kind() == Reason.Kind.CLOSED_BY_PEER && !peerCloseNotifyReceived) {
            toUser = truncated();
        } else if (peerCloseNotifyReceived && socketFailed(reason)) {
            // The peer closed cleanly and went away before our close_notify reply reached it (a
            // Unix socket fails that write with EPIPE, TCP may answer it with a reset). The peer
            // need not wait for the reply, so the close stays clean.
            toUser = Reason.closedByPeer();
        }
        Producer registered = flow.detach();
        if (registered != null) {
            try {
                registered.stopProducing();
            } catch (Throwable error) {
                Failures.rethrowIfFatal(error);
                loop.reportError("stopProducing of " + registered, error);
            }
        }
        if (!userConnected) {
            endedBeforeHandshake = toUser;
            if (beforeConnectionMade != null) {
                beforeConnectionMade.accept(reason, toUser);
            }
            if (connected != null) {
                connected.completeExceptionally(new SSLException(toUser.message(), toUser.cause()));
            }
        }
        try {
            if (startedMidConnection) {
                wrapped.connectionLost(toUser);
            } else {
                super.connectionLost(toUser);  // the protocol hears it only if its connectionMade ran
            }
        } catch (Throwable error) {
            Failures.rethrowIfFatal(error);
            loop.reportError("connectionLost of " + wrapped.getClass().getName(), error);
        }
    }

    /**
     * End of stream under TLS: clean only after the peer's {@code close_notify}; then a
     * half-closeable protocol may still be writing (TLS 1.3), otherwise the connection closes.
     */
    @Override
    public void readConnectionLost() {
        if (finished) {
            return;
        }
        if (!peerCloseNotifyReceived) {
            transport.abortConnection(truncated());
        } else if (!(wrapped instanceof HalfCloseableProtocol) || closeNotifySent || tls12) {
            transport.loseConnection(Reason.closedByPeer());
        }
    }

    /** This layer never half-closes TCP itself; the protocol hears of its own half-close from {@link #finishClosing}. */
    @Override
    public void writeConnectionLost() {}

    private static boolean socketFailed(Reason reason) {
        return reason.kind() == Reason.Kind.RESET || reason.kind() == Reason.Kind.LOST || reason.kind() == Reason.Kind.ERROR;
    }

    private static Reason truncated() {
        return Reason.reset("TLS stream truncated: the peer closed the connection without sending close_notify,"
                + " so the data may have been cut short (a truncation attack looks exactly like this)", null);
    }

    /** The engine's loop: unwrap from {@code source}, wrap handshake messages, start slow tasks. */
    private void process(ByteBuffer source) throws SSLException {
        ByteBuffer app = null;
        try {
            while (!finished && !failed && !taskRunning) {
                HandshakeStatus status = engine.getHandshakeStatus();
                if (status == HandshakeStatus.NEED_TASK) {
                    startTasks();
                    return;
                }
                if (status == HandshakeStatus.NEED_WRAP) {
                    if (!wrapHandshake()) {
                        return;
                    }
                    continue;
                }
                if ((readingPaused && handshakeDone) || engine.isInboundDone()) {
                    return;
                }
                if (!source.hasRemaining() && status != HandshakeStatus.NEED_UNWRAP_AGAIN) {
                    return;
                }
                if (app == null) {
                    app = buffers.takeUnwrapBuffer();
                }
                SSLEngineResult result = engine.unwrap(source, app);
                if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                    handshakeFinished();
                }
                switch (result.getStatus()) {
                    case OK:
                        if (handshakeDone && tls12 && isHandshaking(result.getHandshakeStatus())) {
                            refuseRenegotiation();
                            return;
                        }
                        break;
                    case BUFFER_UNDERFLOW:
                        return;
                    case BUFFER_OVERFLOW:
                        if (app.position() == 0) {
                            throw new IllegalStateException("the unwrap buffer holds less than one record");
                        }
                        deliver(app);
                        break;
                    case CLOSED:
                        deliver(app);
                        peerSentCloseNotify();
                        return;
                    default:
                        throw new AssertionError(result.getStatus());
                }
            }
        } finally {
            if (app != null) {
                deliver(app);
                buffers.releaseUnwrapBuffer(app);
            }
        }
    }

    private void processSafely(ByteBuffer source) {
        try {
            process(source);
        } catch (SSLException | RuntimeException e) {
            failed(e);
        }
    }

    private static boolean isHandshaking(HandshakeStatus status) {
        return status == HandshakeStatus.NEED_TASK || status == HandshakeStatus.NEED_WRAP
                || status == HandshakeStatus.NEED_UNWRAP;
    }

    /** Hands the unwrapped plaintext to the protocol, unless it asked to close. */
    private void deliver(ByteBuffer app) {
        if (app.position() == 0) {
            return;
        }
        app.flip();
        if (userConnected && !closeRequested && !finished) {
            try {
                wrapped.dataReceived(app);
            } catch (Throwable error) {
                callbackFailed("dataReceived", error);
            }
        }
        app.clear();
    }

    /** Wraps one handshake (or alert, or close_notify) message; false when there was nothing to send. */
    private boolean wrapHandshake() throws SSLException {
        ByteBuffer out = buffers.wrapBuffer();
        SSLEngineResult result = engine.wrap(EMPTY, out);
        boolean produced = sendWrapped(out);
        if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            handshakeFinished();
        }
        return produced && result.getStatus() == SSLEngineResult.Status.OK;
    }

    private boolean sendWrapped(ByteBuffer out) {
        out.flip();
        if (!out.hasRemaining()) {
            return false;
        }
        transport.write(out);
        return true;
    }

    private void handshakeFinished() {
        if (handshakeDone) {
            return;
        }
        handshakeDone = true;
        cancelHandshakeTimer();
        tls12 = "TLSv1.2".equals(engine.getSession().getProtocol());
        if (!userConnected) {
            userConnected = true;
            try {
                super.connectWrapped();
            } catch (Throwable error) {
                callbackFailed("connectionMade", error);
                return;
            }
            if (connected != null) {
                connected.complete(wrapped);
            }
        }
        if (wrapped instanceof TlsHandshakeListener && !finished) {
            try {
                ((TlsHandshakeListener) wrapped).handshakeCompleted();
            } catch (Throwable error) {
                callbackFailed("handshakeCompleted", error);
            }
        }
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
    }

    private void peerSentCloseNotify() {
        peerCloseNotifyReceived = true;
        if (wrapped instanceof HalfCloseableProtocol && !tls12 && !closeNotifySent && userConnected) {
            // TLS 1.3 closes each direction on its own: the protocol may go on writing.
            try {
                ((HalfCloseableProtocol) wrapped).readConnectionLost();
            } catch (Throwable error) {
                callbackFailed("readConnectionLost", error);
            }
            return;
        }
        if (!handshakeDone || closeNotifySent) {
            // Both sides have said close_notify now (ours went first, after loseWriteConnection):
            // the connection is done, whether or not the peer closes its socket.
            sendCloseNotify();
            transport.loseConnection(Reason.closedByPeer());
            return;
        }
        // Answer with our own close_notify once what the protocol wrote is wrapped (at the end of this event).
        closeRequested = true;
        closingReason = Reason.closedByPeer();
    }

    private void refuseRenegotiation() {
        fail(Reason.error("the peer tried to renegotiate a TLS 1.2 session: renegotiation is refused", null));
    }

    private void handshakeTimedOut() {
        handshakeTimer = null;
        if (!handshakeDone && !finished) {
            Reason reason = Reason.timedOut("the TLS handshake did not finish within " + options.handshakeTimeout());
            failed = true;
            transport.abortConnection(reason);
        }
    }

    // ------------------------------------------------------------------ slow engine tasks

    /**
     * Reading goes on while the tasks run: a handshake peer waits for our answer, so nothing
     * arrives in the normal case and pausing the socket would only cost two interest changes (on
     * Linux an {@code epoll_ctl} each) per handshake. Ciphertext that does arrive meanwhile is kept
     * in the stash, and reading pauses then, until the tasks are done ({@link #updateTransportReading}).
     */
    private void startTasks() {
        taskRunning = true;
        loop.runOffLoop(this::runDelegatedTasks, this::tasksDone);
    }

    /** On a worker thread: certificate checks, key exchange. */
    private void runDelegatedTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private void tasksDone() {
        taskRunning = false;
        if (finished) {
            return;
        }
        insideEvent = true;
        try {
            if (stash != null) {
                processStash();
            } else {
                processSafely(EMPTY);
            }
            updateTransportReading();
        } finally {
            insideEvent = false;
        }
        wrapPlaintext();
    }

    // ------------------------------------------------------------------ the stash

    /** True when processing stopped before the ciphertext ran out: paused, busy or closed. */
    private boolean stalled() {
        return finished || failed || taskRunning || (readingPaused && handshakeDone);
    }

    /**
     * Copies what is left of {@code data} into the stash: all of it when processing has stalled,
     * otherwise as much as fits (the rest is unwrapped from the stash first).
     */
    private void keep(ByteBuffer data) {
        if (stash == null) {
            stash = buffers.takeStash();
            stash.limit(0);
        }
        stash.compact();
        if (data.remaining() > stash.remaining() && stalled()) {
            int needed = stash.position() + data.remaining();
            if (needed > MAX_STASH) {
                stash.flip();
                fail(Reason.limitExceeded("more than " + MAX_STASH + " bytes of TLS records arrived while reading was paused"));
                data.position(data.limit());
                return;
            }
            ByteBuffer bigger = ByteBuffer.allocate(needed);
            stash.flip();
            bigger.put(stash);
            buffers.giveStash(stash);
            stash = bigger;
        }
        int n = Math.min(data.remaining(), stash.remaining());
        stash.put(stash.position(), data, data.position(), n);
        stash.position(stash.position() + n);
        data.position(data.position() + n);
        stash.flip();
    }

    private void processStash() {
        processSafely(stash);
        if (stash != null && !stash.hasRemaining()) {
            releaseStash();
        }
    }

    private void releaseStash() {
        if (stash != null) {
            buffers.giveStash(stash);
            stash = null;
        }
    }

    // ------------------------------------------------------------------ wrapping what the protocol wrote

    /** Wraps queued plaintext while the transport is below its high-water mark; finishes a close. */
    private void wrapPlaintext() {
        if (!handshakeDone || finished || failed || closeNotifySent) {
            return;
        }
        try {
            while (!plaintext.isEmpty() && transport.getWriteBufferSize() < flow.highWaterMark()) {
                ByteBuffer out = buffers.wrapBuffer();
                SSLEngineResult result;
                do {
                    result = plaintext.wrapInto(engine, out);
                } while (result.getStatus() == SSLEngineResult.Status.OK && result.bytesConsumed() > 0
                        && !plaintext.isEmpty());
                sendWrapped(out);
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    plaintext.clear();
                } else if (result.bytesConsumed() == 0 && result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    break;  // the engine is busy with a post-handshake message first
                }
            }
        } catch (SSLException | RuntimeException e) {
            failed(e);
            return;
        }
        if (plaintext.isEmpty()) {
            finishClosing();
        }
        if (!finished) {
            try {
                flow.drained(getWriteBufferSize());
            } catch (Throwable error) {
                callbackFailed("resumeProducing", error);
            }
        }
    }

    private void finishClosing() {
        if (closeRequested) {
            sendCloseNotify();
            transport.loseConnection(closingReason);
        } else if (writeCloseRequested && !closeNotifySent) {
            sendCloseNotify();
            if (peerCloseNotifyReceived) {
                transport.loseConnection(Reason.closedByPeer());
            } else if (wrapped instanceof HalfCloseableProtocol) {
                try {
                    ((HalfCloseableProtocol) wrapped).writeConnectionLost();
                } catch (Throwable error) {
                    callbackFailed("writeConnectionLost", error);
                }
            }
        }
    }

    private void sendCloseNotify() {
        if (closeNotifySent) {
            return;
        }
        closeNotifySent = true;
        engine.closeOutbound();
        try {
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                ByteBuffer out = buffers.wrapBuffer();
                engine.wrap(EMPTY, out);
                if (!sendWrapped(out)) {
                    break;
                }
            }
        } catch (SSLException e) {
            // The engine has failed already; the transport closes anyway.
        }
    }

    /** Just before the loop's next select: writes made outside this connection's own events are wrapped here, once per turn. */
    @Override
    public void runBeforeSelect() {
        flushRequested = false;
        wrapPlaintext();
    }

    /** The transport's pull producer: called each time the transport has drained to its low-water mark. */
    private final class WriteSide implements Producer {
        @Override
        public void resumeProducing() {
            wrapPlaintext();
        }

        @Override
        public void pauseProducing() {}

        @Override
        public void stopProducing() {}
    }

    // ------------------------------------------------------------------ failures

    /** The engine threw: say what went wrong, send its alert if it has one, and close. */
    private void failed(Exception e) {
        String what = handshakeDone ? "TLS error: " : "TLS handshake failed: ";
        fail(Reason.error(what + e.getMessage(), e));
    }

    private void fail(Reason reason) {
        if (failed || finished) {
            return;
        }
        failed = true;
        plaintext.clear();
        if (!engine.isOutboundDone()) {
            engine.closeOutbound();
        }
        try {
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                ByteBuffer out = buffers.wrapBuffer();
                engine.wrap(EMPTY, out);
                if (!sendWrapped(out)) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException alertFailed) {
            // Nothing more to tell the peer; close regardless.
        }
        transport.loseConnection(reason);
    }

    private void callbackFailed(String callback, Throwable error) {
        Failures.rethrowIfFatal(error);
        loop.reportError(callback + " of " + wrapped.getClass().getName(), error);
        failed(error);
    }

    /** A callback of this connection failed (and was reported): abort it, dropping what is queued. */
    @Override
    public void failed(Throwable error) {
        failed = true;
        plaintext.clear();
        transport.abortConnection(Reason.error(error));
    }

    // ------------------------------------------------------------------ Transport towards the protocol

    @Override
    public void write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (acceptsWrite(length)) {
            queued(plaintext.append(data, offset, length), length);
        }
    }

    @Override
    public void write(ByteBuffer data) {
        int length = data.remaining();
        if (acceptsWrite(length)) {
            queued(plaintext.append(data), length);
        }
        data.position(data.limit());
    }

    @Override
    public void writeSequence(ByteBuffer... data) {
        long total = 0;
        for (ByteBuffer buffer : data) {
            total += buffer.remaining();
        }
        if (acceptsWrite(total)) {
            boolean allQueued = true;
            for (ByteBuffer buffer : data) {
                allQueued = allQueued && plaintext.append(buffer);
            }
            queued(allQueued, total);
        }
    }

    private boolean acceptsWrite(long length) {
        if (finished || failed || closeRequested || writeCloseRequested) {
            return false;
        }
        long queued = getWriteBufferSize();
        if (queued + length > maxWriteBufferSize) {
            return refuse("outbound buffer would reach " + (queued + length)
                    + " bytes (plaintext and records), above the cap of " + maxWriteBufferSize + " bytes");
        }
        // The reactor's outbound budget, as on plain TCP: the plaintext waits in the same pool's chunks.
        ChunkPool pool = loop.chunkPool();
        if (pool.wouldExceedBudget(length) && queued + length > flow.highWaterMark()) {
            return refuse("the reactor's outbound memory budget of " + pool.budget() + " bytes is used up ("
                    + pool.bytesInUse() + " bytes in use) and this connection would hold " + (queued + length)
                    + " bytes (plaintext and records), above its high-water mark of " + flow.highWaterMark());
        }
        return true;
    }

    /** Drops what is queued and aborts: the write that asked for more than the limits allow is refused. */
    private boolean refuse(String limit) {
        failed = true;
        plaintext.clear();
        transport.abortConnection(Reason.limitExceeded(limit
                + ": the peer is not reading and the protocol ignores flow control"));
        return false;
    }

    /** After an append: {@code complete} is false when the JVM's direct memory ran out, which closes this connection. */
    private void queued(boolean complete, long length) {
        if (complete) {
            written();
            return;
        }
        failed = true;
        long queuedBytes = plaintext.size();
        plaintext.clear();
        transport.abortConnection(Reason.limitExceeded("no direct memory left to queue " + length
                + " more bytes of plaintext (" + queuedBytes + " bytes queued, " + loop.chunkPool().bytesInUse()
                + " in use by the reactor)"));
    }

    private void written() {
        requestFlush();
        try {
            flow.queued(getWriteBufferSize());
        } catch (Throwable error) {
            callbackFailed("pauseProducing", error);
        }
    }

    /** Inside one of this connection's events the wrap happens as the event ends; elsewhere at the loop's flush. */
    private void requestFlush() {
        if (!insideEvent && !flushRequested) {
            flushRequested = true;
            loop.runBeforeNextSelect(this);
        }
    }

    @Override
    public void loseConnection() {
        if (finished || closeRequested || failed) {
            return;
        }
        closeRequested = true;
        if (!handshakeDone || closeNotifySent) {
            // Nothing to wrap: the handshake never finished, or loseWriteConnection has sent
            // everything and close_notify already (the wrap step stops once close_notify is out,
            // so waiting for it would leave the socket open until the peer closes).
            sendCloseNotify();
            transport.loseConnection();
            return;
        }
        requestFlush();
    }

    /**
     * The reactor stops: an established session ends as {@link #loseConnection()} ends it (the
     * queued plaintext as records, then {@code close_notify}); one still in its handshake has
     * nothing to flush and is left to the transport to close, as is one whose {@code close_notify}
     * has gone out already (after {@link #loseWriteConnection()}) or that failed.
     */
    @Override
    public boolean closeGracefully() {
        if (transport == null || !handshakeDone || closeNotifySent || failed || finished) {
            return false;
        }
        loseConnection();
        return true;
    }

    @Override
    public void abortConnection() {
        abortConnection(Reason.aborted());
    }

    @Override
    public void abortConnection(Reason reason) {
        Objects.requireNonNull(reason, "reason");
        if (finished) {
            return;
        }
        closeRequested = true;
        plaintext.clear();
        transport.abortConnection(reason);
    }

    /** Sends what is queued and then {@code close_notify}, and goes on reading (TLS 1.3 half-close). */
    @Override
    public void loseWriteConnection() {
        if (finished || closeRequested || writeCloseRequested || failed) {
            return;
        }
        writeCloseRequested = true;
        requestFlush();
    }

    @Override
    public SocketAddress getPeer() {
        return transport.getPeer();
    }

    @Override
    public SocketAddress getHost() {
        return transport.getHost();
    }

    @Override
    public boolean isConnected() {
        return !finished && !closeRequested && !failed && transport.isConnected();
    }

    @Override
    public void pauseProducing() {
        readingPaused = true;
        updateTransportReading();
    }

    @Override
    public void resumeProducing() {
        if (!readingPaused) {
            return;
        }
        readingPaused = false;
        if (!insideEvent && stash != null && !finished) {
            insideEvent = true;
            try {
                processStash();
            } finally {
                insideEvent = false;
            }
            wrapPlaintext();
        }
        updateTransportReading();
    }

    /** Pauses the transport's reading while the protocol's is paused, or while the engine is busy and ciphertext waits. */
    private void updateTransportReading() {
        boolean pause = !finished && ((taskRunning && stash != null) || readingPaused);
        if (pause != transportReadingPaused) {
            transportReadingPaused = pause;
            if (pause) {
                transport.pauseProducing();
            } else {
                transport.resumeProducing();
            }
        }
    }

    @Override
    public void stopProducing() {
        loseConnection();
    }

    @Override
    public void registerProducer(Producer newProducer, boolean streaming) {
        flow.register(newProducer, streaming, getWriteBufferSize(), finished);
    }

    @Override
    public void unregisterProducer() {
        flow.unregister();
    }

    @Override
    public void setWriteBufferLimits(long highWaterMark, long lowWaterMark) {
        flow.setLimits(highWaterMark, lowWaterMark);
        transport.setWriteBufferLimits(highWaterMark, lowWaterMark);
    }

    @Override
    public void setMaxWriteBufferSize(long maxBytes) {
        this.maxWriteBufferSize = Transport.checkMaxWriteBufferSize(maxBytes);
        transport.setMaxWriteBufferSize(maxBytes);
    }

    /** Plaintext not yet wrapped plus records the transport has not yet sent. */
    @Override
    public long getWriteBufferSize() {
        return plaintext.size() + (transport == null ? 0 : transport.getWriteBufferSize());
    }

    // ------------------------------------------------------------------ what TLS adds

    @Override
    public SSLSession session() {
        return engine.getSession();
    }

    @Override
    public String applicationProtocol() {
        String chosen = engine.getApplicationProtocol();
        return chosen == null || chosen.isEmpty() ? null : chosen;
    }

    @Override
    public String serverName() {
        return engine.getUseClientMode() ? serverHostName : LocalCertificates.requestedHostName(engine.getSession());
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : engine.getSession().getPeerCertificates()) {
                chain.add((X509Certificate) certificate);
            }
            return chain;
        } catch (SSLPeerUnverifiedException none) {
            return List.of();
        }
    }

    /** See {@link Tls#whenConnected}. */
    CompletableFuture<Protocol> whenConnected() {
        if (connected == null) {
            connected = new CompletableFuture<>();
            if (userConnected) {
                connected.complete(wrapped);
            } else if (endedBeforeHandshake != null) {
                connected.completeExceptionally(new SSLException(endedBeforeHandshake.message(), endedBeforeHandshake.cause()));
            }
        }
        return connected;
    }

    /** The engine; tests drive it into rare states (renegotiation). */
    SSLEngine engine() {
        return engine;
    }

    @Override
    public String toString() {
        return "TLS[" + wrapped.getClass().getName() + (transport != null ? " on " + transport : "") + "]";
    }
}
