package io.twine.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.testing.ReactorThread;
import io.twine.transport.endpoints.ClientEndpoint;
import io.twine.transport.endpoints.Endpoints;
import io.twine.transport.endpoints.ServerEndpoint;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ssl: server and tls: client endpoint strings, parsed and on real sockets. */
@Timeout(60)
class TlsEndpointsTest {

    private static final String KEY = TestCertificates.file("localhost-key.pem").toString();
    private static final String CHAIN = TestCertificates.file("localhost.pem").toString();
    private static final String CA = TestCertificates.file("ca.pem").toString();

    @Test
    void sslServerEndpointNamesItsPemFilesAndPrintsCanonically() {
        ServerEndpoint endpoint = ServerEndpoint.parse("ssl:8443:privateKey=" + KEY + ":certKey=" + CHAIN + ":interface=127.0.0.1");
        assertEquals(ServerEndpoint.Type.SSL, endpoint.type());
        assertEquals(8443, endpoint.port());
        assertEquals(Path.of(KEY), endpoint.privateKey());
        assertEquals(Path.of(CHAIN), endpoint.certificateChain());
        assertEquals(endpoint, ServerEndpoint.parse(endpoint.toString()));
    }

    @Test
    void sslServerEndpointWithoutAKeyIsRefusedWithTheFieldNamed() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerEndpoint.parse("ssl:8443:certKey=" + CHAIN));
        assertTrue(error.getMessage().contains("privateKey"), error.getMessage());
    }

    @Test
    void tlsClientEndpointNamesHostPortAndTrustRoots() {
        ClientEndpoint endpoint = ClientEndpoint.parse("tls:example.com:443:trustRoots=" + CA);
        assertTrue(endpoint.isTls());
        assertEquals("example.com", endpoint.host());
        assertEquals(443, endpoint.port());
        assertEquals(Path.of(CA), endpoint.trustRoots());
        assertEquals(endpoint, ClientEndpoint.parse(endpoint.toString()));
        assertEquals(null, ClientEndpoint.parse("tls:example.com:443").trustRoots());
    }

    /** Echoes one line back. */
    static final class Echo extends Protocol {
        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    static final class Asker extends Protocol {
        final CompletableFuture<String> answer = new CompletableFuture<>();

        @Override
        public void connectionMade() {
            transport.write("ping".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            answer.complete(StandardCharsets.US_ASCII.decode(data).toString());
        }
    }

    @Test
    void sslServerAndTlsClientFromStringsTalk() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = ReactorThread.await(Endpoints.server(rt.reactor(),
                    "ssl:0:interface=127.0.0.1:privateKey=" + KEY + ":certKey=" + CHAIN, Factory.forProtocol(Echo::new)));
            int number = ((InetSocketAddress) port.getHost()).getPort();
            Asker asker = new Asker();
            Protocol connected = ReactorThread.await(Endpoints.client(rt.reactor(),
                    "tls:localhost:" + number + ":trustRoots=" + CA, Factory.forProtocol(() -> asker)));
            assertSame(asker, connected, "the future carries the protocol itself, after the handshake");
            assertTrue(connected.transport() instanceof TlsTransport);
            assertEquals("ping", ReactorThread.await(asker.answer));
        }
    }

    @Test
    void tlsClientThatDoesNotTrustTheServerFailsTheFuture() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = ReactorThread.await(Endpoints.server(rt.reactor(),
                    "ssl:0:interface=127.0.0.1:privateKey=" + KEY + ":certKey=" + CHAIN, Factory.forProtocol(Echo::new)));
            int number = ((InetSocketAddress) port.getHost()).getPort();
            CompletableFuture<Protocol> connecting = Endpoints.client(rt.reactor(), "tls:localhost:" + number,
                    Factory.forProtocol(Asker::new));
            Throwable failure = assertThrows(Throwable.class, () -> ReactorThread.await(connecting));
            while (!(failure instanceof SSLException) && failure.getCause() != null) {
                failure = failure.getCause();  // past the wrappers of the future and the test kit
            }
            assertTrue(failure instanceof SSLException, failure.toString());
            assertTrue(failure.getMessage().startsWith("TLS handshake failed"), failure.getMessage());
        }
    }
}
