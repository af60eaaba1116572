package io.twine.transport.endpoints;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.reactor.EventLoop;
import io.twine.transport.tls.Tls;
import io.twine.transport.tls.TlsOptions;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Where to connect, as an endpoint string names it (Twisted's {@code clientFromString}):
 * {@code tcp:host=HOST:port=PORT[:timeout=SECONDS][:bindAddress=IP]}, or with the values in that
 * order, {@code tcp:HOST:PORT}. The host is a name or an address (IPv6 colons written
 * {@code \:}); the timeout, 30 seconds by default, bounds the whole attempt: resolving the name
 * and trying its addresses; {@code bindAddress} is the local address to connect from. A Unix domain socket is
 * {@code unix:path=PATH[:timeout=SECONDS]}, or {@code unix:PATH}. TLS over TCP is
 * {@code tls:HOST:PORT[:trustRoots=CA.pem][:timeout=SECONDS]} (Twisted's spelling): the server's
 * certificate is checked against the CA certificates of that PEM file (the JDK's trust store
 * without it) and must name {@code HOST}, which is also sent with SNI.
 *
 * <p>Immutable; {@link #toString()} gives the canonical string, which parses back to an equal
 * endpoint.
 */
public final class ClientEndpoint {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final int port;
    private final Duration timeout;
    /** A Unix endpoint's socket file; null for TCP. */
    private final Path path;
    /** The local address a TCP connect binds to; null for the kernel's choice. */
    private final InetAddress bindAddress;
    private final boolean tls;
    /** A tls endpoint's CA certificates; null for the JDK's trust store. */
    private final Path trustRoots;

    private ClientEndpoint(String host, int port, Duration timeout, Path path, InetAddress bindAddress) {
        this(host, port, timeout, path, bindAddress, false, null);
    }

    private ClientEndpoint(String host, int port, Duration timeout, Path path, InetAddress bindAddress, boolean tls,
            Path trustRoots) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
        this.path = path;
        this.bindAddress = bindAddress;
        this.tls = tls;
        this.trustRoots = trustRoots;
    }

    /**
     * Reads an endpoint string. Thread: any.
     *
     * @param description such as {@code tcp:host=example.com:port=80} or
     * {@code     unix:path=/run/app.sock}
     * @return the parsed endpoint, not yet connected
     * @throws IllegalArgumentException naming the field at fault and what was expected
     */
    public static ClientEndpoint parse(String description) {
        EndpointDescription parsed = EndpointDescription.parse(description);
        switch (parsed.type()) {
            case "tcp": {
                EndpointFields fields = new EndpointFields(parsed, "a tcp client", "host", "port", "timeout",
                        "bindAddress");
                return new ClientEndpoint(fields.text("host"), fields.port("port", false),
                        fields.positiveSeconds("timeout", DEFAULT_TIMEOUT), null,
                        fields.address("bindAddress", InetAddress.class, null));
            }
            case "unix": {
                EndpointFields fields = new EndpointFields(parsed, "a unix client", "path", "timeout");
                return new ClientEndpoint(null, 0, fields.positiveSeconds("timeout", DEFAULT_TIMEOUT),
                        fields.path("path"), null);
            }
            case "tls": {
                EndpointFields fields = new EndpointFields(parsed, "a tls client", "host", "port", "trustRoots", "timeout");
                return new ClientEndpoint(fields.text("host"), fields.port("port", false),
                        fields.positiveSeconds("timeout", DEFAULT_TIMEOUT), null, null, true, fields.optionalPath("trustRoots"));
            }
            case "ssl":
                throw new IllegalArgumentException("bad endpoint '" + description + "': 'ssl' is a server endpoint type:"
                        + " clients use tls:HOST:PORT");
            default:
                throw new IllegalArgumentException("bad endpoint '" + description + "': unknown client type '"
                        + parsed.type() + "': expected tcp, tls or unix");
        }
    }

    /**
     * A Unix endpoint's socket file; null for TCP.
     *
     * @return the path, or null
     */
    public Path path() {
        return path;
    }

    /**
     * The host name or address literal, as written; null for a Unix endpoint.
     *
     * @return the host, or null
     */
    public String host() {
        return host;
    }

    /**
     * True for a {@code tls:} endpoint.
     *
     * @return true if the connection speaks TLS as a client
     */
    public boolean isTls() {
        return tls;
    }

    /**
     * A tls endpoint's CA certificates file; null for the JDK's trust store (and for other
     * endpoints).
     *
     * @return the file, or null
     */
    public Path trustRoots() {
        return trustRoots;
    }

    /**
     * The TCP port; 0 for a Unix endpoint.
     *
     * @return the port, or 0
     */
    public int port() {
        return port;
    }

    /**
     * The local address a TCP connect binds to (Twisted's {@code bindAddress}), or null for the
     * kernel's choice.
     *
     * @return the address, or null
     */
    public InetAddress bindAddress() {
        return bindAddress;
    }

    /**
     * How long the whole attempt may take, name resolution included.
     *
     * @return the timeout; 30 seconds unless the string gives one
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Connects, building the protocol with {@code factory}. A host name is resolved by the
     * reactor's {@link io.twine.reactor.NameResolver} (by default on a worker thread, never on
     * the loop); its addresses are tried by Happy Eyeballs (RFC 8305): interleaved by family, the
     * next started 250 ms after the previous one or as soon as it fails, the first to connect
     * winning and the others closed.
     *
     * <p>Cancelling the returned future stops every attempt, and closes a connection that
     * completes after the cancel.
     *
     * <p>The future completes on the loop thread: with the protocol, once its
     * {@code connectionMade} has run; or with a {@link java.net.ConnectException} listing each
     * address tried and why it failed, a {@link java.util.concurrent.TimeoutException}, or the
     * {@link java.net.UnknownHostException} of the lookup. A factory that returns null from
     * {@code buildProtocol} fails it too. The factory's {@code startFactory} and
     * {@code stopFactory} run around each attempt.
     *
     * <p>Thread-safe.
     *
     * @param reactor the loop the connection lives on
     * @param factory builds the protocol, on the loop thread
     * @return completed on the loop thread with the connected protocol, or with the failure
     */
    public CompletableFuture<Protocol> connect(EventLoop reactor, Factory factory) {
        Objects.requireNonNull(reactor, "reactor");
        Objects.requireNonNull(factory, "factory");
        if (path != null) {
            PathConnector connector = new PathConnector(reactor, path, timeout, factory);
            OnLoop.call(reactor, () -> {
                connector.start();
                return null;
            });
            return connector.result();
        }
        if (tls) {
            TlsOptions.Builder options = TlsOptions.client();
            if (trustRoots != null) {
                options.trustRoots(trustRoots);
            }
            Factory secured = Tls.client(reactor, options.build(), host, factory);
            // The TCP connection is made first; the caller wants the protocol once TLS has connected it.
            return connectTcp(reactor, secured).thenCompose(Tls::whenConnected);
        }
        return connectTcp(reactor, factory);
    }

    private CompletableFuture<Protocol> connectTcp(EventLoop reactor, Factory factory) {
        HostConnector connector = new HostConnector(reactor, this, factory);
        OnLoop.call(reactor, () -> {
            connector.start();
            return null;
        }).whenComplete((ignored, error) -> {
            if (error != null) {
                connector.fail(error);  // a failure to even start still ends in the caller's future
            }
        });
        return connector.result();
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ClientEndpoint)) {
            return false;
        }
        ClientEndpoint that = (ClientEndpoint) other;
        return Objects.equals(host, that.host) && port == that.port && timeout.equals(that.timeout)
                && Objects.equals(path, that.path) && Objects.equals(bindAddress, that.bindAddress)
                && tls == that.tls && Objects.equals(trustRoots, that.trustRoots);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, timeout, path, bindAddress, tls, trustRoots);
    }

    /**
     * The canonical endpoint string, such as {@code tcp:host=localhost:port=8080:timeout=30} or
     * {@code unix:path=/run/app.sock:timeout=30}.
     */
    @Override
    public String toString() {
        if (path != null) {
            return "unix:path=" + EndpointDescription.escape(path.toString()) + ":timeout=" + seconds(timeout);
        }
        String text = (tls ? "tls" : "tcp") + ":host=" + EndpointDescription.escape(host) + ":port=" + port
                + ":timeout=" + seconds(timeout)
                + (bindAddress == null ? "" : ":bindAddress=" + EndpointDescription.escape(bindAddress.getHostAddress()));
        return trustRoots == null ? text : text + ":trustRoots=" + EndpointDescription.escape(trustRoots.toString());
    }

    private static String seconds(Duration duration) {
        return new java.math.BigDecimal(duration.toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString();
    }
}
