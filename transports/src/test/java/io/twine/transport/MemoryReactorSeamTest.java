package io.twine.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.EventLoop;
import io.twine.reactor.TcpOptions;
import io.twine.reactor.UdpOptions;
import io.twine.testing.MemoryReactor;
import io.twine.testing.RecordingDatagramTransport;
import io.twine.testing.StringTransport;
import io.twine.transport.endpoints.Endpoints;
import io.twine.transport.tcp.Tcp;
import io.twine.transport.udp.Udp;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Tcp, Udp and the endpoints go through {@link EventLoop}, so code that listens and connects is
 * tested with a {@link MemoryReactor}: no socket is opened, the calls are recorded.
 */
class MemoryReactorSeamTest {

    /** Code under test: an echo service that closes a connection idle for a minute. */
    static ListeningPort startEcho(EventLoop reactor, int port) throws Exception {
        return Tcp.listen(reactor, new InetSocketAddress("127.0.0.1", port), Factory.forProtocol(() -> new Protocol() {
            private DelayedCall idle;

            @Override
            public void connectionMade() {
                idle = reactor.callLater(Duration.ofMinutes(1), transport::loseConnection);
            }

            @Override
            public void dataReceived(ByteBuffer data) {
                idle.reset(Duration.ofMinutes(1));
                transport.write(data);
            }
        }), TcpOptions.defaults().withMaxConnections(100));
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aTcpListenIsRecordedAndItsFactoryIsTestedOverAStringTransportWithFakeTime() throws Exception {
        MemoryReactor reactor = new MemoryReactor();
        ListeningPort port = startEcho(reactor, 8080);

        MemoryReactor.TcpServer server = reactor.tcpServers().get(0);
        assertEquals(new InetSocketAddress("127.0.0.1", 8080), server.address());
        assertEquals(100, server.options().maxConnections());
        assertSame(server.port(), port);
        assertEquals(8080, port.getPort());

        StringTransport transport = new StringTransport();
        Protocol protocol = server.factory().buildProtocol(transport.getPeer());
        transport.connect(protocol);
        protocol.dataReceived(ascii("hello"));
        assertEquals("hello", transport.valueAsString());
        reactor.clock().advance(Duration.ofSeconds(59));
        assertFalse(transport.loseConnectionCalled());
        reactor.clock().advance(Duration.ofSeconds(1));
        assertTrue(transport.loseConnectionCalled(), "idle for a minute of fake time");

        reactor.stop();
        assertFalse(port.isListening(), "stop() stops every recorded port");
    }

    @Test
    void aTcpConnectIsRecordedAndNothingIsCalledUntilTheTestSaysSo() {
        MemoryReactor reactor = new MemoryReactor();
        ClientFactory client = new ClientFactory() {
            @Override
            public Protocol buildProtocol(SocketAddress peer) {
                return new Protocol() { };
            }
        };
        InetSocketAddress destination = new InetSocketAddress("192.0.2.7", 6379);
        Connector connector = Tcp.connect(reactor, destination, client,
                TcpOptions.defaults().withConnectTimeout(Duration.ofSeconds(3)));

        MemoryReactor.TcpClient recorded = reactor.tcpClients().get(0);
        assertEquals(destination, recorded.address());
        assertSame(client, recorded.factory());
        assertEquals(Duration.ofSeconds(3), recorded.options().connectTimeout());
        assertSame(recorded.connector(), connector);
        assertEquals(destination, connector.getDestination());
        connector.stopConnecting();
        assertEquals(1, recorded.connector().stopConnectingCalls());
    }

    @Test
    void aUdpListenIsRecordedAndTheProtocolWritesToARecordingPort() throws Exception {
        MemoryReactor reactor = new MemoryReactor();
        DatagramProtocol echo = new DatagramProtocol() {
            @Override
            public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
                transport.write(data, sender);
            }
        };
        DatagramTransport port = Udp.listen(reactor, new InetSocketAddress("127.0.0.1", 0), echo,
                UdpOptions.defaults().withMaxQueuedDatagrams(8));

        MemoryReactor.UdpServer server = reactor.udpServers().get(0);
        assertSame(echo, server.protocol());
        assertEquals(8, server.options().maxQueuedDatagrams());
        assertSame(port, echo.transport());
        assertTrue(port.getHost().getPort() > 0, "port 0 gets a made-up port: " + port.getHost());

        InetSocketAddress sender = new InetSocketAddress("127.0.0.1", 40000);
        echo.datagramReceived(ascii("ping"), sender);
        RecordingDatagramTransport.Datagram sent = server.port().written().get(0);
        assertEquals("ping", new String(sent.data(), StandardCharsets.US_ASCII));
        assertEquals(sender, sent.address());
    }

    @Test
    void endpointStringsGoThroughTheSameSeam() {
        MemoryReactor reactor = new MemoryReactor();
        CompletableFuture<ListeningPort> listening = Endpoints.server(reactor, "tcp:2121:interface=127.0.0.1:backlog=64",
                Factory.forProtocol(() -> new Protocol() { }));
        assertTrue(listening.isDone(), "on the loop thread the endpoint listens at once");
        MemoryReactor.TcpServer server = reactor.tcpServers().get(0);
        assertEquals(new InetSocketAddress("127.0.0.1", 2121), server.address());
        assertEquals(64, server.options().backlog());

        Endpoints.client(reactor, "tcp:host=127.0.0.1:port=2121:timeout=5", Factory.forProtocol(() -> new Protocol() { }));
        MemoryReactor.TcpClient client = reactor.tcpClients().get(0);
        assertEquals(new InetSocketAddress("127.0.0.1", 2121), client.address());
        // The endpoint's deadline of 5 s, which it lets the attempt overshoot by a hair.
        Duration timeout = client.options().connectTimeout();
        assertTrue(timeout.compareTo(Duration.ofSeconds(5)) >= 0 && timeout.compareTo(Duration.ofMillis(5001)) <= 0,
                timeout.toString());
    }
}
