package io.twine.transport.endpoints;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.reactor.EventLoop;
import io.twine.reactor.TcpOptions;
import io.twine.transport.tcp.Tcp;
import io.twine.transport.tls.Tls;
import io.twine.transport.tls.TlsOptions;
import io.twine.transport.udp.Udp;
import io.twine.transport.unix.Unix;
import io.twine.transport.unix.UnixOptions;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * Where to listen, as an endpoint string names it (Twisted's {@code serverFromString}):
 * <ul>
 *   <li>{@code tcp:PORT[:interface=IPV4][:backlog=N]}: TCP over IPv4; interface defaults to
 *       {@code 0.0.0.0} (every interface), backlog to 50;</li>
 *   <li>{@code tcp6:PORT[:interface=IPV6][:backlog=N]}: TCP over IPv6; interface defaults to
 *       {@code ::}, whose colons are written {@code \:\:};</li>
 *   <li>{@code udp:PORT[:interface=IP]}: a UDP port; interface defaults to {@code 0.0.0.0};</li>
 *   <li>{@code unix:PATH[:mode=OCTAL][:lockfile=0|1][:backlog=N]}: a Unix domain socket at
 *       {@code PATH} (its colons written {@code \:}); mode defaults to 0666 masked by the umask,
 *       {@code lockfile=1} holds {@code PATH.lock} while listening (see {@link UnixOptions});</li>
 *   <li>{@code ssl:PORT:privateKey=KEY.pem:certKey=CHAIN.pem[:interface=IPV4][:backlog=N]}: TLS over
 *       TCP (Twisted's spelling): the PKCS#8 key and the certificate chain, PEM files read when
 *       listening starts.</li>
 * </ul>
 * Fields may also be named ({@code tcp:port=8080}); the interface must be an address, not a
 * host name. Immutable; {@link #toString()} gives the canonical string, which parses back to an
 * equal endpoint.
 */
public final class ServerEndpoint {

    /** The transports a server endpoint can name. */
    public enum Type {
        /** {@code tcp:}, a TCP listener on IPv4. */
        TCP("tcp"),
        /** {@code tcp6:}, a TCP listener on IPv6. */
        TCP6("tcp6"),
        /** {@code udp:}, a UDP port. */
        UDP("udp"),
        /** {@code unix:}, a Unix domain socket listener. */
        UNIX("unix"),
        /** {@code ssl:}, a TLS listener over TCP, with a key and certificate chain from PEM files. */
        SSL("ssl");

        private final String prefix;

        Type(String prefix) {
            this.prefix = prefix;
        }

        /**
         * The type as written at the start of an endpoint string.
         *
         * @return the prefix, without the colon
         */
        public String prefix() {
            return prefix;
        }
    }

    private static final int DEFAULT_BACKLOG = 50;

    private final Type type;
    private final int port;
    private final InetAddress interfaceAddress;
    private final int backlog;
    /** A Unix endpoint's socket file and options; null for the others. */
    private final Path path;
    private final UnixOptions unixOptions;
    /** An ssl endpoint's PEM files; null for the others. */
    private final Path privateKey;
    private final Path certificateChain;

    private ServerEndpoint(Type type, int port, InetAddress interfaceAddress, int backlog) {
        this(type, port, interfaceAddress, backlog, null, null);
    }

    private ServerEndpoint(Type type, int port, InetAddress interfaceAddress, int backlog, Path path,
            UnixOptions unixOptions) {
        this(type, port, interfaceAddress, backlog, path, unixOptions, null, null);
    }

    private ServerEndpoint(Type type, int port, InetAddress interfaceAddress, int backlog, Path path,
            UnixOptions unixOptions, Path privateKey, Path certificateChain) {
        this.privateKey = privateKey;
        this.certificateChain = certificateChain;
        this.type = type;
        this.port = port;
        this.interfaceAddress = interfaceAddress;
        this.backlog = backlog;
        this.path = path;
        this.unixOptions = unixOptions;
    }

    /**
     * Reads an endpoint string. Thread: any.
     *
     * @param description such as {@code tcp:8080} or {@code unix:/run/app.sock:mode=660}
     * @return the parsed endpoint, not yet listening
     * @throws IllegalArgumentException naming the field at fault and what was expected
     */
    public static ServerEndpoint parse(String description) {
        EndpointDescription parsed = EndpointDescription.parse(description);
        switch (parsed.type()) {
            case "tcp": {
                EndpointFields fields = new EndpointFields(parsed, "a tcp server", "port", "interface", "backlog");
                return new ServerEndpoint(Type.TCP, fields.port("port", true),
                        fields.address("interface", Inet4Address.class, wildcard("0.0.0.0")),
                        fields.nonNegativeInt("backlog", DEFAULT_BACKLOG));
            }
            case "tcp6": {
                EndpointFields fields = new EndpointFields(parsed, "a tcp6 server", "port", "interface", "backlog");
                return new ServerEndpoint(Type.TCP6, fields.port("port", true),
                        fields.address("interface", Inet6Address.class, wildcard("::")),
                        fields.nonNegativeInt("backlog", DEFAULT_BACKLOG));
            }
            case "udp": {
                EndpointFields fields = new EndpointFields(parsed, "a udp port", "port", "interface");
                return new ServerEndpoint(Type.UDP, fields.port("port", true),
                        fields.address("interface", InetAddress.class, wildcard("0.0.0.0")), 0);
            }
            case "unix": {
                EndpointFields fields = new EndpointFields(parsed, "a unix server", "address", "mode", "lockfile",
                        "backlog");
                int backlog = fields.nonNegativeInt("backlog", DEFAULT_BACKLOG);
                UnixOptions options = UnixOptions.defaults().withBacklog(backlog)
                        .withLockFile(fields.flag("lockfile", false));
                OptionalInt mode = fields.octalMode("mode");
                if (mode.isPresent()) {
                    options = options.withMode(mode.getAsInt());
                }
                return new ServerEndpoint(Type.UNIX, 0, null, backlog, fields.path("address"), options);
            }
            case "ssl": {
                EndpointFields fields = new EndpointFields(parsed, "an ssl server", "port", "privateKey", "certKey",
                        "interface", "backlog");
                return new ServerEndpoint(Type.SSL, fields.port("port", true),
                        fields.address("interface", Inet4Address.class, wildcard("0.0.0.0")),
                        fields.nonNegativeInt("backlog", DEFAULT_BACKLOG), null, null,
                        fields.path("privateKey"), fields.path("certKey"));
            }
            case "tls":
                throw notYet(parsed);
            default:
                throw new IllegalArgumentException("bad endpoint '" + description + "': unknown type '"
                        + parsed.type() + "': expected tcp, tcp6, udp, unix or ssl");
        }
    }

    static IllegalArgumentException notYet(EndpointDescription parsed) {
        return new IllegalArgumentException("bad endpoint '" + parsed.text() + "': type '" + parsed.type()
                + "' is a client endpoint type: servers use tcp, tcp6, udp, unix or ssl");
    }

    private static InetAddress wildcard(String literal) {
        return IpLiterals.parse(literal);
    }

    /** {@return the kind of transport this endpoint listens with} */
    public Type type() {
        return type;
    }

    /**
     * A Unix endpoint's socket file; null for the others.
     *
     * @return the path, or null
     */
    public Path path() {
        return path;
    }

    /**
     * A Unix endpoint's options (mode, lock file, backlog); null for the others.
     *
     * @return the options, or null
     */
    public UnixOptions unixOptions() {
        return unixOptions;
    }

    /**
     * An ssl endpoint's private key file (PKCS#8 PEM); null for the others.
     *
     * @return the file, or null
     */
    public Path privateKey() {
        return privateKey;
    }

    /**
     * An ssl endpoint's certificate chain file (PEM, its own certificate first); null for the
     * others.
     *
     * @return the file, or null
     */
    public Path certificateChain() {
        return certificateChain;
    }

    /**
     * The port; 0 asks for any free port (and for a Unix endpoint, which has none).
     *
     * @return the port, or 0
     */
    public int port() {
        return port;
    }

    /**
     * The address to bind: a wildcard for every interface; null for a Unix endpoint.
     *
     * @return the address, or null
     */
    public InetAddress interfaceAddress() {
        return interfaceAddress;
    }

    /**
     * The listen backlog of a TCP endpoint (0 for the system default); 0 for UDP.
     *
     * @return the backlog: 50 unless the string gives one; 0 for UDP
     */
    public int backlog() {
        return backlog;
    }

    /**
     * The socket address this endpoint binds.
     *
     * @return the interface address and port
     * @throws IllegalStateException for a Unix endpoint, which binds {@link #path()}
     */
    public InetSocketAddress address() {
        if (type == Type.UNIX) {
            throw new IllegalStateException(this + " binds a path, not an internet address");
        }
        return new InetSocketAddress(interfaceAddress, port);
    }

    /**
     * Listens with {@code factory} on this TCP or Unix endpoint. Thread-safe: the listening happens on
     * the loop thread (at once if called there, else through {@code callFromThread}), and the
     * future completes there, with the port or with the bind failure.
     *
     * @param reactor the loop the port lives on
     * @param factory builds one protocol per connection, on the loop thread
     * @return completed on the loop thread with the listening port, or with the bind failure
     * @throws IllegalArgumentException if this is a UDP endpoint
     */
    public CompletableFuture<ListeningPort> listen(EventLoop reactor, Factory factory) {
        Objects.requireNonNull(reactor, "reactor");
        Objects.requireNonNull(factory, "factory");
        if (type == Type.UDP) {
            throw new IllegalArgumentException(this + " is a UDP endpoint: it listens a DatagramProtocol, not a Factory");
        }
        if (type == Type.UNIX) {
            return OnLoop.call(reactor, () -> Unix.listen(reactor, path, factory, unixOptions));
        }
        TcpOptions options = TcpOptions.defaults().withBacklog(backlog);
        if (type == Type.SSL) {
            return OnLoop.call(reactor, () -> Tcp.listen(reactor, address(),
                    Tls.server(reactor, TlsOptions.server(certificateChain, privateKey).build(), factory), options));
        }
        return OnLoop.call(reactor, () -> Tcp.listen(reactor, address(), factory, options));
    }

    /**
     * Opens this UDP endpoint for {@code protocol}, on the loop thread like
     * {@link #listen(EventLoop, Factory)}.
     *
     * @param reactor the loop the port lives on
     * @param protocol receives every datagram on the loop thread
     * @return completed on the loop thread with the bound port, or with the bind failure
     * @throws IllegalArgumentException if this is a TCP endpoint
     */
    public CompletableFuture<DatagramTransport> listen(EventLoop reactor, DatagramProtocol protocol) {
        Objects.requireNonNull(reactor, "reactor");
        Objects.requireNonNull(protocol, "protocol");
        if (type != Type.UDP) {
            throw new IllegalArgumentException(this + " is a stream endpoint: it listens a Factory, not a DatagramProtocol");
        }
        return OnLoop.call(reactor, () -> Udp.listen(reactor, address(), protocol));
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ServerEndpoint)) {
            return false;
        }
        ServerEndpoint that = (ServerEndpoint) other;
        return type == that.type && port == that.port && backlog == that.backlog
                && Objects.equals(interfaceAddress, that.interfaceAddress) && Objects.equals(path, that.path)
                && Objects.equals(privateKey, that.privateKey) && Objects.equals(certificateChain, that.certificateChain)
                && Objects.equals(unixOptions == null ? null : unixOptions.toString(),
                        that.unixOptions == null ? null : that.unixOptions.toString());
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, port, interfaceAddress, backlog, path);
    }

    /**
     * The canonical endpoint string, such as {@code tcp:8080:interface=127.0.0.1:backlog=50} or
     * {@code unix:/run/app.sock:mode=660:lockfile=0:backlog=50}.
     */
    @Override
    public String toString() {
        if (type == Type.UNIX) {
            String mode = unixOptions.mode().isPresent() ? ":mode=" + Integer.toOctalString(unixOptions.mode().getAsInt()) : "";
            return "unix:" + EndpointDescription.escape(path.toString()) + mode + ":lockfile="
                    + (unixOptions.lockFile() ? 1 : 0) + ":backlog=" + backlog;
        }
        String text = type.prefix() + ":" + port + ":interface=" + EndpointDescription.escape(interfaceAddress.getHostAddress());
        if (type == Type.SSL) {
            text += ":privateKey=" + EndpointDescription.escape(privateKey.toString())
                    + ":certKey=" + EndpointDescription.escape(certificateChain.toString());
        }
        return type == Type.UDP ? text : text + ":backlog=" + backlog;
    }
}
