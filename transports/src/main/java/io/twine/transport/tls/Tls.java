package io.twine.transport.tls;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.SwitchableTransport;
import io.twine.protocol.Transport;
import io.twine.reactor.EventLoop;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * TLS over any stream transport, with the JDK's {@code SSLEngine} and no dependency:
 * <pre>{@code
 * TlsOptions tls = TlsOptions.server(Path.of("chain.pem"), Path.of("key.pem")).build();
 * Tcp.listen(reactor, address, Tls.server(reactor, tls, factory));
 *
 * TlsOptions trust = TlsOptions.client().trustRoots(Path.of("ca.pem")).build();
 * Tcp.connect(reactor, address, Tls.client(reactor, trust, "example.com", clientFactory));
 * }</pre>
 * The protocols of the wrapped factory see a {@link TlsTransport}; their {@code connectionMade}
 * comes once the handshake has finished, so the peer is verified before they write a byte.
 *
 * <p>Thread: loop only, or before the reactor runs.
 */
public final class Tls {

    private Tls() {}

    /**
     * Wraps {@code factory} so that every connection it serves speaks TLS as a server.
     *
     * @param reactor the loop the connections live on
     * @param options server options: key, certificates, versions
     * @param factory builds the protocol that reads and writes plaintext
     * @return a factory to listen with
     */
    public static Factory server(EventLoop reactor, TlsOptions options, Factory factory) {
        return server(TlsLoop.of(reactor), options, factory);
    }

    static Factory server(TlsLoop loop, TlsOptions options, Factory factory) {
        if (options.isClient()) {
            throw new IllegalArgumentException("Tls.server needs server options, got client options");
        }
        return new TlsFactory(loop, options, null, factory);
    }

    /**
     * Wraps {@code factory} so that its connections speak TLS as a client of {@code serverHostName}:
     * the name the server's certificate must carry (unless the options skip verification), sent with
     * SNI. A handshake that fails reaches {@link ClientFactory#clientConnectionFailed}, as a refused
     * connect would.
     *
     * @param reactor the loop the connections live on
     * @param options client options: trust roots, versions
     * @param serverHostName the server's name, checked and sent with SNI
     * @param factory builds the protocol that reads and writes plaintext
     * @return a client factory to connect with
     */
    public static ClientFactory client(EventLoop reactor, TlsOptions options, String serverHostName, Factory factory) {
        return client(TlsLoop.of(reactor), options, serverHostName, factory);
    }

    static ClientFactory client(TlsLoop loop, TlsOptions options, String serverHostName, Factory factory) {
        if (!options.isClient()) {
            throw new IllegalArgumentException("Tls.client needs client options, got server options");
        }
        Objects.requireNonNull(serverHostName, "serverHostName");
        return new TlsFactory(loop, options, serverHostName, factory);
    }

    /**
     * For a protocol that a {@link #server} or {@link #client} factory built (the TLS layer
     * around the wrapped factory's protocol): a future that completes on the loop with the wrapped
     * protocol once the handshake has finished and its {@code connectionMade} has run, or with an
     * {@link javax.net.ssl.SSLException} carrying the reason if the connection ended before. This
     * is how {@code Endpoints.client} hands back the protocol of a {@code tls:} endpoint.
     *
     * @param layer the protocol a TLS factory built
     * @return completed on the loop thread once the handshake has finished, or failed
     * @throws IllegalArgumentException if {@code layer} is not such a protocol
     */
    public static CompletableFuture<Protocol> whenConnected(Protocol layer) {
        if (!(layer instanceof TlsLayer)) {
            throw new IllegalArgumentException("not built by a Tls factory: " + layer);
        }
        return ((TlsLayer) layer).whenConnected();
    }

    /**
     * Starts TLS on {@code protocol}'s live connection (STARTTLS): from now on it reads and writes
     * through a TLS layer, which becomes its transport; bytes it wrote before go out first, in
     * plaintext. It hears {@link TlsHandshakeListener#handshakeCompleted()} once the handshake has
     * finished, and {@code connectionLost} if it fails. Call it from one of the protocol's own
     * callbacks.
     *
     * @param serverHostName for client options, the name to verify and send with SNI; ignored for server options
     * @param reactor the loop the connection lives on
     * @param protocol the protocol whose connection switches to TLS
     * @param options client or server options, which decide the side this end takes
     * @return the protocol's new transport
     * @throws IllegalArgumentException if the protocol's transport cannot hand its connection over
     *     (it is not a {@link SwitchableTransport}, as TCP's and the test kit's are)
     */
    public static TlsTransport startTls(EventLoop reactor, Protocol protocol, TlsOptions options, String serverHostName) {
        return startTls(TlsLoop.of(reactor), protocol, options, serverHostName);
    }

    static TlsTransport startTls(TlsLoop loop, Protocol protocol, TlsOptions options, String serverHostName) {
        Transport current = protocol.transport();
        if (!(current instanceof SwitchableTransport)) {
            throw new IllegalArgumentException("cannot start TLS over " + current
                    + ": the transport cannot hand its connection to another protocol");
        }
        if (options.isClient()) {
            Objects.requireNonNull(serverHostName, "serverHostName");
        }
        TlsLayer layer = new TlsLayer(loop, options, protocol, options.isClient() ? serverHostName : null,
                Factory.DEFAULT_MAX_WRITE_BUFFER_SIZE, true, null);
        ((SwitchableTransport) current).switchProtocol(layer);
        protocol.switchTransport(layer);
        layer.makeConnection(current);
        return layer;
    }
}
