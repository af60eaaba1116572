package io.twine.transport.unix;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.reactor.EventLoop;
import io.twine.reactor.ShutdownPhase;
import io.twine.transport.tcp.Tcp;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Unix domain stream sockets for the twine reactor: {@link #listen} (Twisted's
 * {@code listenUNIX}) and {@link #connect} ({@code connectUNIX}). A protocol gets the same
 * {@link io.twine.protocol.Transport} as over TCP, with flow control, half-close, close reasons,
 * the hard cap and everything else unchanged; {@code getHost()} and {@code getPeer()} give
 * {@link UnixDomainSocketAddress}es (the connecting side's is unnamed, an empty path), and
 * {@link io.twine.protocol.Transport#getPeerCredentials()} says who the peer process runs as.
 *
 * <p><b>The socket file.</b> {@code listen} creates it with the mode of {@link UnixOptions}
 * (default 0666 masked by the umask) and removes it when the port stops listening or the reactor
 * stops (a stop by SIGTERM included, when the reactor is stopped gracefully). A stale file left by
 * a process that died is replaced; a path a running server answers on is never taken over.
 *
 * <p>Thread: loop only, or on the thread that will call {@code run()} before it does.
 */
public final class Unix {

    private Unix() {}

    /**
     * Listens with {@link UnixOptions#defaults()}.
     *
     * @param reactor the loop the port and its connections live on
     * @param path the socket file to create
     * @param factory builds one protocol per accepted connection, on the loop thread
     * @return the listening port
     * @throws IOException as {@link #listen(EventLoop, Path, Factory, UnixOptions)} says
     */
    public static ListeningPort listen(EventLoop reactor, Path path, Factory factory) throws IOException {
        return listen(reactor, path, factory, UnixOptions.defaults());
    }

    /**
     * Binds a Unix domain socket at {@code path} and accepts connections on it, each with a
     * protocol from {@code factory}.
     *
     * @param reactor the loop the port and its connections live on
     * @param path the socket file to create
     * @param factory builds one protocol per accepted connection, on the loop thread
     * @param options the file's mode, the lock file and limits
     * @return the listening port; {@code stopListening} closes it and removes the file
     * @throws IOException if the path is too long (the message gives its length and the limit), is
     *     in use by a running server, exists and is not a socket, or cannot be bound; nothing is
     *     left behind then
     */
    public static ListeningPort listen(EventLoop reactor, Path path, Factory factory, UnixOptions options)
            throws IOException {
        Objects.requireNonNull(reactor, "reactor");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(options, "options");
        SocketFile file = SocketFile.claim(path, options.lockFile());
        ListeningPort port;
        try {
            port = Tcp.listen(reactor, UnixDomainSocketAddress.of(path), factory, options.streamOptions());
        } catch (IOException | RuntimeException e) {
            file.remove();
            throw e;
        }
        try {
            file.bound(options.mode());
        } catch (IOException | RuntimeException e) {
            port.stopListening();
            file.remove();
            throw new IOException("cannot set the mode of " + path + ": " + e.getMessage(), e);
        }
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, file::remove);
        return new UnixListeningPort(port, file);
    }

    /**
     * Connects with {@link UnixOptions#defaults()}.
     *
     * @param reactor the loop the connection lives on
     * @param path the server's socket file
     * @param factory builds the protocol once connected and hears of failure, on the loop thread
     * @return the attempt, to cancel or repeat it
     */
    public static Connector connect(EventLoop reactor, Path path, ClientFactory factory) {
        return connect(reactor, path, factory, UnixOptions.defaults());
    }

    /**
     * Starts connecting to the socket at {@code path}. As with TCP, a failure (no such file,
     * nobody listening, permission denied, timeout) reaches
     * {@link ClientFactory#clientConnectionFailed} from the loop, never an exception from here.
     *
     * @param reactor the loop the connection lives on
     * @param path the server's socket file
     * @param factory builds the protocol once connected and hears of failure, on the loop thread
     * @param options the connect timeout and limits
     * @return the attempt, to cancel or repeat it
     */
    public static Connector connect(EventLoop reactor, Path path, ClientFactory factory, UnixOptions options) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        return Tcp.connect(reactor, UnixDomainSocketAddress.of(path), factory, options.streamOptions());
    }

    /** The socket file's port: stopping it also removes the file. */
    private static final class UnixListeningPort implements ListeningPort {
        private final ListeningPort port;
        private final SocketFile file;

        UnixListeningPort(ListeningPort port, SocketFile file) {
            this.port = port;
            this.file = file;
        }

        @Override
        public UnixDomainSocketAddress getHost() {
            return (UnixDomainSocketAddress) port.getHost();
        }

        @Override
        public void stopListening() {
            port.stopListening();
            file.remove();
        }

        @Override
        public boolean isListening() {
            return port.isListening();
        }

        @Override
        public String toString() {
            return "UnixListeningPort[" + getHost().getPath() + (isListening() ? "" : ", closed") + "]";
        }
    }
}
