package io.twine.testing.sim;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.TcpOptions;
import java.net.InetSocketAddress;

/**
 * A simulated listening TCP port: builds a protocol for each connection the network hands it, and
 * refuses connections past {@code TcpOptions.maxConnections} by closing them at once, as the real
 * listener does.
 *
 * <p>Thread: the simulation's.
 */
final class SimListener implements ListeningPort, SimResource, SimConnection.Owner {

    private final SimNetwork network;
    private final SimulatedReactor host;
    private final InetSocketAddress address;
    private final Factory factory;
    private final TcpOptions options;
    private boolean listening = true;
    private int open;

    SimListener(SimNetwork network, SimulatedReactor host, InetSocketAddress address, Factory factory, TcpOptions options) {
        this.network = network;
        this.host = host;
        this.address = address;
        this.factory = factory;
        this.options = options;
    }

    /** A connection arrived: builds its protocol, or ends it when the factory refuses or the limit is reached. */
    void accept(SimConnection connection, InetSocketAddress client) {
        if (options.maxConnections() > 0 && open >= options.maxConnections()) {
            host.log("refused " + client + ": " + open + " connections open, the limit");
            connection.discard(false);
            return;
        }
        Protocol[] built = new Protocol[1];
        Throwable error = host.run("buildProtocol", () -> built[0] = factory.buildProtocol(client));
        if (error != null || built[0] == null) {
            connection.discard(false);
            return;
        }
        open++;
        connection.start(built[0]);
    }

    @Override
    public void connectionClosed(SimConnection connection, Reason reason) {
        open--;
    }

    Factory factory() {
        return factory;
    }

    @Override
    public InetSocketAddress getHost() {
        return address;
    }

    @Override
    public void stopListening() {
        if (!listening) {
            return;
        }
        listening = false;
        network.removeListener(host, address.getPort());
        host.untrack(this);
        host.log("stopped listening on " + address);
        host.run("stopFactory", factory::doStop);
    }

    @Override
    public boolean isListening() {
        return listening;
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
    public String toString() {
        return "SimListener[" + host.name() + " " + address + (listening ? "" : ", stopped") + "]";
    }
}
