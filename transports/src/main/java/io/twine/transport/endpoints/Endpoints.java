package io.twine.transport.endpoints;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.EventLoop;
import java.util.concurrent.CompletableFuture;

/**
 * Listening and connecting from a string, so that where a program listens or connects can
 * come from its command line or configuration (Twisted's {@code endpoints.serverFromString}
 * and {@code clientFromString}):
 * <pre>{@code
 * Endpoints.server(reactor, "tcp:21567:interface=127.0.0.1:backlog=50", factory);
 * Endpoints.server(reactor, "tcp6:21567:interface=\\:\\:1", factory);
 * Endpoints.server(reactor, "udp:21567:interface=127.0.0.1", datagramProtocol);
 * Endpoints.client(reactor, "tcp:host=localhost:port=21567:timeout=5", factory);
 * }</pre>
 * The syntax is in {@link ServerEndpoint} and {@link ClientEndpoint}. A malformed string throws
 * an {@link IllegalArgumentException} at once, naming the field and what was expected; failures
 * of the network (the port taken, the connection refused) arrive through the returned future,
 * which completes on the loop thread.
 *
 * <p>Thread-safe: the work itself always happens on the loop thread.
 */
public final class Endpoints {

    private Endpoints() {}

    /**
     * Listens with {@code factory} on a {@code tcp:} or {@code tcp6:} endpoint.
     *
     * @param reactor the loop the port lives on
     * @param description the server endpoint string, see {@link ServerEndpoint}
     * @param factory builds one protocol per connection, on the loop thread
     * @return completed on the loop thread with the listening port, or with the bind failure
     */
    public static CompletableFuture<ListeningPort> server(EventLoop reactor, String description, Factory factory) {
        return ServerEndpoint.parse(description).listen(reactor, factory);
    }

    /**
     * Opens a {@code udp:} endpoint for {@code protocol}.
     *
     * @param reactor the loop the port lives on
     * @param description the server endpoint string, see {@link ServerEndpoint}
     * @param protocol receives every datagram on the loop thread
     * @return completed on the loop thread with the bound port, or with the bind failure
     */
    public static CompletableFuture<DatagramTransport> server(EventLoop reactor, String description,
            DatagramProtocol protocol) {
        return ServerEndpoint.parse(description).listen(reactor, protocol);
    }

    /**
     * Connects to a {@code tcp:} endpoint; the future gets the connected protocol.
     *
     * @param reactor the loop the connection lives on
     * @param description the client endpoint string, see {@link ClientEndpoint}
     * @param factory builds the protocol, on the loop thread
     * @return completed on the loop thread with the connected protocol, or with the failure
     */
    public static CompletableFuture<Protocol> client(EventLoop reactor, String description, Factory factory) {
        return ClientEndpoint.parse(description).connect(reactor, factory);
    }
}
