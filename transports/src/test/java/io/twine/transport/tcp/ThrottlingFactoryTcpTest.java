package io.twine.transport.tcp;

import static io.twine.transport.tcp.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.policies.ThrottlingFactory;
import io.twine.testing.ManualClock;
import io.twine.testing.ReactorThread;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The throttling factory on real sockets, with its budgets on a manual clock: bytes move only
 * while the budget allows, so every read and every write must satisfy "bytes before it <= one
 * second's worth + the limit times the time elapsed", which an unthrottled connection breaks at
 * once. Nothing is dropped: every byte arrives in the end.
 */
@Timeout(60)
class ThrottlingFactoryTcpTest {

    private static final long LIMIT = 1000;

    private final ManualClock clock = new ManualClock();  // touched on the loop thread only
    /** Each read or write: the bytes that passed before it (all connections together) and when. */
    private final List<long[]> log = new CopyOnWriteArrayList<>();
    private long total;  // loop thread

    private void record(long bytes) {
        log.add(new long[] {total, clock.now()});
        total += bytes;
    }

    private void assertWithinBudget() {
        assertTrue(log.size() >= 2, "the bytes were split into several reads or writes: " + log.size());
        for (long[] entry : log) {
            long allowed = LIMIT + LIMIT * entry[1] / 1_000_000_000L;
            assertTrue(entry[0] <= allowed, entry[0] + " bytes had passed at " + entry[1] + " ns, more than "
                    + allowed + " allowed");
        }
    }

    /** Counts what it reads; {@code first} completes once {@code firstExpected} bytes have come, {@code got} at {@code expected}. */
    private final class Counter extends Protocol {
        final CompletableFuture<Void> made = new CompletableFuture<>();
        final CompletableFuture<Void> first = new CompletableFuture<>();
        final CompletableFuture<Void> got = new CompletableFuture<>();
        final long firstExpected;
        final long expected;
        long received;

        Counter(long firstExpected, long expected) {
            this.firstExpected = firstExpected;
            this.expected = expected;
        }

        @Override
        public void connectionMade() {
            made.complete(null);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            record(data.remaining());
            received += data.remaining();
            if (received >= firstExpected) {
                first.complete(null);
            }
            if (received >= expected) {
                got.complete(null);
            }
        }
    }

    /** Advances the manual clock to its next timer (a budget's refill) on the loop, until {@code done}. */
    private void refillUntil(ReactorThread rt, CompletableFuture<?> done) {
        for (int step = 0; step < 100 && !done.isDone(); step++) {
            rt.run(() -> {
                Duration next = clock.untilNextCall();
                if (next != null) {
                    clock.advance(next);
                }
            });
            try {
                done.get(50, TimeUnit.MILLISECONDS);  // an upper bound: the wait ends when the bytes come
            } catch (Exception notYet) {
                // the next refill lets more through
            }
        }
        ReactorThread.await(done);
    }

    /**
     * Client A sends 1,500 bytes (more than a second's worth, so its first reads take the budget
     * below zero), then 4,500 more; client B, if there is one, sends 500 while A is throttled.
     */
    private void throttledReads(Consumer<ThrottlingFactory> limits, boolean withB) throws Exception {
        Counter a = new Counter(1500, 6000);
        Counter b = new Counter(500, 500);
        List<Counter> queue = new CopyOnWriteArrayList<>(withB ? List.of(a, b) : List.of(a));
        ThrottlingFactory factory = new ThrottlingFactory(clock, Factory.forProtocol(() -> queue.remove(0)));
        limits.accept(factory);
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, factory));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socketA = new Socket(bound.getAddress(), bound.getPort());
                    Socket socketB = withB ? new Socket(bound.getAddress(), bound.getPort()) : null) {
                ReactorThread.await(a.made);
                socketA.getOutputStream().write(new byte[1500]);
                refillUntil(rt, a.first);
                socketA.getOutputStream().write(new byte[4500]);
                if (withB) {
                    ReactorThread.await(b.made);
                    socketB.getOutputStream().write(new byte[500]);
                }
                refillUntil(rt, withB ? CompletableFuture.allOf(a.got, b.got) : a.got);
            }
            assertEquals(withB ? 6500 : 6000, (long) rt.call(() -> total), "nothing is lost");
        }
        assertWithinBudget();
    }

    @Test
    void aConnectionReadsNoFasterThanItsLimitAndLosesNothing() throws Exception {
        throttledReads(factory -> factory.setConnectionReadLimit(LIMIT), false);
    }

    @Test
    void allConnectionsTogetherReadNoFasterThanTheFactoryLimit() throws Exception {
        throttledReads(factory -> factory.setReadLimit(LIMIT), true);
    }

    /** Writes 500-byte chunks while not paused, {@code total} bytes in all, then closes. */
    private final class Writer extends Protocol implements Producer {
        final BlockingQueue<String> events;
        final int toWrite;
        int written;
        boolean paused;

        Writer(BlockingQueue<String> events, int toWrite) {
            this.events = events;
            this.toWrite = toWrite;
        }

        @Override
        public void connectionMade() {
            transport.registerProducer(this, true);  // may pause us at once: the factory's budget is shared
            if (!paused) {
                produce();
            }
        }

        @Override
        public void resumeProducing() {
            paused = false;
            produce();
        }

        private void produce() {
            while (!paused && written < toWrite) {
                record(500);
                written += 500;
                transport.write(new byte[500]);
            }
            if (written >= toWrite) {
                transport.unregisterProducer();
                transport.loseConnection();
                events.add("done");
            }
        }

        @Override
        public void pauseProducing() {
            paused = true;
            events.add("paused");
        }

        @Override
        public void stopProducing() {}
    }

    private void throttledWrites(Consumer<ThrottlingFactory> limits, int clients) throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        ThrottlingFactory factory = new ThrottlingFactory(clock, Factory.forProtocol(() -> new Writer(events, 3000)));
        limits.accept(factory);
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, factory));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            List<CompletableFuture<Integer>> reads = new ArrayList<>();
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    Socket socket = new Socket(bound.getAddress(), bound.getPort());
                    socket.setSoTimeout(30_000);
                    sockets.add(socket);
                    InputStream in = socket.getInputStream();
                    reads.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return in.readAllBytes().length;
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    }));
                }
                int done = 0;
                while (done < clients) {
                    String event = events.poll(30, TimeUnit.SECONDS);
                    assertNotNull(event, "the writers neither paused nor finished");
                    if (event.equals("done")) {
                        done++;
                    } else {
                        rt.run(() -> {
                            Duration next = clock.untilNextCall();
                            if (next != null) {
                                clock.advance(next);
                            }
                        });
                    }
                }
                for (CompletableFuture<Integer> read : reads) {
                    assertEquals(3000, (int) ReactorThread.await(read), "every byte arrives");
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
        assertWithinBudget();
    }

    @Test
    void aConnectionWritesNoFasterThanItsLimitByPausingItsProducer() throws Exception {
        throttledWrites(factory -> factory.setConnectionWriteLimit(LIMIT), 1);
    }

    @Test
    void allConnectionsTogetherWriteNoFasterThanTheFactoryLimit() throws Exception {
        throttledWrites(factory -> factory.setWriteLimit(LIMIT), 3);
    }
}
