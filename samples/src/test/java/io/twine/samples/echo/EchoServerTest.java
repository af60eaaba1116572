package io.twine.samples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
import io.twine.samples.support.CapturedOutput;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class EchoServerTest {

    private static final long HIGH_WATER_MARK = 64 * 1024;
    private static final long ONE_READ = Reactor.READ_BUFFER_SIZE;
    private static final long TOTAL = 256L * 1024 * 1024;
    /** How long the client waits for room to write or bytes to read before it calls the server stuck. */
    private static final long NO_PROGRESS_LIMIT_MILLIS = 10_000;

    /** The sample's protocol, watched: the largest outbound buffer it ever had, and bytes in. */
    static final class WatchedEcho extends EchoServer.Echo {
        final AtomicLong peakQueued = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final CompletableFuture<Reason> lost = new CompletableFuture<>();
        /** Completed when the queue first passes the high-water mark: the transport then stops reading. */
        final CompletableFuture<Void> aboveHighWater = new CompletableFuture<>();

        WatchedEcho(PrintStream log) {
            super(log);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            received.addAndGet(data.remaining());
            super.dataReceived(data);
            long queued = transport.getWriteBufferSize();
            if (queued > peakQueued.get()) {
                peakQueued.set(queued);
            }
            if (queued > HIGH_WATER_MARK) {
                aboveHighWater.complete(null);
            }
        }

        @Override
        public void connectionLost(Reason reason) {
            super.connectionLost(reason);
            lost.complete(reason);
        }
    }

    @Test
    void echoesWhatItReceivesAndLogsTheConnection() throws Exception {
        CapturedOutput log = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress bound = rt.call(() -> EchoServer.start(rt.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), log.printStream(), null).internetAddress());
            log.awaitLine("listening on 127\\.0\\.0\\.1:" + bound.getPort(), Duration.ofSeconds(5));
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("Hello, echo".getBytes(StandardCharsets.UTF_8));
                assertEquals("Hello, echo", new String(socket.getInputStream().readNBytes(11), StandardCharsets.UTF_8));
                log.awaitLine("\\.\\.\\.connected from: \\('127\\.0\\.0\\.1', " + socket.getLocalPort() + "\\)",
                        Duration.ofSeconds(5));
            }
            log.awaitLine("\\.\\.\\.disconnected: .*\\(connection closed cleanly by the peer\\)", Duration.ofSeconds(5));
        }
    }

    /**
     * The client writes 256 MiB and reads nothing until it can write no more. The server must
     * stop reading once its queue is above the high-water mark, so it never holds more than that
     * plus one read; then, when the client reads, every byte comes back in order.
     *
     * <p>"Can write no more" is two events, never a quiet interval: the server's queue has passed
     * its high-water mark (so it reads nothing more until the client reads), and after that the
     * client's socket has no room to write.
     */
    @Test
    void clientThatNeverReadsCannotGrowTheServersBufferAndEveryByteComesBack() throws Exception {
        CompletableFuture<WatchedEcho> accepted = new CompletableFuture<>();
        PrintStream quiet = new CapturedOutput().printStream();
        byte[] pattern = new byte[1_000_003];  // a prime length: misplaced blocks cannot line up
        new Random(7).nextBytes(pattern);
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Factory.forProtocol(() -> {
                        WatchedEcho echo = new WatchedEcho(quiet);
                        accepted.complete(echo);
                        return echo;
                    })));
            try (SocketChannel client = SocketChannel.open(port.getHost()); Selector selector = Selector.open()) {
                client.configureBlocking(false);
                SelectionKey key = client.register(selector, SelectionKey.OP_WRITE);
                // The server's pause may come while the client waits for room to write: it wakes the select.
                accepted.thenAccept(echo -> echo.aboveHighWater.thenRun(selector::wakeup));
                ByteBuffer out = ByteBuffer.allocate(256 * 1024);
                ByteBuffer in = ByteBuffer.allocate(256 * 1024);
                long written = 0;
                long read = 0;
                boolean reading = false;
                long lastProgress = System.nanoTime();
                while (read < TOTAL) {
                    WatchedEcho server = accepted.getNow(null);
                    boolean paused = server != null && server.aboveHighWater.isDone();
                    // Once the server has paused it reads nothing more, so "no room to write now"
                    // stays true: a select that does not wait is enough to see it.
                    long quietMillis = (System.nanoTime() - lastProgress) / 1_000_000;
                    int ready = !reading && paused ? selector.selectNow()
                            : selector.select(Math.max(1, NO_PROGRESS_LIMIT_MILLIS - quietMillis));
                    selector.selectedKeys().clear();
                    if (!reading && paused && ready == 0) {
                        assertTrue(server.received.get() < TOTAL, "the server should have stopped reading before the end");
                        reading = true;
                        key.interestOps(SelectionKey.OP_READ | (written < TOTAL ? SelectionKey.OP_WRITE : 0));
                        continue;
                    }
                    if (ready == 0) {
                        // The pause's wakeup() ends a select early, even one begun after the client
                        // saw the pause: only a select that waited out the limit means no progress.
                        if ((System.nanoTime() - lastProgress) / 1_000_000 < NO_PROGRESS_LIMIT_MILLIS) {
                            continue;
                        }
                        throw new AssertionError("no progress for " + NO_PROGRESS_LIMIT_MILLIS + " ms after " + written
                                + " bytes written and " + read + " read" + (reading ? "" : ", the client not reading yet"));
                    }
                    lastProgress = System.nanoTime();
                    if (key.isWritable() && written < TOTAL) {
                        out.clear();
                        out.limit((int) Math.min(out.capacity(), TOTAL - written));
                        putPattern(out, pattern, written);
                        out.flip();
                        written += client.write(out);
                        if (written == TOTAL) {
                            key.interestOps(reading ? SelectionKey.OP_READ : 0);
                        }
                    }
                    if (key.isValid() && key.isReadable()) {
                        in.clear();
                        int n = client.read(in);
                        if (n < 0) {
                            throw new AssertionError("the server closed after " + read + " bytes");
                        }
                        in.flip();
                        long differs = firstDifference(in, pattern, read);
                        if (differs >= 0) {
                            throw new AssertionError("byte " + differs + " differs");
                        }
                        read += n;
                    }
                    if (!reading && written == TOTAL) {
                        throw new AssertionError("the server read all 256 MiB without the client reading");
                    }
                }
                assertEquals(TOTAL, read);
            }
            WatchedEcho server = ReactorThread.await(accepted);
            assertEquals(TOTAL, server.received.get());
            long peak = server.peakQueued.get();
            assertTrue(peak <= HIGH_WATER_MARK + ONE_READ,
                    "the server's outbound queue reached " + peak + " bytes, above " + (HIGH_WATER_MARK + ONE_READ));
            assertEquals(Reason.Kind.CLOSED_BY_PEER, ReactorThread.await(server.lost).kind());
        }
    }

    /**
     * Fills {@code out} up to its limit with the stream of repeated {@code pattern}s from stream
     * offset {@code offset}, a block copy at a time: 256 MiB byte by byte was most of this test's
     * time, and on a busy machine more than its bound.
     */
    private static void putPattern(ByteBuffer out, byte[] pattern, long offset) {
        while (out.hasRemaining()) {
            int from = (int) (offset % pattern.length);
            int n = Math.min(out.remaining(), pattern.length - from);
            out.put(pattern, from, n);
            offset += n;
        }
    }

    /** The stream offset of the first byte of {@code in} that is not the pattern's at {@code offset}, or -1. */
    private static long firstDifference(ByteBuffer in, byte[] pattern, long offset) {
        while (in.hasRemaining()) {
            int from = (int) (offset % pattern.length);
            int n = Math.min(in.remaining(), pattern.length - from);
            int at = in.slice(in.position(), n).mismatch(ByteBuffer.wrap(pattern, from, n));
            if (at >= 0) {
                return offset + at;
            }
            in.position(in.position() + n);
            offset += n;
        }
        return -1;
    }

    @Test
    void echoOfOneMegabyteInOneWriteIsByteExact() throws Exception {
        byte[] sent = new byte[1 << 20];
        new Random(3).nextBytes(sent);
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress bound = rt.call(() -> EchoServer.start(rt.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new CapturedOutput().printStream(), null)
                    .internetAddress());
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(20_000);
                Thread writer = new Thread(() -> {
                    try {
                        socket.getOutputStream().write(sent);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                writer.start();
                InputStream in = socket.getInputStream();
                byte[] back = in.readNBytes(sent.length);
                writer.join(20_000);
                assertEquals(sent.length, back.length);
                assertTrue(java.util.Arrays.equals(sent, back));
            }
        }
    }
}
