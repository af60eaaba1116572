package io.twine.protocol.blocking;

import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.Transport;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Transport} that sends nothing: it keeps what is written, counts what is "queued" until
 * the test calls {@link #flushAll()}, and records every command. It follows the TCP transport's
 * rules that the bridge relies on: a pull producer is resumed on registration and whenever a flush
 * leaves the queue at or below the low-water mark; writes after a close are dropped.
 *
 * <p>Loop thread only, like a real transport; tests reach it through {@code ReactorThread.run}.
 */
final class RecordingTransport implements Transport {

    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final CompletableFuture<Void> lostConnection = new CompletableFuture<>();
    final CompletableFuture<Void> aborted = new CompletableFuture<>();
    final CompletableFuture<Void> writeConnectionLost = new CompletableFuture<>();
    final CompletableFuture<Void> resumed = new CompletableFuture<>();
    private final Protocol protocol;
    long queued;
    long peakQueued;
    long lowWaterMark;
    boolean readingPaused;
    int pauses;
    int resumes;
    int writesAfterClose;
    private boolean closing;
    private boolean closed;
    private Producer producer;

    RecordingTransport(Protocol protocol) {
        this.protocol = protocol;
    }

    /** Attaches the protocol (its {@code connectionMade} runs). */
    RecordingTransport connect() {
        protocol.makeConnection(this);
        return this;
    }

    /** Delivers {@code bytes} as one read. */
    void receive(byte[] bytes) {
        protocol.dataReceived(ByteBuffer.wrap(bytes));
    }

    /** The kernel took everything: the queue is empty and the pull producer is asked for more. */
    void flushAll() {
        queued = 0;
        if (producer != null && queued <= lowWaterMark) {
            producer.resumeProducing();
        }
    }

    /** Ends the connection for {@code reason}, as the transport would. */
    void lose(Reason reason) {
        if (!closed) {
            closed = true;
            closing = true;
            protocol.connectionLost(reason);
        }
    }

    @Override
    public void write(byte[] data) {
        write(data, 0, data.length);
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        if (closing) {
            writesAfterClose++;
            return;
        }
        written.write(data, offset, length);
        queued += length;
        peakQueued = Math.max(peakQueued, queued);
    }

    @Override
    public void write(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        write(copy);
    }

    @Override
    public void writeSequence(ByteBuffer... data) {
        for (ByteBuffer buffer : data) {
            write(buffer);
        }
    }

    @Override
    public void loseConnection() {
        closing = true;
        lostConnection.complete(null);
    }

    @Override
    public void abortConnection() {
        closing = true;
        aborted.complete(null);
        lose(Reason.aborted());
    }

    @Override
    public void loseWriteConnection() {
        writeConnectionLost.complete(null);
    }

    @Override
    public SocketAddress getPeer() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public SocketAddress getHost() {
        return new InetSocketAddress("127.0.0.1", 21567);
    }

    @Override
    public boolean isConnected() {
        return !closing;
    }

    @Override
    public void pauseProducing() {
        readingPaused = true;
        pauses++;
    }

    @Override
    public void resumeProducing() {
        readingPaused = false;
        resumes++;
        resumed.complete(null);
    }

    @Override
    public void stopProducing() {
        loseConnection();
    }

    @Override
    public void registerProducer(Producer newProducer, boolean streaming) {
        if (streaming) {
            throw new AssertionError("the bridge registers a pull producer");
        }
        producer = newProducer;
        newProducer.resumeProducing();
    }

    @Override
    public void unregisterProducer() {
        producer = null;
    }

    @Override
    public void setWriteBufferLimits(long highWaterMark, long lowWaterMark) {
        this.lowWaterMark = lowWaterMark;
    }

    @Override
    public void setMaxWriteBufferSize(long maxBytes) {}

    @Override
    public long getWriteBufferSize() {
        return queued;
    }
}
