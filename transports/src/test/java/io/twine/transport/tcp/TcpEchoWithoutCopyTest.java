package io.twine.transport.tcp;

import static io.twine.transport.tcp.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Transport;
import io.twine.testing.ReactorThread;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An echo of the read buffer is sent from the read buffer itself, without a copy, and the write
 * semantics hold all the same: every other buffer is copied at the call, what the kernel does not
 * take of an echo survives the buffer's reuse, and the writes of one callback keep their order
 * and leave in one write.
 */
@Timeout(120)
class TcpEchoWithoutCopyTest {

    private static final int MIB = 1024 * 1024;

    /** Writes back exactly what it was handed. */
    static final class PlainEcho extends Protocol {
        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    private static ListeningPort listen(ReactorThread rt, Supplier<Protocol> protocols) {
        return rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(protocols)));
    }

    private static Socket connect(ListeningPort port) throws IOException {
        InetSocketAddress bound = (InetSocketAddress) port.getHost();
        Socket socket = new Socket(bound.getAddress(), bound.getPort());
        socket.setSoTimeout(60_000);
        return socket;
    }

    @Test
    void anEchoTakesNoChunk() throws Exception {
        CompletableFuture<Protocol> server = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt, () -> {
                PlainEcho echo = new PlainEcho();
                server.complete(echo);
                return echo;
            });
            try (Socket client = connect(port)) {
                client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                assertEquals("hello", new String(client.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
            }
            Protocol protocol = ReactorThread.await(server);
            // A fresh loop's pool is empty: a copied write would have taken (and given back) a chunk.
            assertEquals(0, (int) rt.call(() -> ((TcpConnection) protocol.transport()).loop.chunkPool().pooled()),
                    "the echo was copied into a chunk");
        }
    }

    @Test
    void everyOtherBufferIsCopiedSoChangingItAfterTheWriteChangesNothingSent() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt, () -> new Protocol() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    int length = data.remaining();
                    byte[] array = new byte[length];
                    data.duplicate().get(array);
                    ByteBuffer own = ByteBuffer.allocateDirect(length).put(data.duplicate()).flip();
                    transport.write(array);
                    transport.write(own);
                    transport.write(data.duplicate());  // a view of the read buffer, not the buffer itself
                    Arrays.fill(array, (byte) 'X');
                    own.clear();
                    while (own.hasRemaining()) {
                        own.put((byte) 'X');
                    }
                    for (int i = data.position(); i < data.limit(); i++) {
                        data.put(i, (byte) 'X');
                    }
                }
            });
            try (Socket client = connect(port)) {
                client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                assertEquals("hellohellohello",
                        new String(client.getInputStream().readNBytes(15), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void anEchoTheKernelCannotTakeAtOnceArrivesIntactAfterTheReadBufferIsReused() throws Exception {
        // The client writes 8 MiB before it reads a byte: the echo fills the kernel's buffers, the
        // rest of each lent write must be copied before the next read overwrites the read buffer.
        byte[] sent = randomBytes(8 * MIB, 1);
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt, PlainEcho::new);
            try (Socket client = connect(port)) {
                Thread writer = startWriter(client, sent, 256 * 1024);
                writer.join(60_000);
                assertTrue(!writer.isAlive(), "the client could not write 8 MiB: the server stopped reading");
                assertArrayEquals(sent, client.getInputStream().readNBytes(sent.length));
            }
        }
    }

    @Test
    void aFastStreamFillingTheReadBufferIsEchoedIntact() throws Exception {
        // Large writes read concurrently: reads come back full, so one read event reads again and the
        // echo lent from the first read must leave (or be copied) before the second.
        byte[] sent = randomBytes(16 * MIB, 2);
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt, PlainEcho::new);
            try (Socket client = connect(port)) {
                Thread writer = startWriter(client, sent, 1 * MIB);
                assertArrayEquals(sent, client.getInputStream().readNBytes(sent.length));
                writer.join(60_000);
            }
        }
    }

    @Test
    void aRelayOfTheReadBufferToAnotherConnectionIsCopied() throws Exception {
        // The listener flushes only before the next select; with 1 MiB writes the talker's reads
        // often fill the buffer and its event reads again, so a lent relay would send those bytes.
        byte[] sent = randomBytes(8 * MIB, 3);
        CompletableFuture<Transport> listener = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt, () -> new Protocol() {
                @Override
                public void connectionMade() {
                    listener.complete(transport);  // the first connection listens, the second talks
                }

                @Override
                public void dataReceived(ByteBuffer data) {
                    listener.join().write(data);
                }
            });
            try (Socket receiving = connect(port)) {
                ReactorThread.await(listener);
                try (Socket talking = connect(port)) {
                    Thread writer = startWriter(talking, sent, 1 * MIB);
                    assertArrayEquals(sent, receiving.getInputStream().readNBytes(sent.length));
                    writer.join(60_000);
                }
            }
        }
    }

    @Test
    void writesAroundAnEchoKeepTheirOrderAndLeaveInOneWriteSystemCall() throws Exception {
        Path threadIo = Path.of("/proc/thread-self/io");
        assumeTrue(Files.isReadable(threadIo), "needs Linux's per-thread I/O counters in " + threadIo);
        CompletableFuture<Long> syscalls = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt, () -> new Protocol() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    long before = writeSyscalls(threadIo);
                    int start = data.position();
                    transport.write(data);                                   // lent
                    transport.write("|".getBytes(StandardCharsets.US_ASCII)); // copies the lent bytes first
                    data.position(start);
                    transport.write(data);                                   // copied
                    // Timers run after the iteration's I/O, so after this read event has ended.
                    rt.reactor().callLater(Duration.ZERO, () -> syscalls.complete(writeSyscalls(threadIo) - before));
                }
            });
            try (Socket client = connect(port)) {
                client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                assertEquals("hello|hello",
                        new String(client.getInputStream().readNBytes(11), StandardCharsets.US_ASCII));
            }
            assertEquals(1L, ReactorThread.await(syscalls), "write system calls for the three writes of one callback");
        }
    }

    private static long writeSyscalls(Path threadIo) {
        try {
            for (String line : Files.readAllLines(threadIo)) {
                if (line.startsWith("syscw:")) {
                    return Long.parseLong(line.substring("syscw:".length()).trim());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no syscw line in " + threadIo);
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code bytes} to {@code socket} in pieces of {@code piece} bytes, on a thread of its own. */
    private static Thread startWriter(Socket socket, byte[] bytes, int piece) {
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (int offset = 0; offset < bytes.length; offset += piece) {
                    out.write(bytes, offset, Math.min(piece, bytes.length - offset));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "test-writer");
        writer.start();
        return writer;
    }
}
