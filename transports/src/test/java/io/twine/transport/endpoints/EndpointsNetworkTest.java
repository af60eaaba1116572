package io.twine.transport.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.NameResolver;
import io.twine.reactor.Reactor;
import io.twine.testing.ReactorThread;
import io.twine.testing.StaticResolver;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EndpointsNetworkTest {

    /** Echoes what it reads; notes that connectionMade ran. */
    static final class Echo extends Protocol {
        volatile boolean made;

        @Override
        public void connectionMade() {
            made = true;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    /** Says "hello" and keeps what it gets back. */
    static final class Greeter extends Protocol {
        volatile boolean made;
        final CompletableFuture<String> reply = new CompletableFuture<>();

        @Override
        public void connectionMade() {
            made = true;
            transport.write("hello".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            reply.complete(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    /** Waits for a future that must fail, and returns what it failed with. */
    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the future to fail, it completed with " + future.getNow(null));
    }

    /**
     * Calls {@code start} while the loop is held, so that the future cannot complete before the
     * test has chained onto it; completes with whether it then completed on the loop thread.
     */
    private static CompletableFuture<Boolean> completesOnLoop(Reactor reactor, Supplier<CompletableFuture<?>> start)
            throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        reactor.callFromThread(() -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        held.await();
        CompletableFuture<Boolean> onLoop = start.get().handle((value, error) -> reactor.isInLoopThread());
        release.countDown();
        return onLoop;
    }

    private static int tcpPort(ListeningPort port) {
        return ((InetSocketAddress) port.getHost()).getPort();
    }

    @Test
    void tcpServerAndClientFromStringsTalkAndCompleteOnTheLoopThread() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            Reactor reactor = rt.reactor();
            Factory echoes = Factory.forProtocol(Echo::new);
            assertTrue(ReactorThread.await(completesOnLoop(reactor,
                    () -> Endpoints.server(reactor, "tcp:0:interface=127.0.0.1:backlog=10", echoes))));
            ListeningPort port = ReactorThread.await(Endpoints.server(reactor, "tcp:0:interface=127.0.0.1:backlog=10", echoes));
            assertEquals(InetAddress.getByName("127.0.0.1"), ((InetSocketAddress) port.getHost()).getAddress());

            String client = "tcp:host=127.0.0.1:port=" + tcpPort(port) + ":timeout=5";
            assertTrue(ReactorThread.await(completesOnLoop(reactor,
                    () -> Endpoints.client(reactor, client, Factory.forProtocol(Greeter::new)))));
            Greeter greeter = (Greeter) ReactorThread.await(Endpoints.client(reactor, client, Factory.forProtocol(Greeter::new)));
            assertTrue(greeter.made, "the future completes after connectionMade");
            assertEquals("hello", ReactorThread.await(greeter.reply));
        }
    }

    /** Installs {@code resolver} as the reactor's name resolver, on the loop, and returns the reactor. */
    static Reactor resolving(ReactorThread rt, NameResolver resolver) {
        rt.run(() -> rt.reactor().installNameResolver(resolver));
        return rt.reactor();
    }

    @Test
    void theLoopGoesOnWhileAHostNameIsBeingResolved() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            Reactor reactor = rt.reactor();
            ListeningPort port = ReactorThread.await(Endpoints.server(reactor, "tcp:0:interface=127.0.0.1",
                    Factory.forProtocol(Echo::new)));
            StaticResolver resolver = new StaticResolver().add("twine.test", InetAddress.getByName("127.0.0.1"));
            resolver.hold();
            CompletableFuture<Protocol> connecting = Endpoints.client(resolving(rt, resolver),
                    "tcp:host=twine.test:port=" + tcpPort(port), Factory.forProtocol(Greeter::new));
            while (resolver.lookups().isEmpty()) {
                rt.call(() -> null);  // the loop keeps turning: the lookup does not block it
            }
            assertFalse(connecting.isDone());
            resolver.release();
            Greeter greeter = (Greeter) ReactorThread.await(connecting);
            assertEquals("hello", ReactorThread.await(greeter.reply));
            // And with the JDK's own resolver on the worker threads, whatever order it gives localhost's addresses in.
            resolving(rt, NameResolver.system(reactor));
            Greeter again = (Greeter) ReactorThread.await(Endpoints.client(reactor,
                    "tcp:host=localhost:port=" + tcpPort(port) + ":timeout=5", Factory.forProtocol(Greeter::new)));
            assertEquals("hello", ReactorThread.await(again.reply));
        }
    }

    @Test
    void eachAddressIsTriedInTurnUntilOneConnects() throws Exception {
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v6 = InetAddress.getByName("::1");
        try (ReactorThread rt = ReactorThread.start()) {
            Reactor reactor = rt.reactor();
            // Only IPv4 listens: ::1, tried first, is refused.
            ListeningPort onV4 = ReactorThread.await(Endpoints.server(reactor, "tcp:0:interface=127.0.0.1",
                    Factory.forProtocol(Echo::new)));
            Greeter first = (Greeter) ReactorThread.await(ClientEndpoint.parse("tcp:host=twine.test:port=" + tcpPort(onV4))
                    .connect(resolving(rt, new StaticResolver().add("twine.test", v6, v4)), Factory.forProtocol(Greeter::new)));
            assertEquals(v4, ((InetSocketAddress) first.transport().getPeer()).getAddress());

            // Only IPv6 listens: 127.0.0.1, tried first, is refused.
            ListeningPort onV6 = ReactorThread.await(Endpoints.server(reactor, "tcp6:0:interface=\\:\\:1",
                    Factory.forProtocol(Echo::new)));
            Greeter second = (Greeter) ReactorThread.await(ClientEndpoint.parse("tcp:host=twine.test:port=" + tcpPort(onV6))
                    .connect(resolving(rt, new StaticResolver().add("twine.test", v4, v6)), Factory.forProtocol(Greeter::new)));
            assertEquals(v6, ((InetSocketAddress) second.transport().getPeer()).getAddress());
            assertEquals("hello", ReactorThread.await(second.reply));
        }
    }

    @Test
    void whenEveryAddressRefusesTheFailureListsEachOne() throws Exception {
        int deadPort;
        try (ServerSocketChannel closed = ServerSocketChannel.open()) {
            closed.bind(new InetSocketAddress("127.0.0.1", 0));
            deadPort = ((InetSocketAddress) closed.getLocalAddress()).getPort();
        }
        try (ReactorThread rt = ReactorThread.start()) {
            Throwable error = failure(ClientEndpoint.parse("tcp:host=twine.test:port=" + deadPort + ":timeout=10")
                    .connect(resolving(rt, new StaticResolver().add("twine.test", InetAddress.getByName("::1"),
                            InetAddress.getByName("127.0.0.1"))), Factory.forProtocol(Greeter::new)));
            assertTrue(error instanceof ConnectException, String.valueOf(error));
            assertTrue(error.getMessage().contains("[0:0:0:0:0:0:0:1]:" + deadPort)
                    && error.getMessage().contains("127.0.0.1:" + deadPort), error.getMessage());
        }
    }

    @Test
    void anUnknownHostFailsTheFuture() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            Throwable error = failure(ClientEndpoint.parse("tcp:host=twine.test:port=80")
                    .connect(resolving(rt, new StaticResolver()), Factory.forProtocol(Greeter::new)));
            assertTrue(error instanceof UnknownHostException, String.valueOf(error));
            assertTrue(error.getMessage().contains("twine.test"), error.getMessage());
        }
    }

    @Test
    void aConnectThatHangsEndsWithTheTimeout() throws Exception {
        // Backlog 1 and no accept: once the queue is full the kernel drops further SYNs.
        try (ServerSocketChannel deaf = ServerSocketChannel.open()) {
            deaf.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            InetSocketAddress address = (InetSocketAddress) deaf.getLocalAddress();
            try (Socket one = new Socket(); Socket two = new Socket(); ReactorThread rt = ReactorThread.start()) {
                one.connect(address, 5_000);
                two.connect(address, 5_000);
                Throwable error = failure(Endpoints.client(rt.reactor(),
                        "tcp:host=127.0.0.1:port=" + address.getPort() + ":timeout=0.5", Factory.forProtocol(Greeter::new)));
                assertTrue(error instanceof TimeoutException, String.valueOf(error));
                assertTrue(error.getMessage().contains("timed out after 500 ms"), error.getMessage());
            }
        }
    }

    @Test
    void aTakenPortFailsTheServerFutureNotTheCaller() throws Exception {
        try (ServerSocketChannel taken = ServerSocketChannel.open(); ReactorThread rt = ReactorThread.start()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            Throwable error = failure(Endpoints.server(rt.reactor(), "tcp:" + port + ":interface=127.0.0.1",
                    Factory.forProtocol(Echo::new)));
            assertTrue(error instanceof IOException, String.valueOf(error));
            assertTrue(error.getMessage().contains(String.valueOf(port)), error.getMessage());
        }
    }

    /** Sends each datagram back. */
    static final class DatagramEcho extends DatagramProtocol {
        @Override
        public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
            transport.write(data, sender);
        }
    }

    @Test
    void udpServerFromAString() throws Exception {
        try (ReactorThread rt = ReactorThread.start(); DatagramChannel client = DatagramChannel.open()) {
            DatagramTransport port = ReactorThread.await(Endpoints.server(rt.reactor(), "udp:0:interface=127.0.0.1",
                    new DatagramEcho()));
            client.bind(new InetSocketAddress("127.0.0.1", 0));
            client.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)), port.getHost());
            ByteBuffer reply = ByteBuffer.allocate(16);
            client.receive(reply);
            assertEquals("ping", new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aStringOfTheWrongKindIsRefusedAtTheCall() {
        Reactor reactor = new Reactor();
        IllegalArgumentException udpWithFactory = assertThrows(IllegalArgumentException.class,
                () -> Endpoints.server(reactor, "udp:0", Factory.forProtocol(Echo::new)));
        assertTrue(udpWithFactory.getMessage().contains("UDP endpoint"), udpWithFactory.getMessage());
        IllegalArgumentException tcpWithDatagrams = assertThrows(IllegalArgumentException.class,
                () -> Endpoints.server(reactor, "tcp:0", new DatagramEcho()));
        assertTrue(tcpWithDatagrams.getMessage().contains("stream endpoint"), tcpWithDatagrams.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Endpoints.client(reactor, "tcp:host=x:port=http", Factory.forProtocol(Greeter::new)));
        assertTrue(bad.getMessage().contains("field 'port'"), bad.getMessage());
    }
}
