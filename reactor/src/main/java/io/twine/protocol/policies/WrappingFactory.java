package io.twine.protocol.policies;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * A factory that puts a {@link ProtocolWrapper} around every protocol another factory builds
 * (Twisted's {@code policies.WrappingFactory}): the base of idle timeouts, throttling,
 * connection limits and TLS. A subclass overrides {@link #wrapProtocol} to choose its wrapper.
 *
 * <p>Everything else is the wrapped factory's: a null from its {@code buildProtocol} refuses
 * the connection, {@code startFactory} / {@code stopFactory} and the write-buffer cap are passed
 * to it, and so are the client callbacks when it is a {@link ClientFactory} (a
 * {@code ReconnectingClientFactory} inside keeps reconnecting). It counts its wrappers from
 * {@code makeConnection} to {@code connectionLost}: {@link #openConnections()}.
 *
 * <p>Thread: loop only.
 */
public class WrappingFactory extends ClientFactory {

    private final Factory wrapped;
    private int openConnections;

    /**
     * A factory that wraps each protocol {@code wrapped} builds.
     *
     * @param wrapped builds the protocols to wrap
     */
    public WrappingFactory(Factory wrapped) {
        this.wrapped = Objects.requireNonNull(wrapped, "wrapped");
    }

    /**
     * The factory whose protocols are wrapped.
     *
     * @return the factory given at construction
     */
    public final Factory wrappedFactory() {
        return wrapped;
    }

    /**
     * Connections made through this factory whose {@code connectionLost} has not run yet.
     *
     * @return the count, on the loop thread
     */
    public final int openConnections() {
        return openConnections;
    }

    /** The wrapped factory's protocol inside {@link #wrapProtocol}'s wrapper, or null if it refused. */
    @Override
    public Protocol buildProtocol(SocketAddress peer) {
        Protocol inner = wrapped.buildProtocol(peer);
        if (inner == null) {
            return null;
        }
        ProtocolWrapper wrapper = wrapProtocol(inner);
        wrapper.factory = this;
        return wrapper;
    }

    /**
     * The wrapper for one new connection's protocol; the default passes everything through.
     *
     * @param inner the protocol {@code wrappedFactory()} built
     * @return a new wrapper around {@code inner}
     */
    protected ProtocolWrapper wrapProtocol(Protocol inner) {
        return new ProtocolWrapper(inner);
    }

    void connectionOpened() {
        openConnections++;
    }

    void connectionClosed() {
        openConnections--;
    }

    @Override
    public void startFactory() {
        wrapped.doStart();
    }

    @Override
    public void stopFactory() {
        wrapped.doStop();
    }

    @Override
    public long getMaxWriteBufferSize() {
        return wrapped.getMaxWriteBufferSize();
    }

    @Override
    public void setMaxWriteBufferSize(long maxBytes) {
        wrapped.setMaxWriteBufferSize(maxBytes);
    }

    @Override
    public void startedConnecting(Connector connector) {
        if (wrapped instanceof ClientFactory) {
            ((ClientFactory) wrapped).startedConnecting(connector);
        }
    }

    @Override
    public void clientConnectionFailed(Connector connector, Reason reason) {
        if (wrapped instanceof ClientFactory) {
            ((ClientFactory) wrapped).clientConnectionFailed(connector, reason);
        }
    }

    @Override
    public void clientConnectionLost(Connector connector, Reason reason) {
        if (wrapped instanceof ClientFactory) {
            ((ClientFactory) wrapped).clientConnectionLost(connector, reason);
        }
    }
}
