package io.twine.benchmarks.tls;

import io.twine.benchmarks.tcp.FakeTransport;
import java.nio.ByteBuffer;

/**
 * A {@link FakeTransport} that keeps what is written, in one reusable buffer, until
 * {@link #moveTo} takes it. It stands where TCP would be under a TLS layer, so that a benchmark
 * sees the layer's records without a socket's cost.
 *
 * <p>Thread: the loop that owns the protocol; the buffer belongs to this transport.
 */
final class CapturingTransport extends FakeTransport {

    private final ByteBuffer kept;

    /** Keeps up to {@code capacity} written bytes; more is an error (the benchmark takes them each time). */
    CapturingTransport(int capacity) {
        this.kept = ByteBuffer.allocateDirect(capacity);
    }

    /** Moves every byte written so far to the end of {@code into}. */
    void moveTo(ByteBuffer into) {
        kept.flip();
        into.put(kept);
        kept.clear();
    }

    @Override
    public void write(byte[] data) {
        kept.put(data);
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        kept.put(data, offset, length);
    }

    @Override
    public void write(ByteBuffer data) {
        kept.put(data);
    }

    @Override
    public void writeSequence(ByteBuffer... data) {
        for (ByteBuffer buffer : data) {
            kept.put(buffer);
        }
    }
}
