package io.twine.transport.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.testing.ReactorThread;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class UnixEndpointTest {

    @TempDir
    Path dir;

    @Test
    void serverStringsReadAsTwistedWritesThemAndRoundTrip() {
        ServerEndpoint plain = ServerEndpoint.parse("unix:/run/app.sock");
        assertEquals(ServerEndpoint.Type.UNIX, plain.type());
        assertEquals(Path.of("/run/app.sock"), plain.path());
        assertFalse(plain.unixOptions().mode().isPresent());
        assertFalse(plain.unixOptions().lockFile());

        ServerEndpoint full = ServerEndpoint.parse("unix:address=/run/app.sock:mode=660:lockfile=1:backlog=7");
        assertEquals(0660, full.unixOptions().mode().getAsInt());
        assertTrue(full.unixOptions().lockFile());
        assertEquals(7, full.backlog());
        assertEquals(full, ServerEndpoint.parse(full.toString()));
        assertEquals(plain, ServerEndpoint.parse(plain.toString()));

        ServerEndpoint colons = ServerEndpoint.parse("unix:/tmp/a\\:b.sock");
        assertEquals(Path.of("/tmp/a:b.sock"), colons.path());
        assertEquals(colons, ServerEndpoint.parse(colons.toString()));
    }

    @Test
    void badUnixFieldsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerEndpoint.parse("unix:/a.sock:mode=999"))
                .getMessage().contains("mode"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerEndpoint.parse("unix:/a.sock:lockfile=yes"))
                .getMessage().contains("lockfile"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClientEndpoint.parse("unix:path=/a.sock:port=1"))
                .getMessage().contains("port"));
        assertThrows(IllegalStateException.class, () -> ServerEndpoint.parse("unix:/a.sock").address());
    }

    @Test
    void clientStringsReadAndRoundTrip() {
        ClientEndpoint named = ClientEndpoint.parse("unix:path=/run/app.sock:timeout=2.5");
        assertEquals(Path.of("/run/app.sock"), named.path());
        assertEquals(Duration.ofMillis(2500), named.timeout());
        assertEquals(named, ClientEndpoint.parse(named.toString()));
        assertEquals(Path.of("/run/app.sock"), ClientEndpoint.parse("unix:/run/app.sock").path());
    }

    @Test
    void aServerAndAClientFromStringsTalkOverASocketFileWithTheModeAsked() throws Exception {
        Path path = dir.resolve("talk.sock");
        CompletableFuture<String> heard = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = ReactorThread.await(Endpoints.server(rt.reactor(),
                    "unix:" + EndpointDescription.escape(path.toString()) + ":mode=600",
                    Factory.forProtocol(() -> new Protocol() {
                        @Override
                        public void dataReceived(ByteBuffer data) {
                            heard.complete(StandardCharsets.UTF_8.decode(data).toString());
                        }
                    })));
            assertEquals(UnixDomainSocketAddress.of(path), port.getHost());
            assertEquals(PosixFilePermissions.fromString("rw-------"),
                    Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
            Protocol client = ReactorThread.await(Endpoints.client(rt.reactor(),
                    "unix:path=" + EndpointDescription.escape(path.toString()), Factory.forProtocol(() -> new Protocol() {})));
            rt.run(() -> client.transport().write("hello".getBytes(StandardCharsets.UTF_8)));
            assertEquals("hello", ReactorThread.await(heard));
        }
    }

    @Test
    void aClientOfAPathNobodyListensOnFailsItsFuture() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            CompletableFuture<Protocol> result = Endpoints.client(rt.reactor(),
                    "unix:path=" + dir.resolve("nobody.sock"), Factory.forProtocol(() -> new Protocol() {}));
            CompletionException error = assertThrows(CompletionException.class, result::join);
            assertInstanceOf(ConnectException.class, error.getCause());
        }
    }
}
