package io.twine.samples.line;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.ScriptedLineSource;
import io.twine.samples.support.SeedReplies;
import io.twine.samples.support.ServerStarter;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code line-client} in-process, against both line servers and against servers that misbehave. */
@Timeout(30)
class LineClientTest {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    static ExitStatus converse(ReactorThread rt, InetSocketAddress server, List<String> lines, CapturedOutput out) {
        CompletableFuture<ExitStatus> outcome = rt.call(() -> LineClient.start(rt.reactor(), server,
                new ScriptedLineSource(rt.reactor(), lines, Duration.ZERO), out.printStream(), null));
        return ReactorThread.await(outcome);
    }

    private static ServerStarter server(String name) {
        return name.equals("line-server") ? LineServer::start : ThreadedLineServer::start;
    }

    @ParameterizedTest(name = "against {0}")
    @ValueSource(strings = {"line-server", "threaded-line-server"})
    void sendsEachLineOnANewConnectionAndPrintsEachReplyUntilAnEmptyLine(String serverName) throws Exception {
        CapturedOutput log = new CapturedOutput();
        CapturedOutput out = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = rt.call(() -> server(serverName).start(rt.reactor(), LOOPBACK_ANY_PORT,
                    log.printStream(), null).internetAddress());
            ExitStatus status = converse(rt, server, List.of("a", "c", "", "never sent"), out);
            assertEquals(ExitStatus.OK, status.code());
            assertNull(status.message());
            List<String> lines = out.lines();
            assertEquals(List.of("> a", lines.get(1), "> c", lines.get(3), "> "), lines);
            SeedReplies.assertReply("a", lines.get(1));
            SeedReplies.assertReply("c", lines.get(3));
            List<String> logged = log.lines();
            assertEquals(4, logged.size(), log.text());
            String connected = "\\.\\.\\.connected from: \\('127\\.0\\.0\\.1', (\\d+)\\)";
            // Two connections, from two different ports: one per line.
            assertTrue(logged.get(2).matches(connected) && logged.get(3).matches(connected), log.text());
            assertNotEquals(logged.get(2), logged.get(3));
        }
    }

    @Test
    void endOfInputEndsTheConversationCleanly() throws Exception {
        CapturedOutput out = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = rt.call(() -> LineServer.start(rt.reactor(), LOOPBACK_ANY_PORT,
                    new CapturedOutput().printStream(), (SampleArgs) null).internetAddress());
            assertEquals(ExitStatus.OK, converse(rt, server, List.of("only"), out).code());
            assertEquals("> ", out.lines().get(2));
        }
    }

    @Test
    void refusedConnectionFailsWithAOneLineReason() throws Exception {
        InetSocketAddress closed;
        try (ServerSocketChannel channel = ServerSocketChannel.open().bind(LOOPBACK_ANY_PORT)) {
            closed = (InetSocketAddress) channel.getLocalAddress();
        }
        try (ReactorThread rt = ReactorThread.start()) {
            ExitStatus status = converse(rt, closed, List.of("a"), new CapturedOutput());
            assertEquals(ExitStatus.FAILED, status.code());
            assertEquals("cannot connect to 127.0.0.1:" + closed.getPort() + ": Connection refused", status.message());
        }
    }

    @Test
    void serverClosingWithoutAnsweringEndsNormallyWithANote() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), LOOPBACK_ANY_PORT, Factory.forProtocol(() -> new Protocol() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    transport.loseConnection();
                }
            })));
            InetSocketAddress server = (InetSocketAddress) port.getHost();
            CapturedOutput out = new CapturedOutput();
            ExitStatus status = converse(rt, server, List.of("a", "c"), out);
            assertEquals(ExitStatus.OK, status.code());
            assertEquals("the server at 127.0.0.1:" + server.getPort() + " closed the connection without answering",
                    status.message());
            assertEquals(List.of("> a"), out.lines());
        }
    }

    @Test
    void replyWithoutALineEndIsPrintedWhenTheServerCloses() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), LOOPBACK_ANY_PORT, Factory.forProtocol(() -> new Protocol() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    transport.write("in two ".getBytes(StandardCharsets.UTF_8));
                    transport.write("pieces, no newline  ".getBytes(StandardCharsets.UTF_8));
                    transport.loseConnection();
                }
            })));
            CapturedOutput out = new CapturedOutput();
            ExitStatus status = converse(rt, (InetSocketAddress) port.getHost(), List.of("a", ""), out);
            assertEquals(ExitStatus.OK, status.code(), String.valueOf(status));
            assertEquals(List.of("> a", "in two pieces, no newline", "> "), out.lines());
        }
    }

    @Test
    void serverThatAnswersAndStaysOpenIsLeftByTheClient() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), LOOPBACK_ANY_PORT, Factory.forProtocol(() -> new Protocol() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    transport.write(data);  // an echo, which never closes
                }
            })));
            CapturedOutput out = new CapturedOutput();
            ExitStatus status = converse(rt, (InetSocketAddress) port.getHost(), List.of("a", "c", ""), out);
            assertEquals(ExitStatus.OK, status.code(), String.valueOf(status));
            assertEquals(List.of("> a", "a", "> c", "c", "> "), out.lines());
        }
    }

    @Test
    void connectionResetBeforeTheReplyFailsWithAOneLineReason() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ReactorThread rt = ReactorThread.start()) {
            Thread resetter = new Thread(() -> {
                try (Socket accepted = listener.accept()) {
                    InputStream in = accepted.getInputStream();
                    while (in.read() != '\n') {
                        // read the whole line, so that the close below is a reset, not a refusal
                    }
                    accepted.setSoLinger(true, 0);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            resetter.start();
            InetSocketAddress server = (InetSocketAddress) listener.getLocalSocketAddress();
            ExitStatus status = converse(rt, server, List.of("a", "c"), new CapturedOutput());
            resetter.join(10_000);
            assertEquals(ExitStatus.FAILED, status.code());
            assertEquals("lost the connection to 127.0.0.1:" + server.getPort() + ": Connection reset", status.message());
        }
    }
}
