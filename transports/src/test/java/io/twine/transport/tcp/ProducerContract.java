package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Producer;
import io.twine.protocol.Reason;
import io.twine.protocol.Transport;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The producer contract of {@link Transport} ({@code registerProducer}, the water marks, the hard
 * cap, writes after a close), checked the same way against every transport that implements it:
 * {@link StringTransportProducerContractTest} and {@link TcpProducerContractTest} run these very
 * tests, so the test kit's fake cannot drift from the real thing.
 */
@Timeout(60)
abstract class ProducerContract {

    /** Default water marks of every transport. */
    static final long HIGH = 64 * 1024;
    static final long LOW = 16 * 1024;
    /**
     * Bytes written in one go: far more than the kernel's buffers hold with the small ones the
     * TCP subject asks for, so most of it stays queued in the transport until the peer reads.
     */
    static final int BIG = 1024 * 1024;

    /** One transport under test and the peer at its other end, which does not read until told. */
    interface Subject extends AutoCloseable {

        /** The transport; use it only inside {@link #onLoop}. */
        Transport transport();

        /** Runs {@code work} on the transport's thread and returns its result. */
        <T> T onLoop(Callable<T> work);

        /** The peer reads everything, now and from now on. */
        void peerReadsEverything();

        /** The first {@code length} bytes the peer received, once they have arrived. */
        byte[] awaitPeerReceived(int length);

        /** Everything the peer received, once the transport has ended the connection. */
        byte[] peerReceivedUntilEnd();

        /** What {@code connectionLost} was given, once the connection has ended. */
        Reason awaitLost();

        @Override
        void close();
    }

    /** A connected transport with default limits whose peer is not reading. */
    abstract Subject open() throws Exception;

    /** Counts what the transport asks of it; the waits end at the event, or fail after 30 s. */
    static final class RecordingProducer implements Producer {
        final AtomicInteger pauses = new AtomicInteger();
        final AtomicInteger resumes = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();
        private final Semaphore resumed = new Semaphore(0);

        @Override
        public void resumeProducing() {
            resumes.incrementAndGet();
            resumed.release();
        }

        @Override
        public void pauseProducing() {
            pauses.incrementAndGet();
        }

        @Override
        public void stopProducing() {
            stops.incrementAndGet();
        }

        /** Waits until {@code count} resumes have happened in all. */
        void awaitResumes(int count) throws InterruptedException {
            assertTrue(resumed.tryAcquire(count, 30, TimeUnit.SECONDS),
                    "expected " + count + " resumeProducing calls, got " + resumes.get());
            resumed.release(count);
        }
    }

    static byte[] pattern(int from, int length) {
        return Loopback.patternBytes(from, length);
    }

    private static Void writeBig(Transport transport) {
        transport.write(pattern(0, BIG / 2));
        transport.write(pattern(BIG / 2, BIG / 2));
        return null;
    }

    @Test
    void streamingProducerIsPausedOnceAboveTheHighWaterMarkAndResumedOnceAtTheLowOne() throws Exception {
        try (Subject s = open()) {
            Transport t = s.transport();
            RecordingProducer producer = new RecordingProducer();
            s.onLoop(() -> {
                t.registerProducer(producer, true);
                return null;
            });
            assertEquals(0, producer.pauses.get(), "nothing queued: not paused");
            assertEquals(0, producer.resumes.get(), "a streaming producer is not asked for bytes");

            s.onLoop(() -> writeBig(t));
            assertEquals(1, producer.pauses.get(), "paused once, though both writes are above the mark");
            assertTrue(s.onLoop(t::getWriteBufferSize) > HIGH, "the peer does not read: the bytes stay queued");

            s.peerReadsEverything();
            producer.awaitResumes(1);
            assertArrayEquals(pattern(0, BIG), s.awaitPeerReceived(BIG));
            assertEquals(0L, s.onLoop(t::getWriteBufferSize));
            assertEquals(1, producer.pauses.get());
            assertEquals(1, producer.resumes.get(), "resumed once, at the low-water mark");
        }
    }

    @Test
    void pullProducerIsAskedForBytesWhenRegisteredAndAgainOnceTheQueueHasDrained() throws Exception {
        try (Subject s = open()) {
            Transport t = s.transport();
            RecordingProducer producer = new RecordingProducer();
            s.onLoop(() -> {
                t.registerProducer(producer, false);
                return null;
            });
            assertEquals(1, producer.resumes.get(), "asked for its first bytes at once");

            s.onLoop(() -> writeBig(t));
            s.peerReadsEverything();
            producer.awaitResumes(2);
            assertArrayEquals(pattern(0, BIG), s.awaitPeerReceived(BIG));
            assertEquals(0, producer.pauses.get(), "a pull producer is never paused");
        }
    }

    @Test
    void streamingProducerRegisteredAboveTheHighWaterMarkIsPausedAtOnce() throws Exception {
        try (Subject s = open()) {
            Transport t = s.transport();
            RecordingProducer producer = new RecordingProducer();
            s.onLoop(() -> writeBig(t));
            s.onLoop(() -> {
                t.registerProducer(producer, true);
                return null;
            });
            assertEquals(1, producer.pauses.get());
            s.peerReadsEverything();
            producer.awaitResumes(1);
            assertArrayEquals(pattern(0, BIG), s.awaitPeerReceived(BIG));
        }
    }

