package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Reason;
import io.twine.testing.ReactorThread;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import jdk.jfr.Event;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TcpFlightRecorderTest {

    /** Committed by the test once the conversation is over and before the client closes. */
    @Name("io.twine.test.ConversationOver")
    static final class ConversationOver extends Event { }

    @Test
    void slowCallbackClosedConnectionAndSampledIterationsAppearInARecording(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("twine.jfr");
        TcpDebugModeTest.SlowEcho echo = new TcpDebugModeTest.SlowEcho();
        CompletableFuture<Reason> lost = new CompletableFuture<>();
        String connection;
        try (Recording recording = new Recording()) {
            recording.enable("io.twine.SlowCallback");
            recording.enable("io.twine.ConnectionClosed");
            recording.enable("io.twine.LoopIteration");
            recording.enable(ConversationOver.class);
            recording.start();
            try (ReactorThread rt = ReactorThread.start()) {
                // Debug mode stays off: a recording that wants slow callbacks is enough to time them.
                rt.reactor().setSlowCallbackThreshold(Duration.ofMillis(50));
                ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), Loopback.ANY_PORT, Factory.forProtocol(() -> {
                    echo.lostTo(lost);
                    return echo;
                })));
                InetSocketAddress bound = (InetSocketAddress) port.getHost();
                try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                    connection = "127.0.0.1:" + bound.getPort() + " <-> 127.0.0.1:" + socket.getLocalPort();
                    socket.getOutputStream().write('x');
                    assertEquals('x', socket.getInputStream().read());
                    // The echo's read callback has returned (and its event is committed) before this task runs.
                    rt.run(() -> { });
                    new ConversationOver().commit();
                }
                assertEquals(Reason.Kind.CLOSED_BY_PEER, ReactorThread.await(lost).kind());
                // Enough turns of the loop for at least one sampled iteration (one in 1,024): a
                // timer scheduled by a task runs in the next iteration, never in the current one.
                for (int i = 0; i < 2_048; i++) {
                    CompletableFuture<Void> turn = new CompletableFuture<>();
                    rt.run(() -> rt.reactor().callLater(Duration.ZERO, () -> turn.complete(null)));
                    ReactorThread.await(turn);
                }
            }
            recording.stop();
            recording.dump(file);
        }
        // Events are matched by this connection's label, never by a string an earlier recording in
        // the same JVM may have used: JDK 17 reads such pooled strings (the protocol's class name)
        // back as null from the second recording on. Hence also equals() on the expected value.
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Instant conversationOver = named(events, "io.twine.test.ConversationOver").get(0).getStartTime();
        // Only the reads of the conversation: on a loaded machine any other callback of the
        // connection (a flush, the read of the peer's close) may be descheduled past the threshold too.
        List<RecordedEvent> slow = named(events, "io.twine.SlowCallback").stream()
                .filter(e -> connection.equals(e.getString("connection")) && "read".equals(e.getString("callback")))
                .filter(e -> e.getStartTime().isBefore(conversationOver))
                .collect(Collectors.toList());
        assertEquals(1, slow.size(), slow.toString());
        assertTrue(slow.get(0).getLong("callbackDuration") >= TcpDebugModeTest.SlowEcho.BUSY.toNanos());

        List<RecordedEvent> closed = named(events, "io.twine.ConnectionClosed").stream()
                .filter(e -> connection.equals(e.getString("connection")))
                .collect(Collectors.toList());
        assertEquals(1, closed.size(), closed.toString());
        assertEquals("CLOSED_BY_PEER", closed.get(0).getString("reason"));
        assertEquals(1L, closed.get(0).getLong("bytesIn"));
        assertEquals(1L, closed.get(0).getLong("bytesOut"));

        List<RecordedEvent> iterations = named(events, "io.twine.LoopIteration");
        assertFalse(iterations.isEmpty(), "no sampled iteration among " + events.size() + " events");
        assertTrue(iterations.get(0).getLong("iteration") > 0);
        assertTrue(Files.size(file) > 0);
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).collect(Collectors.toList());
    }
}
