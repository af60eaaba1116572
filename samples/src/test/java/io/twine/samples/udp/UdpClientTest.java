package io.twine.samples.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramTransport;
import io.twine.reactor.Scheduler;
import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.ScriptedLineSource;
import io.twine.samples.support.SeedReplies;
import io.twine.testing.ManualClock;
import io.twine.testing.ReactorThread;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code udp-client} in-process, against {@code udp-server}, a silent port and a closed one. */
@Timeout(30)
class UdpClientTest {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** Longer than any test may run: a test that ends by this timeout fails by its own. */
    private static final Duration NEVER = Duration.ofMinutes(5);

    /** Starts the client on the loop with scripted lines; returns its outcome. */
    private static CompletableFuture<ExitStatus> startClient(ReactorThread rt, Scheduler timers, InetSocketAddress server,
            List<String> lines, CapturedOutput out, Duration timeout) {
        return rt.call(() -> UdpClient.start(rt.reactor(), timers == null ? rt.reactor() : timers, server,
                new ScriptedLineSource(rt.reactor(), lines, Duration.ZERO), out.printStream(), timeout));
    }

    private static InetSocketAddress startServer(ReactorThread rt) {
        return rt.call(() -> UdpServer.start(rt.reactor(), LOOPBACK_ANY_PORT, new CapturedOutput().printStream(), null)
                .internetAddress());
    }

    @Test
    void sendsEachLineAndPrintsEachReplyUntilAnEmptyLine() throws Exception {
        CapturedOutput out = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = startServer(rt);
            ExitStatus status = ReactorThread.await(startClient(rt, null, server,
                    List.of("Hello", "World", "", "never sent"), out, NEVER));
            assertEquals(ExitStatus.OK, status.code());
            assertNull(status.message());
            List<String> lines = out.lines();
            assertEquals(List.of("> Hello", lines.get(1), "> World", lines.get(3), "> "), lines);
            SeedReplies.assertReply("Hello", lines.get(1));
            SeedReplies.assertReply("World", lines.get(3));
        }
    }

    @Test
    void endOfInputEndsTheConversationCleanlyAndClosesThePort() throws Exception {
        CapturedOutput out = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = startServer(rt);
            int portsBefore = rt.call(() -> rt.reactor().trackedCount());
            ExitStatus status = ReactorThread.await(startClient(rt, null, server, List.of("only"), out, NEVER));
            assertEquals(ExitStatus.OK, status.code());
            assertEquals("> ", out.lines().get(2));
            // The outcome completes when the port has closed, so the count is already down.
            assertEquals(portsBefore, (int) rt.call(() -> rt.reactor().trackedCount()));
        }
    }

    @Test
    void replyThatNeverComesEndsTheClientAfterTheTimeoutWithAOneLineReason() throws Exception {
        ManualClock clock = new ManualClock();
        Duration timeout = Duration.ofSeconds(5);
        try (ReactorThread rt = ReactorThread.start();
                DatagramChannel silent = DatagramChannel.open().bind(LOOPBACK_ANY_PORT)) {
            InetSocketAddress server = (InetSocketAddress) silent.getLocalAddress();
            CompletableFuture<ExitStatus> outcome = startClient(rt, clock, server, List.of("Hello", "World"),
                    new CapturedOutput(), timeout);
            ByteBuffer received = ByteBuffer.allocate(100);
            silent.receive(received);  // blocks until the client has sent its first line
            assertEquals("Hello", new String(received.array(), 0, received.position(), StandardCharsets.UTF_8));
            rt.run(() -> clock.advance(timeout.minusMillis(1)));
            assertFalse(outcome.isDone(), "gave up before the timeout");
            rt.run(() -> clock.advance(Duration.ofMillis(1)));
            ExitStatus status = ReactorThread.await(outcome);
            assertEquals(ExitStatus.FAILED, status.code());
            assertEquals("no reply from 127.0.0.1:" + server.getPort() + " within 5000 ms: the datagram or its reply"
                    + " was lost (UDP does not resend)", status.message());
        }
    }

    @Test
    void portWhereNothingListensEndsTheClientAtOnceWithAOneLineReason() throws Exception {
        InetSocketAddress closed;
        try (DatagramChannel channel = DatagramChannel.open().bind(LOOPBACK_ANY_PORT)) {
            closed = (InetSocketAddress) channel.getLocalAddress();
        }
        try (ReactorThread rt = ReactorThread.start()) {
            ExitStatus status = ReactorThread.await(startClient(rt, null, closed, List.of("Hello"),
                    new CapturedOutput(), NEVER));
            assertEquals(ExitStatus.FAILED, status.code());
            assertEquals("no UDP server at 127.0.0.1:" + closed.getPort() + " (port unreachable)", status.message());
        }
    }

    @Test
    void lineTooLongForOneDatagramIsNotSentAndTheNextLineIs() throws Exception {
        CapturedOutput out = new CapturedOutput();
        String tooLong = "x".repeat(DatagramTransport.MAX_IPV4_PAYLOAD + 1);
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = startServer(rt);
            ExitStatus status = ReactorThread.await(startClient(rt, null, server, List.of(tooLong, "Hello", ""), out,
                    NEVER));
            assertEquals(ExitStatus.OK, status.code());
            List<String> lines = out.lines();
            assertEquals(List.of("> " + tooLong, "(not sent: 65508 bytes do not fit in one datagram of at most 65507 bytes)",
                    "> Hello", lines.get(3), "> "), lines);
            SeedReplies.assertReply("Hello", lines.get(3));
        }
    }

    @Test
    void talksToAServerOnTheIpv6Loopback() throws Exception {
        CapturedOutput log = new CapturedOutput();
        CapturedOutput out = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = rt.call(() -> UdpServer.start(rt.reactor(),
                    new InetSocketAddress(InetAddress.getByName("::1"), 0), log.printStream(), null).internetAddress());
            ExitStatus status = ReactorThread.await(startClient(rt, null, server, List.of("Hello", ""), out, NEVER));
            assertEquals(ExitStatus.OK, status.code(), String.valueOf(status));
            SeedReplies.assertReply("Hello", out.lines().get(1));
            rt.run(() -> { });
            assertEquals("listening on [::1]:" + server.getPort(), log.lines().get(0));
            assertTrue(log.lines().get(2).matches("\\.\\.\\.received from and returned to: \\('::1', \\d+, 0, 0\\)"),
                    log.text());
        }
    }
}