    @Test
    void waterMarksSetByTheProtocolDecideWhenItIsPaused() throws Exception {
        try (Subject s = open()) {
            Transport t = s.transport();
            RecordingProducer producer = new RecordingProducer();
            int[] pausesAfterEachWrite = s.onLoop(() -> {
                t.setWriteBufferLimits(BIG / 2, BIG / 4);
                t.registerProducer(producer, true);
                t.write(pattern(0, BIG * 3 / 8));
                int first = producer.pauses.get();
                t.write(pattern(BIG * 3 / 8, BIG * 3 / 8));
                return new int[] {first, producer.pauses.get()};
            });
            assertEquals(0, pausesAfterEachWrite[0], "3/8 MiB queued, below the 1/2 MiB mark");
            assertEquals(1, pausesAfterEachWrite[1], "3/4 MiB queued, above it");
            s.peerReadsEverything();
            producer.awaitResumes(1);
            assertArrayEquals(pattern(0, BIG * 3 / 4), s.awaitPeerReceived(BIG * 3 / 4));
        }
    }

    @Test
    void unregisteredProducerHearsNothingMore() throws Exception {
        try (Subject s = open()) {
            Transport t = s.transport();
            RecordingProducer producer = new RecordingProducer();
            s.onLoop(() -> {
                t.registerProducer(producer, true);
                writeBig(t);
                t.unregisterProducer();
                return null;
            });
            assertEquals(1, producer.pauses.get());
            s.peerReadsEverything();
            assertArrayEquals(pattern(0, BIG), s.awaitPeerReceived(BIG));
            assertEquals(0L, s.onLoop(t::getWriteBufferSize), "every byte has left");
            assertEquals(0, producer.resumes.get(), "unregistered before the queue drained");
            s.onLoop(() -> {
                t.abortConnection();
                return null;
            });
            s.awaitLost();
            assertEquals(0, producer.stops.get(), "not stopped either when the connection ends");
        }
    }

    @Test
    void aSecondProducerIsRefusedAndTheFirstStaysRegistered() throws Exception {
        try (Subject s = open()) {
            Transport t = s.transport();
            RecordingProducer first = new RecordingProducer();
            RecordingProducer second = new RecordingProducer();
            s.onLoop(() -> {
                t.registerProducer(first, true);
                assertThrows(IllegalStateException.class, () -> t.registerProducer(second, true));
                return writeBig(t);
            });
            assertEquals(1, first.pauses.get());
            assertEquals(0, second.pauses.get());
        }
    }

    @Test
    void theRegisteredProducerIsStoppedOnceWhenTheConnectionEnds() throws Exception {
        try (Subject s = open()) {
            Transport t = s.transport();
            RecordingProducer producer = new RecordingProducer();
            s.onLoop(() -> {
                t.registerProducer(producer, true);
                t.abortConnection();
                return null;
            });
            assertEquals(Reason.Kind.ABORTED, s.awaitLost().kind());
            assertEquals(1, producer.stops.get());
        }
    }

    @Test
    void aProducerRegisteredAfterAnAbortIsStoppedAtOnce() throws Exception {
        try (Subject s = open()) {
            Transport t = s.transport();
            RecordingProducer producer = new RecordingProducer();
            int stops = s.onLoop(() -> {
                t.abortConnection();
                t.registerProducer(producer, true);
                return producer.stops.get();
            });
            assertEquals(1, stops);
            assertEquals(0, producer.pauses.get() + producer.resumes.get());
        }
    }

    @Test
    void writesAfterLoseConnectionAreDroppedAndWhatCameBeforeArrives() throws Exception {
        try (Subject s = open()) {
            Transport t = s.transport();
            boolean connected = s.onLoop(() -> {
                t.write(pattern(0, 100));
                t.loseConnection();
                t.write(pattern(100, 100));
                return t.isConnected();
            });
            assertFalse(connected);
            s.peerReadsEverything();
            assertArrayEquals(pattern(0, 100), s.peerReceivedUntilEnd());
            assertEquals(Reason.Kind.CLOSED_BY_US, s.awaitLost().kind());
        }
    }

    @Test
    void aWritePastTheHardCapClosesWithLimitExceededAndIsDropped() throws Exception {
        try (Subject s = open()) {
            Transport t = s.transport();
            boolean connected = s.onLoop(() -> {
                t.setMaxWriteBufferSize(1_000);
                t.write(pattern(0, 600));
                t.write(pattern(600, 600));
                return t.isConnected();
            });
            assertFalse(connected);
            assertEquals(Reason.Kind.LIMIT_EXCEEDED, s.awaitLost().kind());
        }
    }

    @Test
    void badLimitsAreRefused() throws Exception {
        try (Subject s = open()) {
            Transport t = s.transport();
            s.onLoop(() -> {
                assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(1, 2));
                assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(1, -1));
                assertThrows(IllegalArgumentException.class, () -> t.setMaxWriteBufferSize(0));
                return null;
            });
        }
    }
}
