package io.twine.transport.tcp;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Reason;
import io.twine.protocol.Transport;
import io.twine.reactor.TcpOptions;
import io.twine.testing.ReactorThread;
import io.twine.testsupport.CapturedLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * The producer contract against a real TCP connection on loopback: the server side's transport,
 * and a blocking socket as the peer. Both ends ask for small kernel buffers, so that most of a
 * large write stays queued in the transport while the peer does not read.
 */
class TcpProducerContractTest extends ProducerContract {

    /** The connections these tests cut off on purpose are logged as warnings: kept off the console. */
    private final CapturedLog tcpLog = CapturedLog.of("io.twine.transport.tcp");

    @AfterEach
    void stopCapturing() {
        tcpLog.close();
    }

    private static final int SMALL_BUFFER = 4096;

    @Override
    Subject open() throws Exception {
        ReactorThread rt = ReactorThread.start();
        CompletableFuture<Loopback.Recording> accepted = new CompletableFuture<>();
        ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), Loopback.ANY_PORT, Factory.forProtocol(() -> {
            Loopback.Recording server = new Loopback.Recording();
            accepted.complete(server);
            return server;
        }), TcpOptions.defaults().withSendBufferSize(SMALL_BUFFER)));
        Socket peer = new Socket();
        peer.setReceiveBufferSize(SMALL_BUFFER);
        peer.connect(port.getHost(), 30_000);
        Loopback.Recording server = ReactorThread.await(accepted);
        ReactorThread.await(server.made);
        return new TcpSubject(rt, peer, server);
    }

    private static final class TcpSubject implements Subject {
        private final ReactorThread rt;
        private final Socket peer;
        private final Loopback.Recording server;
        /** Everything the peer has read; guarded by itself, waited on for progress. */
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> endOfStream = new CompletableFuture<>();

        TcpSubject(ReactorThread rt, Socket peer, Loopback.Recording server) {
            this.rt = rt;
            this.peer = peer;
            this.server = server;
        }

        @Override
        public Transport transport() {
            return server.transport();
        }

        @Override
        public <T> T onLoop(Callable<T> work) {
            return rt.call(work);
        }

        @Override
        public void peerReadsEverything() {
            Thread reader = new Thread(this::readUntilEnd, "producer-contract-peer");
            reader.setDaemon(true);
            reader.start();
        }

        private void readUntilEnd() {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = peer.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (received) {
                        received.write(buffer, 0, n);
                        received.notifyAll();
                    }
                }
            } catch (IOException e) {
                // The test closed the socket, or the server aborted: the end either way.
            }
            synchronized (received) {
                endOfStream.complete(received.toByteArray());
                received.notifyAll();
            }
        }

        @Override
        public byte[] awaitPeerReceived(int length) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            synchronized (received) {
                while (received.size() < length) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || endOfStream.isDone()) {
                        throw new AssertionError("the peer received " + received.size() + " of " + length + " bytes");
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(received, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(e);
                    }
                }
                return Arrays.copyOf(received.toByteArray(), length);
            }
        }

        @Override
        public byte[] peerReceivedUntilEnd() {
            return ReactorThread.await(endOfStream);
        }

        @Override
        public Reason awaitLost() {
            return ReactorThread.await(server.lost);
        }

        @Override
        public void close() {
            try {
                peer.close();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            rt.close();
        }
    }
}
