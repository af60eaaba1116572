package io.twine.benchmarks.tcp;

import io.twine.protocol.Producer;
import io.twine.protocol.Transport;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A {@link Transport} with no socket behind it: writes are counted and dropped. It lets a
 * benchmark call a protocol's {@code dataReceived} directly and measure the protocol alone.
 *
 * <p>Thread: the benchmark thread only.
 */
public class FakeTransport implements Transport {

    private static final SocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 0);

    /** Bytes written so far. */
    long written;

    @Override
    public void write(byte[] data) {
        written += data.length;
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        written += length;
    }

    @Override
    public void write(ByteBuffer data) {
        written += data.remaining();
        data.position(data.limit());
    }

    @Override
    public void writeSequence(ByteBuffer... data) {
        for (ByteBuffer buffer : data) {
            write(buffer);
        }
    }

    @Override
    public void loseConnection() {}

    @Override
    public void abortConnection() {}

    @Override
    public void loseWriteConnection() {}

    @Override
    public SocketAddress getPeer() {
        return ADDRESS;
    }

    @Override
    public SocketAddress getHost() {
        return ADDRESS;
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public void pauseProducing() {}

    @Override
    public void resumeProducing() {}

    @Override
    public void stopProducing() {}

    @Override
    public void registerProducer(Producer producer, boolean streaming) {}

    @Override
    public void unregisterProducer() {}

    @Override
    public void setWriteBufferLimits(long highWaterMark, long lowWaterMark) {}

    @Override
    public void setMaxWriteBufferSize(long maxBytes) {}

    @Override
    public long getWriteBufferSize() {
        return 0;
    }
}
