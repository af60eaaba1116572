package io.twine.samples.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.ScriptedLineSource;
import io.twine.samples.support.SeedReplies;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpClientTest {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static ExitStatus converse(ReactorThread rt, InetSocketAddress server, List<String> lines, CapturedOutput out) {
        CompletableFuture<CompletableFuture<ExitStatus>> started = new CompletableFuture<>();
        rt.run(() -> started.complete(TcpClient.start(rt.reactor(), server,
                new ScriptedLineSource(rt.reactor(), lines, Duration.ZERO), out.printStream(), null)));
        return ReactorThread.await(ReactorThread.await(started));
    }

    @Test
    void sendsEachLineAndPrintsEachReplyUntilAnEmptyLine() throws Exception {
        CapturedOutput out = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = rt.call(() -> TcpServer.start(rt.reactor(), LOOPBACK_ANY_PORT,
                    new CapturedOutput().printStream(), null).internetAddress());
            ExitStatus status = converse(rt, server, List.of("Hello", "World", "", "never sent"), out);
            assertEquals(ExitStatus.OK, status.code());
            assertNull(status.message());
            List<String> lines = out.lines();
            assertEquals(5, lines.size(), out.text());
            assertEquals("> Hello", lines.get(0));
            SeedReplies.assertReply("Hello", lines.get(1));
            assertEquals("> World", lines.get(2));
            SeedReplies.assertReply("World", lines.get(3));
            assertEquals("> ", lines.get(4));
        }
    }

    @Test
    void endOfInputEndsTheConversationCleanly() throws Exception {
        CapturedOutput out = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = rt.call(() -> TcpServer.start(rt.reactor(), LOOPBACK_ANY_PORT,
                    new CapturedOutput().printStream(), null).internetAddress());
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
            ExitStatus status = converse(rt, closed, List.of("Hello"), new CapturedOutput());
            assertEquals(ExitStatus.FAILED, status.code());
            assertEquals("cannot connect to 127.0.0.1:" + closed.getPort() + ": Connection refused", status.message());
        }
    }

    @Test
    void serverClosingCleanlyEndsNormallyWithANote() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), LOOPBACK_ANY_PORT, Factory.forProtocol(() -> new Protocol() {
                @Override
                public void connectionMade() {
                    transport.loseConnection();
                }
            })));
            InetSocketAddress server = (InetSocketAddress) port.getHost();
            ExitStatus status = converse(rt, server, List.of("Hello", "World"), new CapturedOutput());
            assertEquals(ExitStatus.OK, status.code());
            assertEquals("the server at 127.0.0.1:" + server.getPort() + " closed the connection", status.message());
        }
    }

    @Test
    void connectionResetByTheServerFailsWithAOneLineReason() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ReactorThread rt = ReactorThread.start()) {
            Thread resetter = new Thread(() -> {
                try (Socket accepted = listener.accept()) {
                    accepted.getInputStream().read();   // the first line arrived
                    accepted.setSoLinger(true, 0);      // close with RST
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            resetter.start();
            InetSocketAddress server = (InetSocketAddress) listener.getLocalSocketAddress();
            ExitStatus status = converse(rt, server, List.of("Hello", "World"), new CapturedOutput());
            resetter.join(10_000);
            assertEquals(ExitStatus.FAILED, status.code());
            assertEquals("lost the connection to 127.0.0.1:" + server.getPort() + ": Connection reset", status.message());
        }
    }
}
