package io.twine.transport.udp;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.twine.protocol.DatagramProtocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A datagram protocol that records everything that happens to it, for tests to wait on. */
class Recorder extends DatagramProtocol {

    /** One datagram as it arrived: a copy of its bytes and its sender. */
    static final class Received {
        final byte[] data;
        final InetSocketAddress sender;

        Received(byte[] data, InetSocketAddress sender) {
            this.data = data;
            this.sender = sender;
        }

        String text() {
            return new String(data, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    final BlockingQueue<Received> datagrams = new LinkedBlockingQueue<>();
    final BlockingQueue<IOException> errors = new LinkedBlockingQueue<>();
    final BlockingQueue<Boolean> refusals = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> started = new CompletableFuture<>();
    final CompletableFuture<Void> stopped = new CompletableFuture<>();
    volatile int stopCount;

    @Override
    public void startProtocol() {
        started.complete(null);
    }

    @Override
    public void stopProtocol() {
        stopCount++;
        stopped.complete(null);
    }

    @Override
    public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        datagrams.add(new Received(copy, sender));
    }

    @Override
    public void connectionRefused() {
        refusals.add(Boolean.TRUE);
    }

    @Override
    public void errorReceived(IOException error) {
        errors.add(error);
    }

    /** The next datagram, waiting at most 10 seconds. */
    Received next() throws InterruptedException {
        Received received = datagrams.poll(10, TimeUnit.SECONDS);
        assertNotNull(received, "no datagram arrived within 10 s");
        return received;
    }

    static <T> T poll(BlockingQueue<T> queue, String what) throws InterruptedException {
        T value = queue.poll(10, TimeUnit.SECONDS);
        assertNotNull(value, what + " did not happen within 10 s");
        return value;
    }
}
