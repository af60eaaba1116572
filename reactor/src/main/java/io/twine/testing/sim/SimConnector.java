package io.twine.testing.sim;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.TcpOptions;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * An outgoing simulated TCP connection across its attempts, with the real connector's contract:
 * every failure (refused, timed out, stopped) reaches {@code clientConnectionFailed} from a later
 * event, never from inside {@code connect}; the factory is started for the first attempt and
 * stopped when the connector is done and not retrying.
 *
 * <p>Each attempt has a number; answers to an attempt given up (a SYN-ACK after a timeout) are
 * ignored, and the half-made connection is reset.
 *
 * <p>Thread: the simulation's.
 */
final class SimConnector implements Connector, SimResource, SimConnection.Owner {

    private enum State { DISCONNECTED, CONNECTING, CONNECTED }

    private final SimNetwork network;
    private final SimulatedReactor host;
    private final SocketAddress destination;
    private final ClientFactory factory;
    private final TcpOptions options;
    private State state = State.DISCONNECTED;
    private boolean factoryStarted;
    private long attempt;
    private DelayedCall timeout;
    private SimConnection connection;

    SimConnector(SimNetwork network, SimulatedReactor host, SocketAddress destination, ClientFactory factory,
            TcpOptions options) {
        this.network = network;
        this.host = host;
        this.destination = destination;
        this.factory = factory;
        this.options = options;
    }

    @Override
    public void connect() {
        if (state != State.DISCONNECTED) {
            throw new IllegalStateException("cannot connect: already " + state.name().toLowerCase());
        }
        state = State.CONNECTING;
        long thisAttempt = ++attempt;
        if (!factoryStarted) {
            Throwable error = host.run("startFactory", factory::doStart);
            if (error != null) {
                host.simulation().schedule(0, () -> failed(thisAttempt, Reason.error(error)));
                return;
            }
            factoryStarted = true;
        }
        host.run("startedConnecting", () -> factory.startedConnecting(this));
        if (state != State.CONNECTING || attempt != thisAttempt) {
            return;  // startedConnecting gave up, or started another attempt
        }
        host.track(this);
        timeout = host.simulation().schedule(options.connectTimeout(), () -> failed(thisAttempt,
                Reason.timedOut("connecting to " + destination + " timed out after " + options.connectTimeout().toMillis() + " ms")));
        host.log("connecting to " + destination + " (attempt " + thisAttempt + ")");
        network.sendSyn(this, thisAttempt);
    }

    boolean isAttempting(long which) {
        return state == State.CONNECTING && attempt == which;
    }

    /** The server answered attempt {@code which}: build the protocol, unless the attempt was given up. */
    void established(long which, SimConnection made, InetSocketAddress server) {
        if (!isAttempting(which)) {
            made.discard(true);
            return;
        }
        if (made.isClosed()) {
            failed(which, Reason.error(new ConnectException("Connection reset while connecting to " + destination)));
            return;
        }
        cancelTimeout();
        Protocol[] built = new Protocol[1];
        Throwable error = host.run("buildProtocol", () -> built[0] = factory.buildProtocol(server));
        if (error != null || built[0] == null) {
            made.discard(true);
            failed(which, error != null ? Reason.error(error)
                    : Reason.error("the factory refused the connection (buildProtocol returned null)", null));
            return;
        }
        state = State.CONNECTED;
        host.untrack(this);
        connection = made;
        made.start(built[0]);
    }

    void refused(long which) {
        failed(which, Reason.error(new ConnectException("Connection refused: " + destination)));
    }

    /** Attempt {@code which} failed for {@code reason}, unless it was already over. */
    void failed(long which, Reason reason) {
        if (!isAttempting(which)) {
            return;
        }
        cancelTimeout();
        host.untrack(this);
        state = State.DISCONNECTED;
        host.log("connect to " + destination + " failed: " + reason);
        host.run("clientConnectionFailed", () -> factory.clientConnectionFailed(this, reason));
        stopFactoryUnlessRetrying();
    }

    private void cancelTimeout() {
        if (timeout != null && timeout.isActive()) {
            timeout.cancel();
        }
        timeout = null;
    }

    @Override
    public void connectionClosed(SimConnection closed, Reason reason) {
        state = State.DISCONNECTED;
        connection = null;
        host.run("clientConnectionLost", () -> factory.clientConnectionLost(this, reason));
        stopFactoryUnlessRetrying();
    }

    private void stopFactoryUnlessRetrying() {
        if (state == State.DISCONNECTED && factoryStarted) {
            factoryStarted = false;
            host.run("stopFactory", factory::doStop);
        }
    }

    @Override
    public void stopConnecting() {
        if (state != State.CONNECTING) {
            throw new IllegalStateException("cannot stop connecting: " + state.name().toLowerCase());
        }
        failed(attempt, Reason.aborted("connection attempt to " + destination + " stopped"));
    }

    @Override
    public void disconnect() {
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

    ClientFactory factory() {
        return factory;
    }

    SimulatedReactor host() {
        return host;
    }

    @Override
    public void shutdown() {
        failed(attempt, Reason.aborted("the host is stopping"));
    }

    @Override
    public void abort() {
        shutdown();
    }

    @Override
    public String toString() {
        return "SimConnector[" + host.name() + " -> " + destination + ", " + state.name().toLowerCase() + "]";
    }
}
