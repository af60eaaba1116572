package io.twine.transport.tls;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.net.SocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The factory {@link Tls#server} and {@link Tls#client} return: each protocol the wrapped factory
 * builds gets a {@link TlsLayer} between it and the connection. {@code startFactory},
 * {@code stopFactory} and the write-buffer cap are the wrapped factory's; the client callbacks are
 * passed on when it is a {@link ClientFactory}, with one change: a connection whose handshake
 * failed, which the wrapped protocol never saw, is reported as a failed connect.
 *
 * <p>Thread: loop only.
 */
final class TlsFactory extends ClientFactory {

    private final TlsLoop loop;
    private final TlsOptions options;
    private final String serverHostName;
    private final Factory wrapped;
    /**
     * Connections that ended before their protocol's connectionMade: the reason the connector will
     * report (by identity) and the one to pass on.
     */
    private final Map<Reason, Reason> endedBeforeConnectionMade = new IdentityHashMap<>();

    TlsFactory(TlsLoop loop, TlsOptions options, String serverHostName, Factory wrapped) {
        this.loop = loop;
        this.options = options;
        this.serverHostName = serverHostName;
        this.wrapped = wrapped;
    }

    @Override
    public Protocol buildProtocol(SocketAddress peer) {
        Protocol inner = wrapped.buildProtocol(peer);
        if (inner == null) {
            return null;
        }
        return new TlsLayer(loop, options, inner, serverHostName, wrapped.getMaxWriteBufferSize(), false,
                options.isClient() ? endedBeforeConnectionMade::put : null);
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
        Reason handshakeFailure = endedBeforeConnectionMade.remove(reason);
        if (wrapped instanceof ClientFactory) {
            if (handshakeFailure != null) {
                ((ClientFactory) wrapped).clientConnectionFailed(connector, handshakeFailure);
            } else {
                ((ClientFactory) wrapped).clientConnectionLost(connector, reason);
            }
        }
    }
}
