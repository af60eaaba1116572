package io.twine.protocol.policies;

import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.PeerCredentials;
import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.Transport;
import io.twine.reactor.spi.GracefulLayer;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * A layer between a transport and a protocol (Twisted's {@code policies.ProtocolWrapper}):
 * towards the transport below it is a {@link Protocol}, towards the protocol it wraps it is the
 * {@link Transport}. Everything is passed straight through; a subclass overrides what its layer
 * changes (an idle timeout resets a timer on reads and writes, a throttle counts bytes, TLS
 * turns records into plaintext and back) and calls {@code super} to pass the rest on.
 *
 * <p>Order of events: {@link #makeConnection} attaches the transport below, runs this wrapper's
 * own {@link #connectionMade()}, then calls the wrapped protocol's {@code makeConnection} with
 * this wrapper as its transport. {@link #connectionLost} reaches the wrapped protocol exactly
 * once, when the transport below reports it.
 *
 * <p><b>Half-close.</b> A wrapper is always a {@link HalfCloseableProtocol}, so that the
 * transport below tells it about end of stream whatever it wraps. When the wrapped protocol is
 * not half-closeable, {@link #readConnectionLost()} ends the connection as a plain transport
 * would ({@link Reason#closedByPeer()}, dropping what is queued).
 *
 * <p><b>Stopping.</b> When the reactor stops, the transport below asks its protocol to close
 * gracefully if it is a layer with a goodbye of its own (TLS and its {@code close_notify}). A
 * wrapper passes that question on to what it wraps, so a TLS layer inside an idle timeout, a
 * throttle or any other wrapper still ends with {@code close_notify}: its close then goes through
 * this wrapper's {@link #loseConnection(Reason)}, as any close of the wrapped protocol does.
 *
 * <p><b>Buffers.</b> The {@code ByteBuffer} given to {@link #dataReceived} belongs to whoever
 * called it (the reactor, for TCP) and is valid only during the call; a wrapper that hands the
 * wrapped protocol bytes of its own (decrypted ones, say) owns those. Writes pass the caller's
 * buffer on, and the transport below copies it, so the caller may reuse it when the call returns.
 *
 * <p>Thread: loop only, like the protocol and transport it sits between.
 */
// "exports": GracefulLayer is exported to the transports module only, which is the one caller of
// closeGracefully; user code sees a wrapper as a Protocol and a Transport, and needs nothing more.
@SuppressWarnings("exports")
public class ProtocolWrapper extends Protocol implements Transport, HalfCloseableProtocol, GracefulLayer {

    /** The protocol this wrapper is the transport of. */
    protected final Protocol wrapped;
    /** The factory that built this wrapper and counts it while connected; null when used alone. */
    WrappingFactory factory;
    private boolean counted;
    private boolean wrappedConnected;

    /**
     * A wrapper around {@code wrapped}; it is attached when the transport below calls
     * {@link #makeConnection}.
     *
     * @param wrapped the protocol that gets every event this wrapper passes on
     */
    public ProtocolWrapper(Protocol wrapped) {
        this.wrapped = Objects.requireNonNull(wrapped, "wrapped");
    }

    /**
     * The protocol inside this wrapper.
     *
     * @return the wrapped protocol, never null
     */
    public final Protocol wrappedProtocol() {
        return wrapped;
    }

    // ------------------------------------------------------------------ towards the transport below

    /**
     * Attaches {@code transport}, runs this wrapper's {@link #connectionMade()}, then connects the
     * wrapped protocol to this wrapper. Called once, by the transport below.
     */
    @Override
    public void makeConnection(Transport transport) {
        super.makeConnection(transport);
        if (factory != null) {
            factory.connectionOpened();
            counted = true;
        }
        connectWrapped();
    }

    /**
     * Connects the wrapped protocol to this wrapper; {@link #makeConnection} calls it at once. A
     * layer that must first finish something of its own (TLS: the handshake) overrides it to wait,
     * and calls {@code super.connectWrapped()} when ready. {@link #connectionLost} reaches the
     * wrapped protocol only if this ran.
     */
    protected void connectWrapped() {
        wrappedConnected = true;
        wrapped.makeConnection(this);
    }

    /** Passes {@code data} to the wrapped protocol. */
    @Override
    public void dataReceived(ByteBuffer data) {
        wrapped.dataReceived(data);
    }

    /**
     * Passes the end of the connection to the wrapped protocol, if it was connected. Called once,
     * by the transport below.
     */
    @Override
    public void connectionLost(Reason reason) {
        if (counted) {
            counted = false;
            factory.connectionClosed();
        }
        if (wrappedConnected) {
            wrapped.connectionLost(reason);
        }
    }

    /**
     * The peer has finished sending: passed on to a half-closeable wrapped protocol; any other
     * gets the connection closed with {@link Reason#closedByPeer()}, as a plain transport does.
     */
    @Override
    public void readConnectionLost() {
        if (wrapped instanceof HalfCloseableProtocol) {
            ((HalfCloseableProtocol) wrapped).readConnectionLost();
        } else {
            transport.abortConnection(Reason.closedByPeer());
        }
    }

    /** Passed on to a half-closeable wrapped protocol. */
    @Override
    public void writeConnectionLost() {
        if (wrapped instanceof HalfCloseableProtocol) {
            ((HalfCloseableProtocol) wrapped).writeConnectionLost();
        }
    }

    /**
     * The reactor stops: passed on to the wrapped protocol if it is a layer with a graceful close
     * of its own (TLS); a layer that has one overrides this. Called at most once, by the transport
     * below, on the loop thread.
     *
     * @return true if a layer inside began its graceful close, which ends by closing this
     *     wrapper's transport; false if the transport should close itself as usual
     */
    @Override
    public boolean closeGracefully() {
        return wrapped instanceof GracefulLayer && ((GracefulLayer) wrapped).closeGracefully();
    }

    // ------------------------------------------------------------------ towards the wrapped protocol

    /**
     * Same as {@code write(data, 0, data.length)}, so a subclass overrides three writes, not four.
     * An override of {@code write(byte[], int, int)} passes bytes on with that same three-argument
     * {@code super.write}: this one would come back to it.
     */
    @Override
    public final void write(byte[] data) {
        write(data, 0, data.length);
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        transport.write(data, offset, length);
    }

    @Override
    public void write(ByteBuffer data) {
        transport.write(data);
    }

    @Override
    public void writeSequence(ByteBuffer... data) {
        transport.writeSequence(data);
    }

    @Override
    public void loseConnection() {
        transport.loseConnection();
    }

    @Override
    public void loseConnection(Reason reason) {
        transport.loseConnection(reason);
    }

    @Override
    public void abortConnection() {
        transport.abortConnection();
    }

    @Override
    public void abortConnection(Reason reason) {
        transport.abortConnection(reason);
    }

    @Override
    public void loseWriteConnection() {
        transport.loseWriteConnection();
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
    public Optional<PeerCredentials> getPeerCredentials() {
        return transport.getPeerCredentials();
    }

    @Override
    public boolean isConnected() {
        return transport.isConnected();
    }

    @Override
    public void pauseProducing() {
        transport.pauseProducing();
    }

    @Override
    public void resumeProducing() {
        transport.resumeProducing();
    }

    @Override
    public void stopProducing() {
        transport.stopProducing();
    }

    @Override
    public void registerProducer(Producer producer, boolean streaming) {
        transport.registerProducer(producer, streaming);
    }

    @Override
    public void unregisterProducer() {
        transport.unregisterProducer();
    }

    @Override
    public void setWriteBufferLimits(long highWaterMark, long lowWaterMark) {
        transport.setWriteBufferLimits(highWaterMark, lowWaterMark);
    }

    @Override
    public void setMaxWriteBufferSize(long maxBytes) {
        transport.setMaxWriteBufferSize(maxBytes);
    }

    @Override
    public long getWriteBufferSize() {
        return transport.getWriteBufferSize();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + wrapped + "]";
    }
}
