package io.twine.transport.tcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.ReconnectingClientFactory;
import io.twine.protocol.basic.LineReceiver;
import io.twine.protocol.policies.IdleTimeoutFactory;
import io.twine.testing.ReactorThread;
import io.twine.testsupport.CapturedLog;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The protocol toolkit (framing, idle timeouts, reconnection) over real TCP on 127.0.0.1. */
@Timeout(60)
class ToolkitOverTcpTest {

    /** The connections these tests cut off on purpose are logged as warnings: kept off the console. */
    private final CapturedLog tcpLog = CapturedLog.of("io.twine.transport.tcp");

    @AfterEach
    void stopCapturing() {
        tcpLog.close();
    }

    /** Answers each line with its upper-case form; records how the connection ended. */
    static final class Shout extends LineReceiver {
        final CompletableFuture<Reason> lost = new CompletableFuture<>();

        @Override
        public void lineReceived(String line) {
            sendLine(line.toUpperCase());
        }

        @Override
        public void connectionLost(Reason reason) {
            lost.complete(reason);
        }
    }

    private static InetSocketAddress loopback() throws Exception {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
    }

    @Test
    void lineReceiverAnswersLinesSentInOddChunksAndClosesOnATooLongLine() throws Exception {
        CompletableFuture<Shout> server = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), loopback(), Factory.forProtocol(() -> {
                Shout shout = new Shout();
                shout.setMaxLength(100);
                server.complete(shout);
                return shout;
            })));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            List<String> sent = new ArrayList<>();
            StringBuilder stream = new StringBuilder();
            for (int i = 0; i < 500; i++) {
                String line = "line " + i + " héllo " + "x".repeat(i % 80);  // at most 95 bytes
                sent.add(line);
                stream.append(line).append("\r\n");
            }
            byte[] bytes = stream.toString().getBytes(UTF_8);
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(20_000);
                OutputStream out = socket.getOutputStream();
                Random random = new Random(5);
                for (int offset = 0; offset < bytes.length; ) {
                    int n = Math.min(bytes.length - offset, 1 + random.nextInt(300));
                    out.write(bytes, offset, n);
                    out.flush();
                    offset += n;
                }
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
                for (String line : sent) {
                    assertEquals(line.toUpperCase(), in.readLine());
                }
                // Nothing after it: bytes left unread at close would turn the FIN into a reset.
                out.write(("y".repeat(101) + "\r\n").getBytes(UTF_8));
                out.flush();
                assertEquals(null, in.readLine(), "the server closes after the too-long line");
            }
            Reason reason = ReactorThread.await(server.thenCompose(s -> s.lost));
            assertEquals(Reason.Kind.LIMIT_EXCEEDED, reason.kind());
            assertTrue(reason.message().endsWith("longer than the limit of 100 bytes"), reason.message());
            assertEquals(1, tcpLog.messages().size(), "logged once, for the operator: " + tcpLog.messages());
        }
    }

    @Test
    void idleTimeoutFactoryClosesASilentConnectionWithTimedOutReason() throws Exception {
        CompletableFuture<Shout> server = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), loopback(),
                    new IdleTimeoutFactory(rt.reactor(), Factory.forProtocol(() -> {
                        Shout shout = new Shout();
                        server.complete(shout);
                        return shout;
                    }), Duration.ofMillis(300))));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write("ping\r\n".getBytes(UTF_8));
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
                assertEquals("PING", in.readLine());
                // Then silence: the server ends the connection by itself.
                assertEquals(null, in.readLine());
            }
            Reason reason = ReactorThread.await(server.thenCompose(s -> s.lost));
            assertEquals(Reason.Kind.TIMED_OUT, reason.kind());
        }
    }

    @Test
    void reconnectingClientFactoryRetriesUntilTheServerAppears() throws Exception {
        // A port that refuses connections until the test starts listening on it.
        int portNumber;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            portNumber = probe.getLocalPort();
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), portNumber);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        List<Reason> failures = new ArrayList<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ReconnectingClientFactory factory = new ReconnectingClientFactory(rt.reactor(), new Random(1)) {
                @Override
                public Protocol buildProtocol(SocketAddress peer) {
                    resetDelay();
                    return new Protocol() {
                        @Override
                        public void connectionMade() {
                            connected.complete(null);
                        }
                    };
                }

                @Override
                public void clientConnectionFailed(io.twine.protocol.Connector connector, Reason reason) {
                    failures.add(reason);
                    super.clientConnectionFailed(connector, reason);
                }
            };
            rt.run(() -> {
                factory.setInitialDelay(0.01);
                factory.setMaxDelay(0.05);
                Tcp.connect(rt.reactor(), address, factory);
            });
            // Wait for two refusals, then listen: the next retry connects.
            CompletableFuture<Void> twoFailures = new CompletableFuture<>();
            rt.reactor().callFromThread(new Runnable() {
                @Override
                public void run() {
                    if (failures.size() >= 2) {
                        twoFailures.complete(null);
                    } else {
                        rt.reactor().callLater(Duration.ofMillis(5), this);
                    }
                }
            });
            ReactorThread.await(twoFailures);
            rt.call(() -> Tcp.listen(rt.reactor(), address, Factory.forProtocol(() -> new Protocol() {})));
            ReactorThread.await(connected);
            assertTrue(rt.call(() -> failures.size() >= 2));
            assertEquals(0, (int) rt.call(factory::getRetries), "resetDelay once connected");
        }
    }

    @Test
    void aPeerReadingTheLinesBackThroughTheStreamSeesThemInOrder() throws Exception {
        // Many small lines in one write: several lines per read, lines split across reads.
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), loopback(), Factory.forProtocol(Shout::new)));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            StringBuilder stream = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                stream.append("n").append(i).append("\r\n");
            }
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(20_000);
                Thread writer = new Thread(() -> {
                    try {
                        // No shutdownOutput: end of stream would close the server before it answered all.
                        socket.getOutputStream().write(stream.toString().getBytes(UTF_8));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                writer.start();
                InputStream raw = socket.getInputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(raw, UTF_8));
                for (int i = 0; i < 20_000; i++) {
                    assertEquals("N" + i, in.readLine());
                }
                writer.join(20_000);
            }
        }
    }
}
