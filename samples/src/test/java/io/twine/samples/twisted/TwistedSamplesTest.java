package io.twine.samples.twisted;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.ScriptedLineSource;
import io.twine.samples.support.SeedReplies;
import io.twine.testing.ReactorThread;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code twisted-server} and {@code twisted-client} driven in-process. */
@Timeout(30)
class TwistedSamplesTest {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    static ExitStatus converse(ReactorThread rt, InetSocketAddress server, List<String> lines, CapturedOutput out) {
        CompletableFuture<CompletableFuture<ExitStatus>> started = new CompletableFuture<>();
        rt.run(() -> started.complete(TwistedClient.start(rt.reactor(), server,
                new ScriptedLineSource(rt.reactor(), lines, Duration.ZERO), out.printStream(), null)));
        return ReactorThread.await(ReactorThread.await(started));
    }

    @Test
    void clientAnnouncesEachSendAndPrintsEachReplyAsTheSeedDoes() throws Exception {
        CapturedOutput log = new CapturedOutput();
        CapturedOutput out = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = rt.call(() -> TwistedServer.start(rt.reactor(), LOOPBACK_ANY_PORT,
                    log.printStream(), null).internetAddress());
            ExitStatus status = converse(rt, server, List.of("a", "b", ""), out);
            assertEquals(ExitStatus.OK, status.code(), String.valueOf(status));
            List<String> lines = out.lines();
            assertEquals(List.of("> a", "...sending a...", lines.get(2), "> b", "...sending b...", lines.get(5), "> "), lines);
            SeedReplies.assertReply("a", lines.get(2));
            SeedReplies.assertReply("b", lines.get(5));
            assertEquals(List.of("listening on 127.0.0.1:" + server.getPort(), "waiting for connection...",
                    "...connected from: 127.0.0.1"), log.lines());
        }
    }

    @Test
    void failedConnectEndsThroughTheFactoryWithTheReason() throws Exception {
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
}
