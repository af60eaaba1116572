package io.twine.protocol.policies;

import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.nio.ByteBuffer;

/**
 * The wrapper {@link ThrottlingFactory} puts around each protocol: it counts the bytes read and
 * written against its own budgets and the factory's, stops reading while a read budget is
 * exhausted, and pauses the wrapped protocol's producer while a write budget is.
 *
 * <p>Reading is paused for either of two reasons, a budget or the wrapped protocol's own
 * {@code pauseProducing}; it resumes only when neither holds. The producer is paused for either
 * of two reasons too, the transport's water marks or a budget: the wrapper registers itself with
 * the transport below as the go-between.
 *
 * <p>Thread: loop only.
 */
final class ThrottledProtocol extends ProtocolWrapper {

    private final ThrottlingFactory throttles;
    private final Runnable update = this::updateThrottles;
    private ByteRateBudget readBudget;
    private ByteRateBudget writeBudget;

    private boolean pausedByProtocol;
    private boolean readingPaused;

    private Producer producer;
    private boolean streaming;
    private boolean bufferFull;
    private boolean producerPaused;
    /** A pull producer asked for more while writes were throttled: ask it once they are not. */
    private boolean pullPending;
    private final Producer gate = new Gate();

    ThrottledProtocol(ThrottlingFactory throttles, Protocol wrapped) {
        super(wrapped);
        this.throttles = throttles;
    }

    @Override
    public void connectionMade() {
        readBudget = throttles.connectionBudget(true, update);
        writeBudget = throttles.connectionBudget(false, update);
        throttles.opened(this);
        updateThrottles();  // the factory's budget may be exhausted already
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        long bytes = data.remaining();
        if (readBudget != null) {
            readBudget.spend(bytes);
        }
        throttles.read(bytes);
        super.dataReceived(data);
    }

    @Override
    public void connectionLost(Reason reason) {
        throttles.closed(this);
        if (readBudget != null) {
            readBudget.cancel();
        }
        if (writeBudget != null) {
            writeBudget.cancel();
        }
        super.connectionLost(reason);
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void write(byte[] data, int offset, int length) {
        super.write(data, offset, length);
        written(length);
    }

    @Override
    public void write(ByteBuffer data) {
        long bytes = data.remaining();
        super.write(data);
        written(bytes);
    }

    @Override
    public void writeSequence(ByteBuffer... data) {
        long bytes = 0;
        for (ByteBuffer buffer : data) {
            bytes += buffer.remaining();
        }
        super.writeSequence(data);
        written(bytes);
    }

    private void written(long bytes) {
        if (writeBudget != null) {
            writeBudget.spend(bytes);
        }
        throttles.written(bytes);
    }

    // ------------------------------------------------------------------ reading paused by the protocol

    @Override
    public void pauseProducing() {
        pausedByProtocol = true;
        updateThrottles();
    }

    @Override
    public void resumeProducing() {
        pausedByProtocol = false;
        updateThrottles();
    }

    // ------------------------------------------------------------------ the producer, behind the gate

    @Override
    public void registerProducer(Producer newProducer, boolean isStreaming) {
        if (producer != null) {
            throw new IllegalStateException("a producer is already registered: " + producer);
        }
        producer = newProducer;
        streaming = isStreaming;
        bufferFull = false;
        producerPaused = false;
        pullPending = false;
        // The transport below may call the gate at once: pause (above the high mark), resume (pull).
        transport.registerProducer(gate, isStreaming);
        updateThrottles();
    }

    @Override
    public void unregisterProducer() {
        transport.unregisterProducer();
        producer = null;
    }

    /** Brings reading and the producer in line with the budgets; called whenever one changes. */
    void updateThrottles() {
        if (!transport.isConnected()) {
            return;
        }
        boolean pauseReading = pausedByProtocol || readsThrottled();
        if (pauseReading != readingPaused) {
            readingPaused = pauseReading;
            if (pauseReading) {
                transport.pauseProducing();
            } else {
                transport.resumeProducing();
            }
        }
        if (producer == null) {
            return;
        }
        boolean writeThrottled = writesThrottled();
        if (!streaming) {
            if (pullPending && !writeThrottled) {
                pullPending = false;
                producer.resumeProducing();
            }
            return;
        }
        boolean pause = bufferFull || writeThrottled;
        if (pause != producerPaused) {
            producerPaused = pause;
            if (pause) {
                producer.pauseProducing();
            } else {
                producer.resumeProducing();
            }
        }
    }

    private boolean readsThrottled() {
        return (readBudget != null && readBudget.isExhausted()) || throttles.readsThrottled();
    }

    private boolean writesThrottled() {
        return (writeBudget != null && writeBudget.isExhausted()) || throttles.writesThrottled();
    }

    /** What the transport below sees as the producer: the water marks' say, combined with the budgets'. */
    private final class Gate implements Producer {
        @Override
        public void pauseProducing() {
            bufferFull = true;
            updateThrottles();
        }

        @Override
        public void resumeProducing() {
            if (streaming) {
                bufferFull = false;
            } else {
                pullPending = true;
            }
            updateThrottles();
        }

        @Override
        public void stopProducing() {
            if (producer != null) {
                producer.stopProducing();
            }
        }
    }
}
