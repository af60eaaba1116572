package io.twine.transport.endpoints;

import static io.twine.transport.endpoints.EndpointsNetworkTest.resolving;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.testing.ReactorThread;
import io.twine.testing.StaticResolver;
import io.twine.transport.tcp.Tcp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connects by host name with Happy Eyeballs, on loopback addresses: one black-holed address
 * (a listener whose backlog is full, so the kernel drops our SYN) before a working one.
 */
@Timeout(60)
class HappyEyeballsTest {

    private static InetAddress ip(String literal) throws IOException {
        return InetAddress.getByName(literal);
    }

    /** A listener on {@code host} that never accepts, its backlog filled: further connects hang. */
    private static final class BlackHole implements AutoCloseable {
        final ServerSocketChannel deaf = ServerSocketChannel.open();
        final Socket one = new Socket();
        final Socket two = new Socket();

        BlackHole(String host, int port) throws IOException {
            deaf.bind(new InetSocketAddress(host, port), 1);
            InetSocketAddress address = (InetSocketAddress) deaf.getLocalAddress();
            one.connect(address, 5_000);
            two.connect(address, 5_000);
        }

        int port() throws IOException {
            return ((InetSocketAddress) deaf.getLocalAddress()).getPort();
        }

        @Override
        public void close() throws IOException {
            one.close();
            two.close();
            deaf.close();
        }
    }

