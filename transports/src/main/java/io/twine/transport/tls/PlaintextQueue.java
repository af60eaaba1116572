package io.twine.transport.tls;

import io.twine.reactor.spi.ChunkPool;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * What a protocol wrote over TLS and the engine has not yet wrapped into records, in the loop's
 * pooled chunks. Each chunk keeps its bytes between position (next to wrap) and limit (next to
 * fill); the chunks sit in order at the start of one array, which is exactly the shape of
 * {@link SSLEngine#wrap(ByteBuffer[], int, int, ByteBuffer)}: one call wraps across chunks into
 * a full record, with no copy into a staging buffer.
 *
 * <p>Thread: loop only.
 */
final class PlaintextQueue {

    private final ChunkPool pool;
    private ByteBuffer[] chunks = new ByteBuffer[4];
    private int count;
    private long size;

    PlaintextQueue(ChunkPool pool) {
        this.pool = pool;
    }

    long size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /**
     * Copies {@code length} bytes of {@code source} from {@code offset}.
     *
     * @return false if the JVM's direct memory ran out first (what was copied stays queued)
     */
    boolean append(byte[] source, int offset, int length) {
        while (length > 0) {
            ByteBuffer tail = writableTail();
            if (tail == null) {
                return false;
            }
            int start = tail.limit();
            int n = Math.min(length, tail.capacity() - start);
            tail.limit(start + n);
            tail.put(start, source, offset, n);
            offset += n;
            length -= n;
            size += n;
        }
        return true;
    }

    /**
     * Copies the remaining bytes of {@code source} and moves its position past what was copied.
     *
     * @return false if the JVM's direct memory ran out first (what was copied stays queued)
     */
    boolean append(ByteBuffer source) {
        int offset = source.position();
        int length = source.remaining();
        while (length > 0) {
            ByteBuffer tail = writableTail();
            if (tail == null) {
                source.position(offset);
                return false;
            }
            int start = tail.limit();
            int n = Math.min(length, tail.capacity() - start);
            tail.limit(start + n);
            tail.put(start, source, offset, n);
            offset += n;
            length -= n;
            size += n;
        }
        source.position(offset);
        return true;
    }

    /** The chunk to append to, or null when a new one was needed and could not be allocated. */
    private ByteBuffer writableTail() {
        if (count > 0 && chunks[count - 1].limit() < chunks[count - 1].capacity()) {
            return chunks[count - 1];
        }
        if (count == chunks.length) {
            ByteBuffer[] bigger = new ByteBuffer[count * 2];
            System.arraycopy(chunks, 0, bigger, 0, count);
            chunks = bigger;
        }
        ByteBuffer chunk = pool.take();
        if (chunk != null) {
            chunks[count++] = chunk;
        }
        return chunk;
    }

    /**
     * Wraps queued bytes into one record in {@code destination}; drained chunks go back to the pool.
     */
    SSLEngineResult wrapInto(SSLEngine engine, ByteBuffer destination) throws SSLException {
        SSLEngineResult result = engine.wrap(chunks, 0, count, destination);
        size -= result.bytesConsumed();
        int drained = 0;
        while (drained < count && !chunks[drained].hasRemaining()) {
            pool.give(chunks[drained]);
            drained++;
        }
        if (drained > 0) {
            System.arraycopy(chunks, drained, chunks, 0, count - drained);
            for (int i = count - drained; i < count; i++) {
                chunks[i] = null;
            }
            count -= drained;
        }
        return result;
    }

    /** Drops everything, returning the chunks to the pool. */
    void clear() {
        for (int i = 0; i < count; i++) {
            pool.give(chunks[i]);
            chunks[i] = null;
        }
        count = 0;
        size = 0;
    }
}
