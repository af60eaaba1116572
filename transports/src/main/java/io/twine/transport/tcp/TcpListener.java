package io.twine.transport.tcp;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.TcpOptions;
import io.twine.reactor.spi.Failures;
import io.twine.reactor.spi.IoHandler;
import io.twine.reactor.spi.Labelled;
import io.twine.reactor.spi.Registration;
import io.twine.reactor.spi.ShutdownParticipant;
import io.twine.reactor.spi.TransportLoop;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A listening TCP socket: accepts connections and gives each a protocol from the factory.
 *
 * <p>When accepting fails (typically EMFILE, out of file descriptors) the connection stays in
 * the kernel's queue and {@code OP_ACCEPT} is ready again at once, so retrying straight away
 * would spin the loop. Instead, accept interest is turned off for a back-off that doubles from
 * 10 ms up to 1 s, and the failure is reported once per back-off.
 *
 * <p>With {@link TcpOptions#maxConnections()} set, a connection beyond the limit is accepted and
 * closed at once, and each episode of refusals is logged once.
 *
 * <p>Thread: loop only.
 */
final class TcpListener implements ListeningPort, IoHandler, ShutdownParticipant, ConnectionOwner, Labelled {

    static {
        // The first connection may arrive while the process is out of descriptors, too late to
        // read the class files of the connection it needs: load them now (see Failures.preload).
        Failures.preload(TcpConnection.class);
    }


    /** Connections accepted per readiness event at most, so a connect storm cannot starve the rest. */
    private static final int MAX_ACCEPTS_PER_EVENT = 64;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    // Every field belongs to the loop thread.
    /** The loop this transport lives on; package-private so that tests can look at its chunk pool. */
    final TransportLoop loop;
    private final ServerSocketChannel server;
    private final Factory factory;
    private final TcpOptions options;
    private final SocketAddress host;
    private Registration registration;
    private boolean listening = true;
    private Duration backoff = Duration.ZERO;
    private DelayedCall resumeAccepting;
    private int openConnections;
    private boolean refusing;
    /** Null: build each connection here. Else: give each accepted channel to another loop (a group's hand-off). */
    private final java.util.function.Consumer<SocketChannel> handOff;

    private TcpListener(TransportLoop loop, ServerSocketChannel server, Factory factory, TcpOptions options,
            java.util.function.Consumer<SocketChannel> handOff) throws IOException {
        this.handOff = handOff;
        this.loop = loop;
        this.server = server;
        this.factory = factory;
        this.options = options;
        this.host = server.getLocalAddress();
    }

    static TcpListener open(TransportLoop loop, SocketAddress address, Factory factory, TcpOptions options)
            throws IOException {
        return open(loop, address, factory, options, null);
    }

    /**
     * Listens like {@link #open(TransportLoop, SocketAddress, Factory, TcpOptions)}, but with a
     * {@code handOff} each accepted channel goes to it instead of getting a protocol here.
     */
    static TcpListener open(TransportLoop loop, SocketAddress address, Factory factory, TcpOptions options,
            java.util.function.Consumer<SocketChannel> handOff) throws IOException {
        factory.doStart();  // if startFactory throws, nothing is opened and the caller sees why
        boolean unixDomain = Tcp.isUnixDomain(address);
        ServerSocketChannel server = unixDomain
                ? ServerSocketChannel.open(StandardProtocolFamily.UNIX) : ServerSocketChannel.open();
        TcpListener listener;
        try {
            if (!unixDomain) {
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            if (options.reusePort()) {
                server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            server.bind(address, options.backlog());
            server.configureBlocking(false);
            listener = new TcpListener(loop, server, factory, options, handOff);
            listener.registration = loop.register(server, SelectionKey.OP_ACCEPT, listener);
        } catch (IOException | RuntimeException e) {
            server.close();
            factory.doStop();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        loop.track(listener);
        return listener;
    }

    @Override
    public void ready(int readyOps) {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && listening; i++) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                loop.monitor().acceptFailed();
                backOff(e);
                return;
            }
            if (channel == null) {
                return;
            }
            backoff = Duration.ZERO;
            accepted(channel);
        }
    }

    private void accepted(SocketChannel channel) {
        if (handOff != null) {
            handOff.accept(channel);
            return;
        }
        int limit = options.maxConnections();
        if (limit > 0 && openConnections >= limit) {
            refuseOverLimit(channel, limit);
            return;
        }
        refusing = false;
        Protocol protocol;
        SocketAddress peer = null;
        try {
            Tcp.configure(channel, options, Tcp.isUnixDomain(host));
            peer = channel.getRemoteAddress();
            protocol = factory.buildProtocol(peer);
        } catch (Throwable error) {
            loop.failures().failed(error, "buildProtocol", factory.getClass().getName() + " for " + peer, null);
            closeQuietly(channel);
            return;
        }
        if (protocol == null) {
            closeQuietly(channel);  // the factory refused this peer
            return;
        }
        try {
            openConnections++;
            new TcpConnection(loop, channel, protocol, factory.getMaxWriteBufferSize(), this).start(null);
        } catch (IOException e) {
            openConnections--;
            // The peer left between accept and registration: no connection was made.
            closeQuietly(channel);
        }
    }

    private void refuseOverLimit(SocketChannel channel, int limit) {
        loop.monitor().connectionRefused();
        if (!refusing) {
            refusing = true;
            loop.reportError("refusing connections on " + host + ": the limit of " + limit
                    + " open connections is reached", new IOException("connection limit reached"));
        }
        closeQuietly(channel);
    }

    @Override
    public void connectionClosed(TcpConnection connection, io.twine.protocol.Reason reason) {
        openConnections--;
    }

    /** Connections accepted from this port and not yet closed. */
    int openConnections() {
        return openConnections;
    }

    private void backOff(IOException error) {
        backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
        loop.reportError("accept failed on " + host + "; not accepting for " + backoff.toMillis() + " ms", error);
        registration.interestOps(0);
        loop.monitor().interestChanged(0);
        resumeAccepting = loop.callLater(backoff, () -> {
            resumeAccepting = null;
            if (listening) {
                registration.interestOps(SelectionKey.OP_ACCEPT);
                loop.monitor().interestChanged(SelectionKey.OP_ACCEPT);
            }
        });
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            loop.reportError("closing a refused connection on " + host, e);
        }
    }

    @Override
    public SocketAddress getHost() {
        return host;
    }

    @Override
    public boolean isListening() {
        return listening;
    }

    @Override
    public void stopListening() {
        loop.monitor().checkLoopThread("ListeningPort.stopListening");
        if (!listening) {
            return;
        }
        listening = false;
        if (resumeAccepting != null) {
            resumeAccepting.cancel();
            resumeAccepting = null;
        }
        registration.cancel();
        try {
            server.close();
        } catch (IOException e) {
            loop.reportError("closing the listener on " + host, e);
        }
        loop.untrack(this);
        loop.failures().run(factory::doStop, "stopFactory", factory.getClass().getName(), null);
    }

    @Override
    public void failed(Throwable error) {
        stopListening();
    }

    @Override
    public void shutdown() {
        stopListening();
    }

    @Override
    public void abort() {
        stopListening();
    }

    @Override
    public Class<?> protocolClass() {
        return factory.getClass();
    }

    @Override
    public String connectionLabel() {
        return "listening on " + Labelled.address(host);
    }

    @Override
    public String toString() {
        return "TcpListener[" + host + (listening ? "" : ", closed") + "]";
    }
}
