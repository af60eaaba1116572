package io.twine.transport.tcp;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
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
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * An outgoing TCP connection across its attempts: connects without blocking, enforces the
 * connect timeout, builds the protocol once connected, and tells the {@link ClientFactory} how
 * each attempt and connection ends.
 *
 * <p>A failure of any kind reaches {@code clientConnectionFailed}, always from the loop and never
 * from inside {@code Tcp.connect}, so the caller has its connector before any callback runs.
 *
 * <p>Thread: loop only.
 */
final class TcpConnector implements Connector, IoHandler, ShutdownParticipant, ConnectionOwner, Labelled {

    static {
        // The first connection may arrive while the process is out of descriptors, too late to
        // read the class files of the connection it needs: load them now (see Failures.preload).
        Failures.preload(TcpConnection.class);
    }


    private enum State { DISCONNECTED, CONNECTING, CONNECTED }

    // Every field belongs to the loop thread.
    private final TransportLoop loop;
    private final SocketAddress destination;
    private final ClientFactory factory;
    private final TcpOptions options;
    private State state = State.DISCONNECTED;
    private boolean factoryStarted;
    private SocketChannel channel;
    private Registration registration;
    private DelayedCall timeout;
    private TcpConnection connection;

    TcpConnector(TransportLoop loop, SocketAddress destination, ClientFactory factory, TcpOptions options) {
        this.loop = loop;
        this.destination = destination;
        this.factory = factory;
        this.options = options;
    }

    @Override
    public void connect() {
        loop.monitor().checkLoopThread("Connector.connect");
        if (state != State.DISCONNECTED) {
            throw new IllegalStateException("cannot connect: already " + state.name().toLowerCase());
        }
        state = State.CONNECTING;
        if (!factoryStarted) {
            try {
                factory.doStart();
                factoryStarted = true;
            } catch (Throwable error) {
                loop.failures().failed(error, "startFactory", factory.getClass().getName(), null);
                loop.callLater(Duration.ZERO, () -> attemptFailed(Reason.error(error)));
                return;
            }
        }
        callFactory("startedConnecting", () -> factory.startedConnecting(this));
        if (state != State.CONNECTING) {
            return;  // startedConnecting called stopConnecting
        }
        loop.track(this);
        try {
            boolean unixDomain = Tcp.isUnixDomain(destination);
            channel = unixDomain ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
            Tcp.configure(channel, options, unixDomain);
            if (options.bindAddress() != null && !unixDomain) {
                channel.bind(options.bindAddress());
            }
            registration = loop.register(channel, SelectionKey.OP_CONNECT, this);
            timeout = loop.callLater(options.connectTimeout(), this::timedOut);
            if (channel.connect(destination)) {
                connected();
            }
        } catch (IOException | RuntimeException e) {
            // Report from the loop, not from inside connect(): the caller may not hold the connector yet.
            loop.callLater(Duration.ZERO, () -> attemptFailed(Reason.error(e)));
        }
    }

    @Override
    public void ready(int readyOps) {
        if ((readyOps & SelectionKey.OP_CONNECT) == 0 || state != State.CONNECTING) {
            return;
        }
        try {
            if (channel.finishConnect()) {
                connected();
            }
        } catch (IOException e) {
            attemptFailed(Reason.error(e));
        }
    }

    private void connected() throws IOException {
        timeout.cancel();
        timeout = null;
        Protocol protocol;
        try {
            protocol = factory.buildProtocol(channel.getRemoteAddress());
        } catch (Throwable error) {
            loop.failures().failed(error, "buildProtocol", factory.getClass().getName() + " for " + destination, null);
            attemptFailed(Reason.error(error));
            return;
        }
        if (protocol == null) {
            attemptFailed(Reason.error("the factory refused the connection (buildProtocol returned null)", null));
            return;
        }
        state = State.CONNECTED;
        loop.untrack(this);  // from now on the connection is what shutdown closes
        connection = new TcpConnection(loop, channel, protocol, factory.getMaxWriteBufferSize(), this);
        connection.start(registration);
    }

    private void timedOut() {
        timeout = null;
        attemptFailed(Reason.timedOut("connecting to " + destination + " timed out after "
                + options.connectTimeout().toMillis() + " ms"));
    }

    private void attemptFailed(Reason reason) {
        if (state != State.CONNECTING) {
            return;
        }
        if (timeout != null) {
            timeout.cancel();
            timeout = null;
        }
        if (registration != null) {
            registration.cancel();
            registration = null;
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                loop.reportError("closing a failed connect to " + destination, e);
            }
            channel = null;
        }
        loop.untrack(this);
        state = State.DISCONNECTED;
        callFactory("clientConnectionFailed", () -> factory.clientConnectionFailed(this, reason));
        stopFactoryUnlessRetrying();
    }

    @Override
    public void connectionClosed(TcpConnection closed, Reason reason) {
        state = State.DISCONNECTED;
        connection = null;
        channel = null;
        registration = null;
        callFactory("clientConnectionLost", () -> factory.clientConnectionLost(this, reason));
        stopFactoryUnlessRetrying();
    }

    private void stopFactoryUnlessRetrying() {
        if (state == State.DISCONNECTED && factoryStarted) {
            factoryStarted = false;
            callFactory("stopFactory", factory::doStop);
        }
    }

    /** Calls one of the factory's callbacks; what it throws is reported once, naming it, and goes no further. */
    private void callFactory(String callback, Runnable call) {
        loop.failures().run(call, callback, factory.getClass().getName(), null);
    }

    @Override
    public void stopConnecting() {
        loop.monitor().checkLoopThread("Connector.stopConnecting");
        if (state != State.CONNECTING) {
            throw new IllegalStateException("cannot stop connecting: " + state.name().toLowerCase());
        }
        attemptFailed(Reason.aborted("connection attempt to " + destination + " stopped"));
    }

    @Override
    public void disconnect() {
        loop.monitor().checkLoopThread("Connector.disconnect");
        if (state == State.CONNECTING) {
            stopConnecting();
        } else if (state == State.CONNECTED) {
            connection.loseConnection();
        }
    }

    @Override
    public SocketAddress getDestination() {
        return destination;
    }

    @Override
    public void failed(Throwable error) {
        attemptFailed(Reason.error(error));
    }

    @Override
    public void shutdown() {
        attemptFailed(Reason.aborted("the reactor is stopping"));
    }

    @Override
    public void abort() {
        shutdown();
    }

    @Override
    public Class<?> protocolClass() {
        return factory.getClass();
    }

    @Override
    public String connectionLabel() {
        return "connecting to " + Labelled.address(destination);
    }

    @Override
    public String toString() {
        return "TcpConnector[" + destination + ", " + state.name().toLowerCase() + "]";
    }
}
