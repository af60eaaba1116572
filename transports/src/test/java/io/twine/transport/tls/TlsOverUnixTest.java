package io.twine.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.protocol.Factory;
import io.twine.protocol.PeerCredentials;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.testing.ReactorThread;
import io.twine.transport.unix.Unix;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS is a layer over any stream transport: here over a Unix domain socket, unchanged. */
@Timeout(60)
class TlsOverUnixTest {

    @TempDir
    Path dir;

    @Test
    void aTlsConversationOverASocketFileSeesThePeersCredentialsThroughTheLayer() throws Exception {
        Path path = dir.resolve("tls.sock");
        CompletableFuture<String> heard = new CompletableFuture<>();
        CompletableFuture<PeerCredentials> credentials = new CompletableFuture<>();
        CompletableFuture<Reason> serverLost = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            TlsOptions serverOptions = TestCertificates.localhostServer().build();
            rt.call(() -> Unix.listen(rt.reactor(), path, Tls.server(rt.reactor(), serverOptions,
                    Factory.forProtocol(() -> new Protocol() {
                        @Override
                        public void connectionMade() {
                            credentials.complete(transport.getPeerCredentials().orElseThrow());
                        }

                        @Override
                        public void dataReceived(ByteBuffer data) {
                            heard.complete(StandardCharsets.UTF_8.decode(data).toString());
                            transport.write("over tls".getBytes(StandardCharsets.UTF_8));
                            transport.loseConnection();
                        }

                        @Override
                        public void connectionLost(Reason reason) {
                            serverLost.complete(reason);
                        }
                    }))));
            CompletableFuture<Reason> clientLost = new CompletableFuture<>();
            Recorder client = new Recorder() {
                @Override
                public void handshakeCompleted() {
                    super.handshakeCompleted();
                    transport.write("hello".getBytes(StandardCharsets.UTF_8));
                }

                @Override
                public void connectionLost(Reason reason) {
                    super.connectionLost(reason);
                    clientLost.complete(reason);
                }
            };
            TlsOptions clientOptions = TestCertificates.trustingClient().build();
            rt.run(() -> Unix.connect(rt.reactor(), path,
                    Tls.client(rt.reactor(), clientOptions, "localhost", Factory.forProtocol(() -> client))));
            assertEquals("hello", ReactorThread.await(heard));
            assertEquals(Files.getOwner(dir).getName(), ReactorThread.await(credentials).user().getName());
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(serverLost).kind());
            assertEquals(Reason.Kind.CLOSED_BY_PEER, ReactorThread.await(clientLost).kind());
            assertEquals("over tls", rt.call(client::text));
        }
    }
}
