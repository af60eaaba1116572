package io.twine.transport.tcp;

import static io.twine.transport.tcp.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
import io.twine.reactor.TcpOptions;
import io.twine.testing.ReactorThread;
import io.twine.transport.udp.Udp;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The failure rule as the transports apply it, for each kind of {@link Throwable}: a TCP
 * protocol's callback that throws costs its own connection (a {@link LinkageError} included),
 * a UDP protocol's costs nothing but a report, and what is fatal to the JVM ends {@code run()}.
 */
@Timeout(60)
class CallbackFailureTest {

    enum Thrown {
        RUNTIME_EXCEPTION(() -> new IllegalStateException("a bug in dataReceived"), false),
        CHECKED_EXCEPTION(() -> new IOException("thrown without being declared"), false),
        STACK_OVERFLOW(StackOverflowError::new, false),
        LINKAGE_ERROR(() -> new NoClassDefFoundError("io/example/Missing"), false),
        OUT_OF_MEMORY(() -> new OutOfMemoryError("Java heap space"), true);

        final Supplier<Throwable> make;
        final boolean fatal;

        Thrown(Supplier<Throwable> make, boolean fatal) {
            this.make = make;
            this.fatal = fatal;
        }
    }

    /** Throws on the first bytes whose text is "throw"; echoes anything else. */
    static final class ThrowsOnRequest extends Loopback.Recording {
        final Throwable error;

        ThrowsOnRequest(Throwable error) {
            this.error = error;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            if (StandardCharsets.US_ASCII.decode(data.duplicate()).toString().equals("throw")) {
                sneakyThrow(error);
            }
            transport().write(data);
        }
    }

    @ParameterizedTest
    @EnumSource(Thrown.class)
    void aThrowingTcpCallbackClosesItsConnectionOnlyUnlessTheErrorIsFatal(Thrown thrown) throws Exception {
        Throwable error = thrown.make.get();
        Reactor reactor = new Reactor();
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        reactor.setErrorReporter((context, e) -> reported.add(e));
        ReactorThread rt = ReactorThread.start(reactor);
        List<ThrowsOnRequest> protocols = new CopyOnWriteArrayList<>();
        ListeningPort port = rt.call(() -> Tcp.listen(reactor, ANY_PORT, Factory.forProtocol(() -> {
            ThrowsOnRequest protocol = new ThrowsOnRequest(error);
            protocols.add(protocol);
            return protocol;
        }), TcpOptions.defaults()));
        int portNumber = ((InetSocketAddress) port.getHost()).getPort();
        try (Socket bystander = new Socket("127.0.0.1", portNumber); Socket victim = new Socket("127.0.0.1", portNumber)) {
            assertEquals("hello", echo(bystander, "hello"));
            victim.getOutputStream().write("throw".getBytes(StandardCharsets.US_ASCII));
            if (thrown.fatal) {
                rt.thread().join(30_000);  // the loop ends by itself
                assertSame(error, assertThrows(Throwable.class, rt::close), "run() ends with the very error");
                assertEquals(List.of(), reported);
                return;
            }
            assertEquals(-1, victim.getInputStream().read(), "the failing connection is closed");
            Reason reason = ReactorThread.await(protocols.get(1).lost);
            assertEquals(Reason.Kind.ERROR, reason.kind());
            assertSame(error, reason.cause());
            assertEquals(List.of(error), reported);
            assertEquals("still here", echo(bystander, "still here"), "the other connection is untouched");
        }
        rt.close();
    }

    @ParameterizedTest
    @EnumSource(Thrown.class)
    void aThrowingUdpCallbackLeavesThePortOpenUnlessTheErrorIsFatal(Thrown thrown) throws Exception {
        Throwable error = thrown.make.get();
        Reactor reactor = new Reactor();
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        reactor.setErrorReporter((context, e) -> reported.add(e));
        ReactorThread rt = ReactorThread.start(reactor);
        CompletableFuture<String> afterwards = new CompletableFuture<>();
        DatagramTransport port = rt.call(() -> Udp.listen(reactor, ANY_PORT, new DatagramProtocol() {
            @Override
            public void datagramReceived(ByteBuffer datagram, InetSocketAddress sender) {
                String text = StandardCharsets.US_ASCII.decode(datagram).toString();
                if (text.equals("throw")) {
                    sneakyThrow(error);
                }
                afterwards.complete(text);
            }
        }));
        try (DatagramSocket client = new DatagramSocket()) {
            send(client, port.getHost(), "throw");
            if (thrown.fatal) {
                rt.thread().join(30_000);  // the loop ends by itself
                assertSame(error, assertThrows(Throwable.class, rt::close), "run() ends with the very error");
                assertEquals(List.of(), reported);
                return;
            }
            send(client, port.getHost(), "next");
            assertEquals("next", ReactorThread.await(afterwards), "the port still receives");
            assertEquals(List.of(error), reported);
            assertTrue(rt.call(port::isListening));
        }
        rt.close();
    }

    private static String echo(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(socket.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable error) throws E {
        throw (E) error;
    }
}
