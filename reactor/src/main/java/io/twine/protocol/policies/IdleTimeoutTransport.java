package io.twine.protocol.policies;

import io.twine.protocol.Producer;
import io.twine.protocol.Reason;
import io.twine.protocol.Transport;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The transport a protocol wrapped by {@link IdleTimeoutFactory} writes to: it passes everything
 * to the real transport and resets the idle timeout on every write.
 *
 * <p>Thread: loop only.
 */
final class IdleTimeoutTransport implements Transport {

    private final Transport delegate;
    private final IdleTimeout idle;

    IdleTimeoutTransport(Transport delegate, IdleTimeout idle) {
        this.delegate = delegate;
        this.idle = idle;
    }

    @Override
    public void write(byte[] data) {
        idle.resetTimeout();
        delegate.write(data);
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        idle.resetTimeout();
        delegate.write(data, offset, length);
    }

    @Override
    public void write(ByteBuffer data) {
        idle.resetTimeout();
        delegate.write(data);
    }

    @Override
    public void writeSequence(ByteBuffer... data) {
        idle.resetTimeout();
        delegate.writeSequence(data);
    }

    @Override
    public void loseConnection() {
        delegate.loseConnection();
    }

    @Override
    public void loseConnection(Reason reason) {
        delegate.loseConnection(reason);
    }

    @Override
    public void abortConnection() {
        delegate.abortConnection();
    }

    @Override
    public void abortConnection(Reason reason) {
        delegate.abortConnection(reason);
    }

    @Override
    public void loseWriteConnection() {
        delegate.loseWriteConnection();
    }

    @Override
    public SocketAddress getPeer() {
        return delegate.getPeer();
    }

    @Override
    public SocketAddress getHost() {
        return delegate.getHost();
    }

    @Override
    public boolean isConnected() {
        return delegate.isConnected();
    }

    @Override
    public void pauseProducing() {
        delegate.pauseProducing();
    }

    @Override
    public void resumeProducing() {
        delegate.resumeProducing();
    }

    @Override
    public void stopProducing() {
        delegate.stopProducing();
    }

    @Override
    public void registerProducer(Producer producer, boolean streaming) {
        delegate.registerProducer(producer, streaming);
    }

    @Override
    public void unregisterProducer() {
        delegate.unregisterProducer();
    }

    @Override
    public void setWriteBufferLimits(long highWaterMark, long lowWaterMark) {
        delegate.setWriteBufferLimits(highWaterMark, lowWaterMark);
    }

    @Override
    public void setMaxWriteBufferSize(long maxBytes) {
        delegate.setMaxWriteBufferSize(maxBytes);
    }

    @Override
    public long getWriteBufferSize() {
        return delegate.getWriteBufferSize();
    }

    @Override
    public String toString() {
        return "IdleTimeoutTransport[" + delegate + "]";
    }
}