    /**
     * Sockets this process holds open. Sockets only: a JVM opens and closes other descriptors on
     * its own threads at any time (a jar read by a class loading late), which made a count of
     * every descriptor flaky on a busy machine.
     */
    private static long openSockets() throws IOException {
        long sockets = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
                        sockets++;
                    }
                } catch (IOException closedMeanwhile) {
                    // not open any more: not counted
                }
            }
        }
        return sockets;
    }

    /**
     * Turns the loop until at most {@code limit} sockets are open (closed channels are freed by a
     * select); the deadline only bounds a wait that normally ends within a few turns.
     */
    private static void awaitSocketsAtMost(ReactorThread rt, long limit) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long open = openSockets();
        while (open > limit && System.nanoTime() < deadline) {
            rt.call(() -> null);
            open = openSockets();
        }
        assertTrue(open <= limit, "expected at most " + limit + " sockets, found " + open);
    }

    @Test
    void addressesAreInterleavedByFamilyStartingWithTheFirstOnesFamily() throws Exception {
        InetAddress a6 = ip("::1");
        InetAddress b6 = ip("::2");
        InetAddress c6 = ip("::3");
        InetAddress a4 = ip("127.0.0.1");
        InetAddress b4 = ip("127.0.0.2");
        assertEquals(List.of(a6, a4, b6, b4, c6), HostConnector.interleaveByFamily(List.of(a6, b6, c6, a4, b4)));
        assertEquals(List.of(a4, a6, b4, b6, c6), HostConnector.interleaveByFamily(List.of(a4, b4, a6, b6, c6)));
        assertEquals(List.of(a4, b4), HostConnector.interleaveByFamily(List.of(a4, b4)));
    }

    @Test
    void aBlackHoledFirstAddressDoesNotHoldTheConnectBack() throws Exception {
        try (ReactorThread rt = ReactorThread.start(); BlackHole hole = new BlackHole("127.0.0.2", 0)) {
            // The working server on another loopback address, same port.
            ListeningPort server = rt.call(() -> Tcp.listen(rt.reactor(), new InetSocketAddress("127.0.0.1", hole.port()),
                    Factory.forProtocol(EndpointsNetworkTest.Echo::new)));
            StaticResolver resolver = new StaticResolver().add("twine.test", ip("127.0.0.2"), ip("127.0.0.1"));
            CompletableFuture<Protocol> connecting = Endpoints.client(resolving(rt, resolver),
                    "tcp:host=twine.test:port=" + hole.port() + ":timeout=30", Factory.forProtocol(EndpointsNetworkTest.Greeter::new));
            // One address after the other would spend the whole 30 s timeout on the first. A bound,
            // not a measurement: the wait ends as soon as the connect does, 250 ms in or so.
            EndpointsNetworkTest.Greeter greeter = (EndpointsNetworkTest.Greeter) connecting.get(10, TimeUnit.SECONDS);
            assertEquals(ip("127.0.0.1"), ((InetSocketAddress) greeter.transport().getPeer()).getAddress());
            assertEquals("hello", ReactorThread.await(greeter.reply));
            rt.run(server::stopListening);
            // The losing attempt was stopped: only the winning connection's two ends are left.
            assertEquals(2, (int) rt.call(() -> rt.reactor().trackedCount()));
        }
    }

    @Test
    void cancellingStopsEveryAttemptAndLeavesNoSocketOpen() throws Exception {
        try (ReactorThread rt = ReactorThread.start(); BlackHole hole = new BlackHole("127.0.0.2", 0)) {
            StaticResolver resolver = new StaticResolver().add("twine.test", ip("127.0.0.2"), ip("127.0.0.2"), ip("127.0.0.2"));
            resolving(rt, resolver);
            rt.call(() -> null);
            long before = openSockets();
            CompletableFuture<Protocol> connecting = Endpoints.client(rt.reactor(),
                    "tcp:host=twine.test:port=" + hole.port() + ":timeout=30", Factory.forProtocol(EndpointsNetworkTest.Greeter::new));
            // Wait for the second attempt (250 ms after the first): two connectors are in flight.
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((int) rt.call(() -> rt.reactor().trackedCount()) < 2 && System.nanoTime() < waitUntil) {
                Thread.onSpinWait();
            }
            assertTrue((int) rt.call(() -> rt.reactor().trackedCount()) >= 2, "two attempts in flight");
            assertTrue(connecting.cancel(false));
            awaitSocketsAtMost(rt, before);
            assertEquals(0, (int) rt.call(() -> rt.reactor().trackedCount()), "no attempt is left");
        }
    }

    @Test
    void aConnectionThatCompletesAfterTheCancelIsClosed() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            List<Reason> serverLosses = new CopyOnWriteArrayList<>();
            CompletableFuture<Reason> serverLost = new CompletableFuture<>();
            ListeningPort server = rt.call(() -> Tcp.listen(rt.reactor(), new InetSocketAddress("127.0.0.1", 0),
                    Factory.forProtocol(() -> new Protocol() {
                        @Override
                        public void connectionLost(Reason reason) {
                            serverLosses.add(reason);
                            serverLost.complete(reason);
                        }
                    })));
            int port = ((InetSocketAddress) server.getHost()).getPort();
            rt.call(() -> null);
            long before = openSockets();
            AtomicReference<CompletableFuture<Protocol>> future = new AtomicReference<>();
            CompletableFuture<Reason> clientLost = new CompletableFuture<>();
            rt.run(() -> future.set(Endpoints.client(rt.reactor(), "tcp:host=127.0.0.1:port=" + port,
                    Factory.forProtocol(() -> new Protocol() {
                        @Override
                        public void connectionMade() {
                            // The connection is made, its future not completed yet: the caller cancels now.
                            future.get().cancel(false);
                        }

                        @Override
                        public void connectionLost(Reason reason) {
                            clientLost.complete(reason);
                        }
                    }))));
            assertEquals(Reason.Kind.ABORTED, ReactorThread.await(clientLost).kind());
            ReactorThread.await(serverLost);
            assertTrue(future.get().isCancelled());
            awaitSocketsAtMost(rt, before);
        }
    }

    @Test
    void bindAddressIsTheSourceOfTheConnection() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            CompletableFuture<InetSocketAddress> peer = new CompletableFuture<>();
            ListeningPort server = rt.call(() -> Tcp.listen(rt.reactor(), new InetSocketAddress("127.0.0.1", 0),
                    Factory.forProtocol(() -> new Protocol() {
                        @Override
                        public void connectionMade() {
                            peer.complete((InetSocketAddress) transport.getPeer());
                        }
                    })));
            int port = ((InetSocketAddress) server.getHost()).getPort();
            ClientEndpoint endpoint = ClientEndpoint.parse("tcp:host=127.0.0.1:port=" + port + ":bindAddress=127.0.0.5");
            assertEquals(endpoint, ClientEndpoint.parse(endpoint.toString()));
            ReactorThread.await(endpoint.connect(rt.reactor(), Factory.forProtocol(EndpointsNetworkTest.Greeter::new)));
            assertEquals(ip("127.0.0.5"), ReactorThread.await(peer).getAddress());
        }
    }
}
