package io.twine.transport.tcp;

import static io.twine.transport.tcp.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Producer;
import io.twine.protocol.Reason;
import io.twine.testing.ReactorThread;
import io.twine.testsupport.CapturedLog;
import io.twine.testsupport.HalfCloseThenClose;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The write path: flushing on close, aborting, half-close, producers and the hard cap. */
@Timeout(60)
class TcpWriteTest {

    /** The connections these tests cut off on purpose are logged as warnings: kept off the console. */
    private final CapturedLog tcpLog = CapturedLog.of("io.twine.transport.tcp");

    @AfterEach
    void stopCapturing() {
        tcpLog.close();
    }

    private static final int MIB = 1024 * 1024;

    /** Writes {@code total} pattern bytes in one go from connectionMade, then calls {@code then}. */
    static final class BulkWriter extends Loopback.Recording {
        final int total;
        final boolean abort;

        BulkWriter(int total, boolean abort) {
            this.total = total;
            this.abort = abort;
        }

        @Override
        public void connectionMade() {
            super.connectionMade();
            transport.write(Loopback.patternBytes(0, total));
            if (abort) {
                transport.abortConnection();
            } else {
                transport.loseConnection();
            }
        }
    }

    private static <P extends Loopback.Recording> P serve(ReactorThread rt, Supplier<P> protocols,
            java.util.function.Consumer<Socket> client) throws Exception {
        CompletableFuture<P> server = new CompletableFuture<>();
        ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(() -> {
            P protocol = protocols.get();
            server.complete(protocol);
            return protocol;
        })));
        InetSocketAddress bound = (InetSocketAddress) port.getHost();
        try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
            socket.setSoTimeout(30_000);
            client.accept(socket);
        }
        return ReactorThread.await(server);
    }

    @Test
    void loseConnectionAfterA32MibWriteDeliversEveryByteThenClosesCleanly() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            long[] received = new long[1];
            BulkWriter server = serve(rt, () -> new BulkWriter(32 * MIB, false), socket -> {
                try {
                    // A small receive buffer and small reads: the server must queue most of it.
                    received[0] = Loopback.readPatternUntilEof(socket.getInputStream(), 1024);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals(32L * MIB, received[0]);
            Reason reason = ReactorThread.await(server.lost);
            assertEquals(Reason.Kind.CLOSED_BY_US, reason.kind());
            assertTrue(reason.isClean());
            assertEquals(0L, rt.call(() -> Loopback.chunksInUse(server)));
        }
    }

    @Test
    void abortConnectionDropsTheQueueAndReportsAborted() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            long[] received = new long[1];
            BulkWriter server = serve(rt, () -> new BulkWriter(32 * MIB, true), socket -> {
                try {
                    received[0] = Loopback.readPatternUntilEof(socket.getInputStream(), 65536);
                } catch (java.net.SocketException reset) {
                    received[0] = -1;  // a reset is an acceptable way to learn of an abort
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertTrue(received[0] < 32L * MIB, "an aborted connection still delivered everything");
            assertEquals(Reason.Kind.ABORTED, ReactorThread.await(server.lost).kind());
            assertEquals(0L, rt.call(() -> Loopback.chunksInUse(server)));
        }
    }

    /** Answers once the peer has finished sending, then closes. */
    static final class Answerer extends Loopback.Recording implements HalfCloseableProtocol {
        final StringBuilder heard = new StringBuilder();

        @Override
        public void dataReceived(ByteBuffer data) {
            heard.append(StandardCharsets.US_ASCII.decode(data));
        }

        @Override
        public void readConnectionLost() {
            transport.write(("heard " + heard).getBytes(StandardCharsets.US_ASCII));
            transport.loseConnection();
        }
    }

    @Test
    void halfCloseableProtocolAnswersAfterThePeerFinishedSending() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            String[] answer = new String[1];
            Answerer server = serve(rt, Answerer::new, socket -> {
                try {
                    socket.getOutputStream().write("question".getBytes(StandardCharsets.US_ASCII));
                    socket.shutdownOutput();
                    answer[0] = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals("heard question", answer[0]);
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(server.lost).kind());
        }
    }

    /** Says goodbye with loseWriteConnection and goes on reading. */
    static final class HalfCloser extends Loopback.Recording implements HalfCloseableProtocol {
        final StringBuilder heard = new StringBuilder();
        final CompletableFuture<Void> writeClosed = new CompletableFuture<>();

        @Override
        public void connectionMade() {
            super.connectionMade();
            transport.write("bye".getBytes(StandardCharsets.US_ASCII));
            transport.loseWriteConnection();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            heard.append(StandardCharsets.US_ASCII.decode(data));
        }

        @Override
        public void writeConnectionLost() {
            writeClosed.complete(null);
        }

        @Override
        public void readConnectionLost() {
            transport.loseConnection();
        }
    }

    @Test
    void loseWriteConnectionFlushesThenShutsDownOutputWhileReadingGoesOn() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            String[] greeting = new String[1];
            HalfCloser server = serve(rt, HalfCloser::new, socket -> {
                try {
                    greeting[0] = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    socket.getOutputStream().write("still listening?".getBytes(StandardCharsets.US_ASCII));
                    socket.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals("bye", greeting[0]);
            ReactorThread.await(server.writeClosed);
            Reason reason = ReactorThread.await(server.lost);
            assertTrue(reason.isClean(), reason.toString());
            assertEquals("still listening?", rt.call(() -> server.heard.toString()));
        }
    }

    @ParameterizedTest(name = "closed from writeConnectionLost: {0}")
    @ValueSource(booleans = {true, false})
    void loseConnectionAfterLoseWriteConnectionClosesTheSocket(boolean closeWhenWriteSideShut) throws Exception {
        HalfCloseThenClose server = new HalfCloseThenClose("bye".getBytes(StandardCharsets.US_ASCII), closeWhenWriteSideShut);
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(() -> server)));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(30_000);
                assertEquals("bye", new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                if (!closeWhenWriteSideShut) {
                    socket.getOutputStream().write("more".getBytes(StandardCharsets.US_ASCII));
                }
                // This socket stays open meanwhile: only the server's own close can end the connection.
                Reason reason = ReactorThread.await(server.lost);
                assertEquals(Reason.Kind.CLOSED_BY_US, reason.kind(), reason.toString());
            }
        }
        assertEquals(1, server.lostCalls.get(), "connectionLost once");
    }

    /** A push producer writing 4 KiB pieces from timers until {@code total}, then closing. */
    static final class StreamingSource extends Loopback.Recording implements Producer {
        static final int PIECE = 4096;
        final long total;
        final io.twine.reactor.Scheduler scheduler;
        long written;
        boolean paused;
        int pauses;
        int resumes;
        long largestWriteBuffer;

        StreamingSource(long total, io.twine.reactor.Scheduler scheduler) {
            this.total = total;
            this.scheduler = scheduler;
        }

        @Override
        public void connectionMade() {
            super.connectionMade();
            transport.registerProducer(this, true);
            produce();
        }

        private void produce() {
            // Write until paused or done; continue from a timer so that the loop flushes in between.
            while (!paused && written < total) {
                transport.write(Loopback.patternBytes(written, PIECE));
                written += PIECE;
                largestWriteBuffer = Math.max(largestWriteBuffer, transport.getWriteBufferSize());
                if (written % (64 * PIECE) == 0) {
                    break;
                }
            }
            if (written >= total) {
                transport.unregisterProducer();
                transport.loseConnection();
            } else if (!paused) {
                scheduler.callLater(Duration.ZERO, this::produce);
            }
        }

        @Override
        public void pauseProducing() {
            paused = true;
            pauses++;
        }

        @Override
        public void resumeProducing() {
            resumes++;
            paused = false;
            produce();
        }

        @Override
        public void stopProducing() {
            paused = true;
        }
    }

    @Test
    void streamingProducerIsPausedAboveTheHighMarkAndResumedAtTheLowMark() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            long total = 16L * MIB;
            long[] received = new long[1];
            StreamingSource server = serve(rt, () -> new StreamingSource(total, rt.reactor()), socket -> {
                try {
                    received[0] = Loopback.readPatternUntilEof(socket.getInputStream(), 512);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals(total, received[0]);
            ReactorThread.await(server.lost);
            int[] counts = rt.call(() -> new int[] {server.pauses, server.resumes});
            assertTrue(counts[0] > 0, "never paused");
            // The write that finishes may pause it one last time; it unregisters right after.
            assertTrue(counts[1] >= counts[0] - 1 && counts[1] > 0, "pauses " + counts[0] + ", resumes " + counts[1]);
            long largest = rt.call(() -> server.largestWriteBuffer);
            assertTrue(largest <= TcpConnection.DEFAULT_HIGH_WATER_MARK + StreamingSource.PIECE,
                    "buffer reached " + largest);
        }
    }

    /** A pull producer: writes 32 KiB each time it is asked, until {@code total}. */
    static final class PullSource extends Loopback.Recording implements Producer {
        final long total;
        long written;
        int asked;

        PullSource(long total) {
            this.total = total;
        }

        @Override
        public void connectionMade() {
            super.connectionMade();
            transport.registerProducer(this, false);
        }

        @Override
        public void resumeProducing() {
            asked++;
            if (written >= total) {
                return;
            }
            transport.write(Loopback.patternBytes(written, 32 * 1024));
            written += 32 * 1024;
            if (written >= total) {
                transport.unregisterProducer();
                transport.loseConnection();
            }
        }

        @Override
        public void pauseProducing() {
            throw new AssertionError("a pull producer is never paused");
        }

        @Override
        public void stopProducing() {}
    }

    @Test
    void pullProducerIsAskedForMoreEachTimeTheBufferDrains() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            long total = 8L * MIB;
            long[] received = new long[1];
            PullSource server = serve(rt, () -> new PullSource(total), socket -> {
                try {
                    received[0] = Loopback.readPatternUntilEof(socket.getInputStream(), 4096);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals(total, received[0]);
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(server.lost).kind());
            assertEquals(total / (32 * 1024), (long) rt.call(() -> server.asked));
        }
    }

    /** Ignores flow control: writes 1 MiB each time the peer sends anything. */
    static final class Flooder extends Loopback.Recording {
        @Override
        public void connectionMade() {
            super.connectionMade();
            transport.setMaxWriteBufferSize(4L * MIB);
            for (int i = 0; i < 8 && transport.isConnected(); i++) {
                transport.write(new byte[MIB]);
            }
        }
    }

    @Test
    void writingPastTheHardCapClosesWithLimitExceeded() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            CompletableFuture<Reason> lost = new CompletableFuture<>();
            Flooder server = serve(rt, () -> {
                Flooder flooder = new Flooder();
                flooder.lost.thenAccept(lost::complete);
                return flooder;
            }, socket -> ReactorThread.await(lost));  // never reads: waits for the server to give up
            Reason reason = ReactorThread.await(lost);
            assertEquals(Reason.Kind.LIMIT_EXCEEDED, reason.kind());
            assertTrue(reason.message().contains("4194304"), reason.message());
            assertEquals(1, tcpLog.messages().size(), "logged once, for the operator: " + tcpLog.messages());
            assertTrue(tcpLog.messages().get(0).endsWith(reason.message()), tcpLog.messages().get(0));
            assertEquals(0L, rt.call(() -> Loopback.chunksInUse(server)));
        }
    }
}
