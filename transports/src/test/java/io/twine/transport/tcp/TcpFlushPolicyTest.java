package io.twine.transport.tcp;

import static io.twine.transport.tcp.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.testing.ReactorThread;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When bytes leave: a read event ends with its connection's own flush, and the writes of one
 * callback leave together.
 */
@Timeout(60)
class TcpFlushPolicyTest {

    /** The kernel's count of write system calls made by the calling thread (Linux). */
    private static final Path THREAD_IO = Path.of("/proc/thread-self/io");

    private static long writeSyscallsOfThisThread() throws IOException {
        for (String line : Files.readAllLines(THREAD_IO)) {
            if (line.startsWith("syscw:")) {
                return Long.parseLong(line.substring("syscw:".length()).trim());
            }
        }
        throw new IllegalStateException("no syscw line in " + THREAD_IO);
    }

    @Test
    void sixteenWritesInOneDataReceivedLeaveInOneWriteSystemCall() throws Exception {
        assumeTrue(Files.isReadable(THREAD_IO), "needs Linux's per-thread I/O counters in " + THREAD_IO);
        CompletableFuture<Long> syscallsForTheReply = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(() -> new Protocol() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    data.position(data.limit());
                    try {
                        long before = writeSyscallsOfThisThread();
                        for (int i = 0; i < 16; i++) {
                            transport.write(("reply " + (char) ('a' + i) + "\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        // Timers run after the iteration's I/O, so after this read event has ended.
                        // (Not callFromThread: during dispatch it would write to wake the selector.)
                        rt.reactor().callLater(Duration.ZERO, () -> {
                            try {
                                syscallsForTheReply.complete(writeSyscallsOfThisThread() - before);
                            } catch (IOException e) {
                                syscallsForTheReply.completeExceptionally(e);
                            }
                        });
                    } catch (IOException e) {
                        syscallsForTheReply.completeExceptionally(e);
                    }
                }
            })));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket client = new Socket(bound.getAddress(), bound.getPort())) {
                client.setSoTimeout(30_000);
                client.getOutputStream().write('?');
                byte[] expected = new byte[16 * 8];
                for (int i = 0; i < 16; i++) {
                    System.arraycopy(("reply " + (char) ('a' + i) + "\n").getBytes(StandardCharsets.US_ASCII), 0,
                            expected, i * 8, 8);
                }
                assertArrayEquals(expected, client.getInputStream().readNBytes(expected.length));
            }
            assertEquals(1L, ReactorThread.await(syscallsForTheReply),
                    "write system calls on the loop thread between the writes and the end of the read event");
        }
    }

    @Test
    void withTwoConnectionsReadyInOnePassTheFirstReplyLeavesBeforeTheSecondIsRead() throws Exception {
        // Both requests must be waiting before one select; if the kernel was slower than the
        // client's write and they landed in two passes, the attempt proves nothing and is repeated.
        for (int attempt = 0; attempt < 20; attempt++) {
            Observation seen = twoRequestsInOnePass();
            if (seen.iterations[0] != seen.iterations[1]) {
                continue;
            }
            assertTrue(seen.firstReplyArrivedBeforeSecondRead,
                    "when the second connection was read, the first one's client had not received its reply");
            return;
        }
        throw new AssertionError("in 20 attempts the two requests never arrived in the same pass of the loop");
    }

    /** What the server saw of two requests released to the loop at once. */
    private static final class Observation {
        final long[] iterations = new long[2];
        boolean firstReplyArrivedBeforeSecondRead;
    }

    private static Observation twoRequestsInOnePass() throws Exception {
        Observation seen = new Observation();
        List<Socket> clients = new ArrayList<>();
        CountDownLatch bothRead = new CountDownLatch(2);
        try (ReactorThread rt = ReactorThread.start()) {
            List<Integer> readOrder = new ArrayList<>();  // loop thread only
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(() -> new Protocol() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    int client = data.get();
                    data.position(data.limit());
                    seen.iterations[readOrder.size()] = rt.reactor().metrics().iterations();
                    if (readOrder.size() == 1) {
                        seen.firstReplyArrivedBeforeSecondRead = replyWaiting(clients.get(readOrder.get(0)));
                    }
                    readOrder.add(client);
                    transport.write(new byte[] {(byte) client});
                    bothRead.countDown();
                }
            })));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            for (int i = 0; i < 2; i++) {
                Socket client = new Socket(bound.getAddress(), bound.getPort());
                client.setSoTimeout(30_000);
                clients.add(client);
            }
            // Hold the loop in a task while both requests are sent, so one select finds both.
            CountDownLatch loopHeld = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            rt.reactor().callFromThread(() -> {
                loopHeld.countDown();
                awaitQuietly(release);
            });
            assertTrue(loopHeld.await(30, TimeUnit.SECONDS), "the loop never ran the holding task");
            for (int i = 0; i < 2; i++) {
                clients.get(i).getOutputStream().write(i);
            }
            release.countDown();
            assertTrue(bothRead.await(30, TimeUnit.SECONDS), "the server did not read both requests");
            for (int i = 0; i < 2; i++) {
                assertEquals(i, clients.get(i).getInputStream().read());
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
        return seen;
    }

    private static boolean replyWaiting(Socket client) {
        try {
            InputStream in = client.getInputStream();
            return in.available() > 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
