package io.twine.transport.unix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.PeerCredentials;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.policies.WrappingFactory;
import io.twine.testing.ReactorThread;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class UnixSocketTest {

    @TempDir
    Path dir;

    /** Echoes, and records its transport's view of the connection. */
    static final class Echo extends Protocol {
        final CompletableFuture<Echo> made = new CompletableFuture<>();
        final CompletableFuture<Reason> lost = new CompletableFuture<>();

        @Override
        public void connectionMade() {
            transport.registerProducer(transport, true);
            made.complete(this);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }

        @Override
        public void connectionLost(Reason reason) {
            lost.complete(reason);
        }
    }

    @Test
    void echoesOverASocketFileWithTheSameTransportAsTcp() throws Exception {
        Path path = dir.resolve("echo.sock");
        CompletableFuture<Echo> server = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Unix.listen(rt.reactor(), path, Factory.forProtocol(() -> {
                Echo echo = new Echo();
                server.complete(echo);
                return echo;
            })));
            assertEquals(UnixDomainSocketAddress.of(path), port.getHost());
            byte[] sent = new byte[1 << 20];
            for (int i = 0; i < sent.length; i++) {
                sent[i] = (byte) (i % 251);
            }
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                Thread writer = new Thread(() -> {
                    try {
                        client.write(ByteBuffer.wrap(sent));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                writer.start();
                byte[] received = Channels.newInputStream(client).readNBytes(sent.length);
                writer.join(20_000);
                assertArrayEquals(sent, received);
            }
            Echo echo = ReactorThread.await(server);
            assertEquals(Reason.Kind.CLOSED_BY_PEER, ReactorThread.await(echo.lost).kind());
            assertEquals(UnixDomainSocketAddress.of(path), rt.call(() -> echo.transport().getHost()));
        }
    }

    @Test
    void clientConnectsAndSeesItsPeerAsThePathAndItselfAsUnnamed() throws Exception {
        Path path = dir.resolve("client.sock");
        try (ReactorThread rt = ReactorThread.start()) {
            rt.call(() -> Unix.listen(rt.reactor(), path, Factory.forProtocol(Echo::new)));
            Echo client = new Echo();
            CompletableFuture<Reason> failed = new CompletableFuture<>();
            rt.call(() -> Unix.connect(rt.reactor(), path, clientFactory(client, failed)));
            ReactorThread.await(client.made);
            assertEquals(UnixDomainSocketAddress.of(path), rt.call(() -> client.transport().getPeer()));
            assertEquals("", rt.call(() -> ((UnixDomainSocketAddress) client.transport().getHost()).getPath().toString()));
            rt.run(() -> client.transport().loseConnection());
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(client.lost).kind());
        }
    }

    @Test
    void theProtocolSeesThePeersUserAndGroup() throws Exception {
        Path path = dir.resolve("creds.sock");
        CompletableFuture<PeerCredentials> seen = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            rt.call(() -> Unix.listen(rt.reactor(), path, Factory.forProtocol(() -> new Protocol() {
                @Override
                public void connectionMade() {
                    seen.complete(transport.getPeerCredentials().orElseThrow());
                    transport.loseConnection();
                }
            })));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                PeerCredentials credentials = ReactorThread.await(seen);
                assertEquals(Files.getOwner(dir).getName(), credentials.user().getName());
                assertEquals(-1, client.read(ByteBuffer.allocate(1)));
            }
        }
    }

    @Test
    void aWrappingLayerPassesThePeersCredentialsThrough() throws Exception {
        Path path = dir.resolve("wrapped.sock");
        CompletableFuture<PeerCredentials> seen = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            rt.call(() -> Unix.listen(rt.reactor(), path, new WrappingFactory(Factory.forProtocol(() -> new Protocol() {
                @Override
                public void connectionMade() {
                    seen.complete(transport.getPeerCredentials().orElseThrow());
                    transport.loseConnection();
                }
            }))));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                assertEquals(Files.getOwner(dir).getName(), ReactorThread.await(seen).user().getName());
            }
        }
    }

    @Test
    void aServerCanRefuseAUserByItsCredentials() throws Exception {
        Path path = dir.resolve("refuse.sock");
        try (ReactorThread rt = ReactorThread.start()) {
            rt.call(() -> Unix.listen(rt.reactor(), path, Factory.forProtocol(() -> new Protocol() {
                @Override
                public void connectionMade() {
                    String user = transport.getPeerCredentials().map(c -> c.user().getName()).orElse("?");
                    transport.write(("go away, " + user + "\n").getBytes(StandardCharsets.UTF_8));
                    transport.loseConnection();
                }
            })));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                String said = new String(Channels.newInputStream(client).readAllBytes(), StandardCharsets.UTF_8);
                assertEquals("go away, " + System.getProperty("user.name") + "\n", said);
            }
        }
    }

    @Test
    void theSocketFileGetsTheDefaultModeOrTheOneAskedFor() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            Path byDefault = dir.resolve("default.sock");
            rt.call(() -> Unix.listen(rt.reactor(), byDefault, Factory.forProtocol(Echo::new)));
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(byDefault, LinkOption.NOFOLLOW_LINKS);
            // 0666 masked by the umask: a new regular file gets exactly that.
            Path regular = Files.createFile(dir.resolve("regular"));
            assertEquals(Files.getPosixFilePermissions(regular), mode);

            Path asked = dir.resolve("asked.sock");
            rt.call(() -> Unix.listen(rt.reactor(), asked, Factory.forProtocol(Echo::new),
                    UnixOptions.defaults().withMode(0660)));
            assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE),
                    Files.getPosixFilePermissions(asked, LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void aStaleFileLeftByADeadServerIsReplaced() throws Exception {
        Path path = dir.resolve("stale.sock");
        // A server that "died": bound, then closed without removing its file.
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(path));
        dead.close();
        assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        try (ReactorThread rt = ReactorThread.start()) {
            rt.call(() -> Unix.listen(rt.reactor(), path, Factory.forProtocol(Echo::new)));
            assertEquals("pong", exchange(path, "pong"));
        }
    }

    @Test
    void aLiveServerIsNeverStolen() throws Exception {
        Path path = dir.resolve("live.sock");
        try (ReactorThread rt = ReactorThread.start()) {
            rt.call(() -> Unix.listen(rt.reactor(), path, Factory.forProtocol(Echo::new)));
            IOException error = listenFails(rt, () -> Unix.listen(rt.reactor(), path, Factory.forProtocol(Echo::new)));
            assertTrue(error.getMessage().contains("in use by a running server"), error.getMessage());
            assertEquals("still mine", exchange(path, "still mine"));
        }
    }

    @Test
    void aLockFileKeepsASecondServerOutAndGoesAwayWithThePort() throws Exception {
        Path path = dir.resolve("locked.sock");
        try (ReactorThread rt = ReactorThread.start()) {
            UnixOptions locked = UnixOptions.defaults().withLockFile(true);
            ListeningPort port = rt.call(() -> Unix.listen(rt.reactor(), path, Factory.forProtocol(Echo::new), locked));
            assertTrue(Files.exists(dir.resolve("locked.sock.lock")));
            IOException error = listenFails(rt, () -> Unix.listen(rt.reactor(), path, Factory.forProtocol(Echo::new), locked));
            assertTrue(error.getMessage().contains("lock file"), error.getMessage());
            rt.run(port::stopListening);
            assertFalse(Files.exists(dir.resolve("locked.sock.lock")));
            assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void aPathThatIsNotASocketIsLeftAlone() throws Exception {
        Path path = Files.writeString(dir.resolve("notes.txt"), "precious");
        try (ReactorThread rt = ReactorThread.start()) {
            IOException error = listenFails(rt, () -> Unix.listen(rt.reactor(), path, Factory.forProtocol(Echo::new)));
            assertTrue(error.getMessage().contains("not a socket"), error.getMessage());
            assertEquals("precious", Files.readString(path));
        }
    }

    @Test
    void aPathTooLongFailsNamingTheLimitAndTheLengthBeforeCreatingAnything() throws Exception {
        Path path = dir.resolve("x".repeat(200) + ".sock");
        int length = path.toString().getBytes(StandardCharsets.UTF_8).length;
        try (ReactorThread rt = ReactorThread.start()) {
            IOException error = listenFails(rt, () -> Unix.listen(rt.reactor(), path,
                    Factory.forProtocol(Echo::new), UnixOptions.defaults().withLockFile(true)));
            assertTrue(error.getMessage().contains(length + " bytes"), error.getMessage());
            assertTrue(error.getMessage().contains(String.valueOf(SocketFile.MAX_PATH_BYTES)), error.getMessage());
            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(0, left.count());
            }
        }
    }

    @Test
    void theFileIsRemovedWhenThePortStopsAndWhenTheReactorStops() throws Exception {
        Path stopped = dir.resolve("stopped.sock");
        Path atShutdown = dir.resolve("shutdown.sock");
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Unix.listen(rt.reactor(), stopped, Factory.forProtocol(Echo::new)));
            rt.call(() -> Unix.listen(rt.reactor(), atShutdown, Factory.forProtocol(Echo::new)));
            rt.run(port::stopListening);
            assertFalse(Files.exists(stopped, LinkOption.NOFOLLOW_LINKS));
            assertTrue(Files.exists(atShutdown, LinkOption.NOFOLLOW_LINKS));
        }
        assertFalse(Files.exists(atShutdown, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void connectingToNothingReachesClientConnectionFailed() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            CompletableFuture<Reason> failed = new CompletableFuture<>();
            rt.call(() -> Unix.connect(rt.reactor(), dir.resolve("nobody.sock"), clientFactory(new Echo(), failed)));
            assertEquals(Reason.Kind.ERROR, ReactorThread.await(failed).kind());
        }
    }

    @Test
    void halfCloseWorksAsOverTcp() throws Exception {
        Path path = dir.resolve("half.sock");
        CompletableFuture<String> answer = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            // Reads until the peer's end of input, then answers with what it counted and closes.
            rt.call(() -> Unix.listen(rt.reactor(), path, Factory.forProtocol(() -> new CountingHalfCloser())));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                client.write(ByteBuffer.wrap("12345".getBytes(StandardCharsets.US_ASCII)));
                client.shutdownOutput();
                answer.complete(new String(Channels.newInputStream(client).readAllBytes(), StandardCharsets.US_ASCII));
            }
            assertEquals("5", answer.get());
        }
    }

    static final class CountingHalfCloser extends Protocol implements HalfCloseableProtocol {
        int count;

        @Override
        public void dataReceived(ByteBuffer data) {
            count += data.remaining();
            data.position(data.limit());
        }

        @Override
        public void readConnectionLost() {
            transport.write(String.valueOf(count).getBytes(StandardCharsets.US_ASCII));
            transport.loseConnection();
        }

        @Override
        public void writeConnectionLost() {}
    }

    @Test
    void aThousandConnectCloseCyclesLeaveNoDescriptorAndNoFileBehind() throws Exception {
        Path path = dir.resolve("cycles.sock");
        AtomicInteger lost = new AtomicInteger();
        Set<String> before;
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Unix.listen(rt.reactor(), path, Factory.forProtocol(() -> new Protocol() {
                @Override
                public void connectionLost(Reason reason) {
                    lost.incrementAndGet();
                }
            })));
            before = openDescriptors();
            for (int i = 0; i < 1000; i++) {
                CompletableFuture<Reason> clientLost = new CompletableFuture<>();
                Echo client = new Echo();
                rt.call(() -> Unix.connect(rt.reactor(), path, clientFactory(client, clientLost)));
                ReactorThread.await(client.made);
                rt.run(() -> client.transport().loseConnection());
                ReactorThread.await(client.lost);
            }
            for (int turn = 0; turn < 1000 && (lost.get() < 1000 || !openedSince(before).isEmpty()); turn++) {
                rt.call(() -> null);  // the loop frees a closed channel's descriptor at its next select
            }
            assertEquals(1000, lost.get());
            Set<String> left = openedSince(before);
            assertTrue(left.isEmpty(), "descriptors opened by the cycles and still open: " + left);
            rt.run(port::stopListening);
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count());
        }
    }

    private static String exchange(Path path, String text) throws IOException {
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            client.write(ByteBuffer.wrap(bytes));
            return new String(Channels.newInputStream(client).readNBytes(bytes.length), StandardCharsets.UTF_8);
        }
    }

    /** Runs a listen that must fail on the loop, and gives what it threw. */
    private static IOException listenFails(ReactorThread rt, Callable<ListeningPort> listen) {
        IllegalStateException wrapped = assertThrows(IllegalStateException.class, () -> rt.call(listen));
        return assertInstanceOf(IOException.class, wrapped.getCause());
    }

    /**
     * This process's open descriptors, each as "number->target": compared as sets, so a descriptor
     * another thread closes meanwhile cannot hide one the test left open, nor fail it.
     */
    private static Set<String> openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            Set<String> open = new HashSet<>();
            fds.forEach(fd -> {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (!target.endsWith("fd")) {  // the listing's own directory
                        open.add(fd.getFileName() + "->" + target);
                    }
                } catch (IOException closedMeanwhile) {
                    // gone between the listing and the read: not open
                }
            });
            return open;
        }
    }

    /** The descriptors open now that were not open in {@code before}. */
    private static Set<String> openedSince(Set<String> before) throws IOException {
        Set<String> now = openDescriptors();
        now.removeAll(before);
        return now;
    }

    private static ClientFactory clientFactory(Protocol protocol, CompletableFuture<Reason> failed) {
        return new ClientFactory() {
            @Override
            public Protocol buildProtocol(SocketAddress peer) {
                return protocol;
            }

            @Override
            public void clientConnectionFailed(Connector connector, Reason reason) {
                failed.complete(reason);
            }
        };
    }
}
