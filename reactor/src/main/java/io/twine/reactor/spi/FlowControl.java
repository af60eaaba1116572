package io.twine.reactor.spi;

import io.twine.protocol.Producer;
import io.twine.protocol.Transport;
import java.util.Objects;

/**
 * The producer registered with one transport and the water marks that pause and resume it: the
 * one definition of the producer contract ({@link Transport#registerProducer}) that TCP, TLS and
 * the test kit's {@code StringTransport} share, so that they cannot drift apart.
 *
 * <p>The transport tells it how many bytes it holds after each write ({@link #queued}) and after
 * each time bytes left ({@link #drained}). A streaming producer is paused once when the queue
 * rises above the high-water mark and resumed once when it falls to the low-water mark; a pull
 * producer is asked for more when it registers and each time the queue has drained to the
 * low-water mark. What a producer's method throws reaches the transport's caller, which applies
 * the failure rule with its own context.
 *
 * <p>Thread: loop only, like the transport that owns it.
 */
public final class FlowControl {

    /** Default high-water mark: above it a streaming producer is paused. */
    public static final long DEFAULT_HIGH_WATER_MARK = 64 * 1024;
    /** Default low-water mark: at or below it a paused producer is resumed. */
    public static final long DEFAULT_LOW_WATER_MARK = 16 * 1024;

    private Producer producer;
    private boolean streaming;
    private boolean paused;
    private long highWaterMark = DEFAULT_HIGH_WATER_MARK;
    private long lowWaterMark = DEFAULT_LOW_WATER_MARK;

    /** No producer yet, and the default water marks. */
    public FlowControl() {
    }

    /**
     * The high-water mark.
     *
     * @return bytes
     */
    public long highWaterMark() {
        return highWaterMark;
    }

    /**
     * The low-water mark.
     *
     * @return bytes
     */
    public long lowWaterMark() {
        return lowWaterMark;
    }

    /**
     * {@link Transport#setWriteBufferLimits}: checks and keeps them.
     *
     * @param highWaterMark above it a streaming producer is paused
     * @param lowWaterMark at or below it a paused producer is resumed
     * @throws IllegalArgumentException unless {@code 0 <= low <= high}
     */
    public void setLimits(long highWaterMark, long lowWaterMark) {
        Transport.checkWriteBufferLimits(highWaterMark, lowWaterMark);
        this.highWaterMark = highWaterMark;
        this.lowWaterMark = lowWaterMark;
    }

    /**
     * The registered producer, or null.
     *
     * @return the producer, or null
     */
    public Producer producer() {
        return producer;
    }

    /**
     * Whether the registered producer is a streaming (push) one.
     *
     * @return true for a streaming producer
     */
    public boolean isStreaming() {
        return streaming;
    }

    /**
     * Whether a streaming producer is paused now, by this flow control.
     *
     * @return true between a pause and the resume that follows it
     */
    public boolean isPaused() {
        return paused;
    }

    /**
     * {@link Transport#registerProducer}. A transport that is already closed stops the producer at
     * once and keeps nothing; otherwise a streaming producer is paused at once if {@code queued}
     * is above the high-water mark, and a pull producer is asked for its first bytes.
     *
     * @param newProducer the producer
     * @param streaming true for a push producer, false for a pull one
     * @param queued bytes the transport holds now
     * @param transportClosed true if the transport is closed already
     * @throws IllegalStateException if another producer is registered
     */
    public void register(Producer newProducer, boolean streaming, long queued, boolean transportClosed) {
        Objects.requireNonNull(newProducer, "producer");
        if (producer != null) {
            throw new IllegalStateException("a producer is already registered: " + producer);
        }
        if (transportClosed) {
            newProducer.stopProducing();
            return;
        }
        producer = newProducer;
        this.streaming = streaming;
        paused = false;
        if (!streaming) {
            newProducer.resumeProducing();
        } else if (queued > highWaterMark) {
            paused = true;
            newProducer.pauseProducing();
        }
    }

    /** {@link Transport#unregisterProducer}: the producer hears nothing more. */
    public void unregister() {
        producer = null;
        paused = false;
    }

    /**
     * Bytes were queued: pauses a streaming producer that crossed the high-water mark.
     *
     * @param queued bytes the transport holds now
     */
    public void queued(long queued) {
        if (producer != null && streaming && !paused && queued > highWaterMark) {
            paused = true;
            producer.pauseProducing();
        }
    }

    /**
     * Bytes left: at or below the low-water mark, resumes a paused streaming producer, or asks a
     * pull producer for more.
     *
     * @param queued bytes the transport still holds
     */
    public void drained(long queued) {
        if (producer == null || queued > lowWaterMark) {
            return;
        }
        if (streaming) {
            if (!paused) {
                return;
            }
            paused = false;
        }
        producer.resumeProducing();
    }

    /**
     * The transport is gone: forgets the producer and returns it, for its {@code stopProducing}.
     *
     * @return the producer that was registered, or null
     */
    public Producer detach() {
        Producer registered = producer;
        producer = null;
        paused = false;
        return registered;
    }
}
