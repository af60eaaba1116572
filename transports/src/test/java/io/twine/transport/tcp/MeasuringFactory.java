package io.twine.transport.tcp;

import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.Transport;
import io.twine.protocol.blocking.BlockingConnection;
import io.twine.protocol.blocking.BlockingHandler;
import io.twine.protocol.blocking.BlockingHandlerFactory;
import io.twine.reactor.Reactor;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link BlockingHandlerFactory} whose protocols are watched from the outside, through the
 * public API only: each sits behind a {@link Measured} protocol that sees every event, and talks
 * to a transport wrapper that records the transport's queue after every write and every pause of
 * reading. So a test can bound the bytes a bridged connection holds without reaching into it.
 */
final class MeasuringFactory extends BlockingHandlerFactory {

    final List<Measured> connections = new CopyOnWriteArrayList<>();

    MeasuringFactory(Reactor reactor, BlockingHandler handler) {
        super(reactor, handler);
    }

    @Override
    public Protocol buildProtocol(SocketAddress peer) {
        Measured measured = new Measured(super.buildProtocol(peer));
        connections.add(measured);
        return measured;
    }

    /** What one connection's buffers did; every field is written on the loop thread. */
    static final class Measured extends Protocol implements HalfCloseableProtocol {
        private final Protocol inner;
        volatile long peakTransportQueue;
        volatile int peakInboundQueue;
        volatile int readPauses;
        volatile int readResumes;

        Measured(Protocol inner) {
            this.inner = inner;
        }

        @Override
        public void makeConnection(Transport transport) {
            super.makeConnection(transport);
            inner.makeConnection(new Watched(transport));
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            inner.dataReceived(data);
            // The queue only grows here, so its peak is always seen right after a delivery.
            try {
                int queued = ((BlockingConnection) inner).input().available();
                peakInboundQueue = Math.max(peakInboundQueue, queued);
            } catch (IOException inputClosedByHandler) {
                // Nothing is queued once the handler closed its input.
            }
        }

        @Override
        public void readConnectionLost() {
            ((HalfCloseableProtocol) inner).readConnectionLost();
        }

        @Override
        public void writeConnectionLost() {
            ((HalfCloseableProtocol) inner).writeConnectionLost();
        }

        @Override
        public void connectionLost(Reason reason) {
            inner.connectionLost(reason);
        }

        /** Passes every call through, noting the queue after each write. */
        private final class Watched implements Transport {
            private final Transport real;

            Watched(Transport real) {
                this.real = real;
            }

            private void wrote() {
                peakTransportQueue = Math.max(peakTransportQueue, real.getWriteBufferSize());
            }

            @Override
            public void write(byte[] data) {
                real.write(data);
                wrote();
            }

            @Override
            public void write(byte[] data, int offset, int length) {
                real.write(data, offset, length);
                wrote();
            }

            @Override
            public void write(ByteBuffer data) {
                real.write(data);
                wrote();
            }

            @Override
            public void writeSequence(ByteBuffer... data) {
                real.writeSequence(data);
                wrote();
            }

            @Override
            public void pauseProducing() {
                readPauses++;
                real.pauseProducing();
            }

            @Override
            public void resumeProducing() {
                readResumes++;
                real.resumeProducing();
            }

            @Override
            public void loseConnection() {
                real.loseConnection();
            }

            @Override
            public void abortConnection() {
                real.abortConnection();
            }

            @Override
            public void loseWriteConnection() {
                real.loseWriteConnection();
            }

            @Override
            public SocketAddress getPeer() {
                return real.getPeer();
            }

            @Override
            public SocketAddress getHost() {
                return real.getHost();
            }

            @Override
            public boolean isConnected() {
                return real.isConnected();
            }

            @Override
            public void stopProducing() {
                real.stopProducing();
            }

            @Override
            public void registerProducer(Producer producer, boolean streaming) {
                real.registerProducer(producer, streaming);
            }

            @Override
            public void unregisterProducer() {
                real.unregisterProducer();
            }

            @Override
            public void setWriteBufferLimits(long highWaterMark, long lowWaterMark) {
                real.setWriteBufferLimits(highWaterMark, lowWaterMark);
            }

            @Override
            public void setMaxWriteBufferSize(long maxBytes) {
                real.setMaxWriteBufferSize(maxBytes);
            }

            @Override
            public long getWriteBufferSize() {
                return real.getWriteBufferSize();
            }
        }
    }
}
