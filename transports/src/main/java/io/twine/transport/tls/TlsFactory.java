package io.twine.transport.tls;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.policies.ProtocolWrapper;
import io.twine.protocol.policies.WrappingFactory;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The factory {@link Tls#server} and {@link Tls#client} return: a {@link WrappingFactory} whose
 * wrapper is a {@link TlsLayer}. One change to the client callbacks it passes on: a connection
 * whose handshake failed, which the wrapped protocol never saw, is reported as a failed connect.
 *
 * <p>Thread: loop only.
 */
final class TlsFactory extends WrappingFactory {

    private final TlsLoop loop;
    private final TlsOptions options;
    private final String serverHostName;
    /**
     * Connections that ended before their protocol's connectionMade: the reason the connector will
     * report (by identity) and the one to pass on.
     */
    private final Map<Reason, Reason> endedBeforeConnectionMade = new IdentityHashMap<>();

    TlsFactory(TlsLoop loop, TlsOptions options, String serverHostName, Factory wrapped) {
        super(wrapped);
        this.loop = loop;
        this.options = options;
        this.serverHostName = serverHostName;
    }

    @Override
    protected ProtocolWrapper wrapProtocol(Protocol inner) {
        return new TlsLayer(loop, options, inner, serverHostName, wrappedFactory().getMaxWriteBufferSize(), false,
                options.isClient() ? endedBeforeConnectionMade::put : null);
    }

    @Override
    public void clientConnectionLost(Connector connector, Reason reason) {
        Reason handshakeFailure = endedBeforeConnectionMade.remove(reason);
        if (handshakeFailure != null) {
            clientConnectionFailed(connector, handshakeFailure);
        } else {
            super.clientConnectionLost(connector, reason);
        }
    }
}
