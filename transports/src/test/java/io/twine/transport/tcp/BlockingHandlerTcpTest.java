package io.twine.transport.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ListeningPort;
import io.twine.protocol.blocking.BlockingHandler;
import io.twine.protocol.blocking.BlockingHandlerFactory;
import io.twine.reactor.Reactor;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.MeasuringFactory.Measured;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bridge over real TCP connections on 127.0.0.1, with the factory's default worker pool. */
@Timeout(120)
class BlockingHandlerTcpTest {

    private final List<Throwable> reported = new CopyOnWriteArrayList<>();
    private ReactorThread rt;

    private InetSocketAddress listen(BlockingHandlerFactory factory) {
        ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), factory));
        return (InetSocketAddress) port.getHost();
    }

    private MeasuringFactory serve(BlockingHandler handler) {
        Reactor reactor = new Reactor();
        reactor.setErrorReporter((context, error) -> reported.add(error));
        reactor.setShutdownGracePeriod(Duration.ofMillis(200));
        rt = ReactorThread.start(reactor);
        return new MeasuringFactory(reactor, handler);
    }

    @AfterEach
    void stopReactor() {
        if (rt != null) {
            rt.close();
        }
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(60_000);
        return socket;
    }

    /** Waits at a latch inside a handler, which may throw only IOException. */
    private static void pass(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IOException("the test never opened the latch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted at a latch", e);
        }
    }

    @Test
    void echoHandlerSendsBackWhatTheClientSentThenCloses() throws Exception {
        InetSocketAddress address = listen(serve(c -> c.input().transferTo(c.output())));
        try (Socket socket = connect(address)) {
            socket.getOutputStream().write("hello, blocking world".getBytes(US_ASCII));
            socket.shutdownOutput();
            assertEquals("hello, blocking world", new String(socket.getInputStream().readAllBytes(), US_ASCII));
        }
        assertTrue(reported.isEmpty(), reported::toString);
    }

    @Test
    void lineHandlerAnswersOneLinePerConnectionLikeSocketServer() throws Exception {
        InetSocketAddress address = listen(serve(c -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.input(), US_ASCII));
            String line = in.readLine();
            c.output().write(("[" + line.toUpperCase() + "]\r\n").getBytes(US_ASCII));
        }));
        // Several clients at once, each holding its connection open until it has read the answer.
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket socket = connect(address);
                sockets.add(socket);
                socket.getOutputStream().write(("line " + i + "\r\n").getBytes(US_ASCII));
            }
            for (int i = 0; i < sockets.size(); i++) {
                // readAllBytes also proves the server closed after its one answer.
                String answer = new String(sockets.get(i).getInputStream().readAllBytes(), US_ASCII);
                assertEquals("[LINE " + i + "]\r\n", answer);
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void sixtyFourMebibytesEchoByteExactWithBothBuffersBounded() throws Exception {
        long total = 64L * 1024 * 1024;
        int block = 64 * 1024;
        CountDownLatch inboundPaused = new CountDownLatch(1);
        MeasuringFactory factory = serve(c -> {
            pass(inboundPaused);
            byte[] buffer = new byte[block];
            InputStream in = c.input();
            OutputStream out = c.output();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        });
        InetSocketAddress address = listen(factory);
        try (Socket socket = connect(address)) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                Random data = new Random(2024);
                Random cuts = new Random(7);
                byte[] chunk = new byte[block];
                try {
                    OutputStream out = socket.getOutputStream();
                    for (long offset = 0; offset < total; offset += block) {
                        data.nextBytes(chunk);
                        for (int at = 0; at < block; ) {
                            int n = Math.min(block - at, 1 + cuts.nextInt(20_000));
                            out.write(chunk, at, n);
                            at += n;
                        }
                    }
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            // The handler reads nothing until the client's stream has filled its queue and paused
            // the socket: proof that reading stops rather than buffering without bound.
            Measured connection = awaitConnection(factory);
            while (connection.readPauses == 0) {
                rt.run(() -> { });
            }
            inboundPaused.countDown();

            Random expected = new Random(2024);
            byte[] expectedBlock = new byte[block];
            byte[] received = new byte[block];
            InputStream in = socket.getInputStream();
            long count = 0;
            while (count < total) {
                expected.nextBytes(expectedBlock);
                int filled = in.readNBytes(received, 0, block);
                assertEquals(block, filled, "stream ended early, after " + (count + filled) + " bytes");
                assertArrayEquals(expectedBlock, received, "bytes differ in the block at " + count);
                count += block;
            }
            assertEquals(-1, in.read(), "the server closes once the handler has echoed everything");
            ReactorThread.await(sent);

            int inboundLimit = factory.getInboundLimit();
            assertTrue(connection.peakInboundQueue <= inboundLimit + Reactor.READ_BUFFER_SIZE,
                    "inbound queue peaked at " + connection.peakInboundQueue);
            assertTrue(connection.peakInboundQueue >= inboundLimit, "the queue did fill up");
            assertTrue(connection.readResumes >= 1, "reading resumed after the pause");
            // The handler-side buffer adds at most WRITE_BUFFER_SIZE by construction (unit-tested).
            assertTrue(connection.peakTransportQueue <= factory.getOutboundLimit(),
                    "transport queue peaked at " + connection.peakTransportQueue);
            assertTrue(connection.peakTransportQueue > 0);
        }
        assertTrue(reported.isEmpty(), reported::toString);
    }

    private Measured awaitConnection(MeasuringFactory factory) {
        while (factory.connections.isEmpty()) {
            rt.run(() -> { });
        }
        return factory.connections.get(0);
    }

    @Test
    void handlerThatThrowsAbortsOnlyItsConnectionAndIsReportedOnce() throws Exception {
        RuntimeException boom = new IllegalStateException("boom");
        InetSocketAddress address = listen(serve(c -> {
            String line = new BufferedReader(new InputStreamReader(c.input(), US_ASCII)).readLine();
            if (line.equals("boom")) {
                throw boom;
            }
            c.output().write(("ok " + line + "\n").getBytes(US_ASCII));
        }));
        try (Socket calm = connect(address); Socket failing = connect(address)) {
            failing.getOutputStream().write("boom\n".getBytes(US_ASCII));
            try {
                assertEquals(-1, failing.getInputStream().read(), "aborted: nothing but the end");
            } catch (SocketException reset) {
                assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
            }
            calm.getOutputStream().write("still here\n".getBytes(US_ASCII));
            assertEquals("ok still here\n", new String(calm.getInputStream().readAllBytes(), US_ASCII));
        }
        rt.run(() -> { });
        assertEquals(List.of(boom), reported);
    }

    @Test
    void peerClosingWhileTheHandlerIsBlockedInReadGivesEndOfStream() throws Exception {
        CompletableFuture<Integer> readResult = new CompletableFuture<>();
        CountDownLatch handlerStarted = new CountDownLatch(1);
        InetSocketAddress address = listen(serve(c -> {
            handlerStarted.countDown();
            readResult.complete(c.input().read());
        }));
        Socket socket = connect(address);
        try {
            assertTrue(handlerStarted.await(60, TimeUnit.SECONDS));
        } finally {
            socket.close();
        }
        assertEquals(-1, ReactorThread.await(readResult));
    }

    @Test
    void peerClosingWhileTheHandlerIsBlockedInWriteMakesTheWriteThrow() throws Exception {
        CompletableFuture<Throwable> writeFailure = new CompletableFuture<>();
        MeasuringFactory factory = serve(c -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                while (true) {
                    c.output().write(chunk);
                }
            } catch (IOException e) {
                writeFailure.complete(e);
            }
        });
        InetSocketAddress address = listen(factory);
        try (Socket socket = connect(address)) {
            socket.setReceiveBufferSize(4096);
            assertTrue(socket.getInputStream().read() >= 0, "the handler is writing");
            // The client reads no more: once every buffer up to the transport's queue is full, the
            // handler waits in write.
            Measured connection = awaitConnection(factory);
            while (connection.peakTransportQueue < factory.getOutboundLimit()) {
                rt.run(() -> { });
            }
            socket.setSoLinger(true, 0);
        }
        Throwable failure = ReactorThread.await(writeFailure);
        assertInstanceOf(IOException.class, failure);
        // "is closing" when the handler's next write comes between the close and connectionLost,
        // which follows on the next turn of the loop; "was lost" once connectionLost has run.
        assertTrue(failure.getMessage().contains("was lost") || failure.getMessage().contains("is closing"),
                failure.getMessage());
    }

    @Test
    void reactorStopReleasesHandlersBlockedInReadAndInWriteAndRunReturns() throws Exception {
        CompletableFuture<Throwable> reader = new CompletableFuture<>();
        CompletableFuture<Throwable> writer = new CompletableFuture<>();
        CountDownLatch readerStarted = new CountDownLatch(1);
        MeasuringFactory factory = serve(c -> {
            try {
                if (c.input().read() == 'w') {
                    while (true) {
                        c.output().write(new byte[64 * 1024]);
                    }
                }
                readerStarted.countDown();
                c.input().read();
                reader.completeExceptionally(new AssertionError("read returned"));
            } catch (IOException e) {
                (c.getPeer().equals(readerPeer.join()) ? reader : writer).complete(e);
            }
        });
        InetSocketAddress address = listen(factory);
        try (Socket reading = connect(address); Socket writing = connect(address)) {
            readerPeer.complete(reading.getLocalSocketAddress());
            reading.getOutputStream().write('r');
            writing.getOutputStream().write('w');
            // The reader's handler must have started: the bridge skips the handler of a
            // connection that was lost before its worker ran it.
            assertTrue(readerStarted.await(60, TimeUnit.SECONDS), "the reader's handler never started");
            while (factory.connections.size() < 2 || !transportQueueFull(factory)) {
                rt.run(() -> { });
            }
            rt.close();
            rt = null;
            assertInstanceOf(IOException.class, ReactorThread.await(reader));
            assertInstanceOf(IOException.class, ReactorThread.await(writer));
        }
    }

    private final CompletableFuture<SocketAddress> readerPeer = new CompletableFuture<>();

    private static boolean transportQueueFull(MeasuringFactory factory) {
        for (Measured connection : factory.connections) {
            if (connection.peakTransportQueue >= factory.getOutboundLimit()) {
                return true;
            }
        }
        return false;
    }
}
