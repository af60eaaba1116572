package io.twine.protocol.blocking;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
import io.twine.testing.ReactorThread;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bridge's loop side against a {@link RecordingTransport}, on a real reactor thread (the
 * hand-offs go through {@code callFromThread}) but without sockets, so every pause, drain and
 * close happens exactly when the test says.
 */
@Timeout(30)
class ThreadedConnectionTest {

    /** Runs each task on a thread of its own and tells the test when it has ended. */
    static final class OwnThread implements Executor {
        final CompletableFuture<Thread> thread = new CompletableFuture<>();
        final CompletableFuture<Void> finished = new CompletableFuture<>();

        @Override
        public void execute(Runnable task) {
            Thread t = new Thread(() -> {
                try {
                    task.run();
                } finally {
                    finished.complete(null);
                }
            }, "test-handler");
            t.setDaemon(true);
            thread.complete(t);
            t.start();
        }
    }

    private final List<Throwable> reported = new CopyOnWriteArrayList<>();
    private ReactorThread rt;

    @BeforeEach
    void startReactor() {
        Reactor reactor = new Reactor();
        reactor.setErrorReporter((context, error) -> reported.add(error));
        rt = ReactorThread.start(reactor);
    }

    @AfterEach
    void stopReactor() {
        rt.close();
    }

    /** Waits at a latch inside a handler, which may throw only IOException. */
    private static void pass(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(ReactorThread.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IOException("the test never opened the latch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted at a latch");
        }
    }

    private ThreadedConnection connection(BlockingHandler handler, Executor executor, int inboundLimit,
            int outboundLimit) {
        return new ThreadedConnection(rt.reactor(), handler, executor, inboundLimit, outboundLimit,
                BlockingHandlerFactory.WRITE_BUFFER_SIZE);
    }

    private RecordingTransport connect(ThreadedConnection connection) {
        return rt.call(() -> new RecordingTransport(connection).connect());
    }

    /** Waits until every task queued on the loop before this call has run. */
    private void drainLoopTasks() {
        rt.run(() -> { });
    }

    @Test
    void readingPausesAtTheInboundLimitAndResumesOnceTheHandlerHasReadHalf() throws Exception {
        CountDownLatch startReading = new CountDownLatch(1);
        CompletableFuture<byte[]> firstRead = new CompletableFuture<>();
        CountDownLatch readRest = new CountDownLatch(1);
        OwnThread executor = new OwnThread();
        ThreadedConnection connection = connection(c -> {
            pass(startReading);
            firstRead.complete(c.input().readNBytes(700));
            pass(readRest);
            c.input().readNBytes(500);
        }, executor, 1000, 64 * 1024);
        RecordingTransport transport = connect(connection);

        rt.run(() -> transport.receive(new byte[600]));
        assertFalse(rt.call(() -> transport.readingPaused), "below the limit reading goes on");
        rt.run(() -> transport.receive(new byte[600]));
        assertTrue(rt.call(() -> transport.readingPaused), "at the limit reading pauses");
        assertEquals(1200, connection.inbound().peakSize());

        startReading.countDown();
        assertEquals(700, ReactorThread.await(firstRead).length);
        // 500 left, which is half the limit: the handler has asked the loop to read again.
        ReactorThread.await(transport.resumed);
        assertFalse(rt.call(() -> transport.readingPaused));
        assertEquals(1, rt.call(() -> transport.pauses));
        readRest.countDown();
        ReactorThread.await(executor.finished);
    }

    @Test
    void dataDeliveredAfterThePauseBeyondOneReadClosesWithAClearError() {
        CountDownLatch finish = new CountDownLatch(1);
        ThreadedConnection connection = connection(c -> pass(finish), new OwnThread(), 10, 1000);
        RecordingTransport transport = connect(connection);
        // The queue holds the limit plus one read of the loop; more means the transport ignored the pause.
        rt.run(() -> transport.receive(new byte[10 + Reactor.READ_BUFFER_SIZE]));
        IllegalStateException overflow = assertThrows(IllegalStateException.class,
                () -> rt.run(() -> transport.receive(new byte[1])));
        finish.countDown();
        assertTrue(overflow.getMessage().contains("after pauseProducing"), overflow.getMessage());
    }

    @Test
    void handlerWritesReachTheTransportWithinTheOutboundLimitAndThenTheConnectionIsLost() throws Exception {
        byte[] payload = new byte[200_000];
        new Random(7).nextBytes(payload);
        OwnThread executor = new OwnThread();
        ThreadedConnection connection = connection(c -> c.output().write(payload), executor, 1000, 4096);
        RecordingTransport transport = connect(connection);

        // The transport sends nothing until the test flushes it: every flush lets at most 4096 more in.
        while (!rt.call(() -> transport.lostConnection.isDone())) {
            rt.run(transport::flushAll);
        }
        ReactorThread.await(executor.finished);
        assertArrayEquals(payload, rt.call(() -> transport.written.toByteArray()));
        assertTrue(rt.call(() -> transport.peakQueued) <= 4096, "transport queue within the outbound limit");
        assertTrue(connection.outbound().peakSize() <= BlockingHandlerFactory.WRITE_BUFFER_SIZE);
        // One write bigger than the handler-side buffer cannot complete without waiting for the loop.
        assertTrue(connection.outbound().waits() > 0);
        assertFalse(transport.aborted.isDone());
        assertEquals(0, rt.call(() -> transport.writesAfterClose));
        assertTrue(reported.isEmpty(), reported::toString);
    }

    @Test
    void handlerThatThrowsIsReportedOnceAndItsConnectionAborted() {
        IllegalStateException boom = new IllegalStateException("boom");
        OwnThread executor = new OwnThread();
        RecordingTransport transport = connect(connection(c -> {
            c.output().write("partial".getBytes(US_ASCII));
            throw boom;
        }, executor, 1000, 1000));
        ReactorThread.await(transport.aborted);
        ReactorThread.await(executor.finished);
        drainLoopTasks();
        assertEquals(List.of(boom), reported);
        assertFalse(transport.lostConnection.isDone(), "aborted, not closed cleanly");
    }

    @Test
    void peerFinishingGivesTheHandlerEveryByteThenEndOfStream() throws Exception {
        CompletableFuture<byte[]> all = new CompletableFuture<>();
        OwnThread executor = new OwnThread();
        ThreadedConnection connection = connection(c -> all.complete(c.input().readAllBytes()), executor, 1000, 1000);
        RecordingTransport transport = connect(connection);
        rt.run(() -> {
            transport.receive("hello ".getBytes(US_ASCII));
            transport.receive("world".getBytes(US_ASCII));
            connection.readConnectionLost();
        });
        assertEquals("hello world", new String(ReactorThread.await(all), US_ASCII));
        ReactorThread.await(transport.lostConnection);
    }

    @Test
    void readBlockedWhenTheConnectionIsResetThrowsWithTheReasonAndIsNotReported() throws Exception {
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        CompletableFuture<Integer> firstByte = new CompletableFuture<>();
        OwnThread executor = new OwnThread();
        ThreadedConnection connection = connection(c -> {
            firstByte.complete(c.input().read());
            try {
                c.input().read();
            } catch (IOException e) {
                failure.complete(e);
                throw e;
            }
        }, executor, 1000, 1000);
        RecordingTransport transport = connect(connection);
        rt.run(() -> transport.receive(new byte[] {42}));
        assertEquals(42, ReactorThread.await(firstByte));
        rt.run(() -> transport.lose(Reason.reset("Connection reset by peer", null)));
        Throwable error = ReactorThread.await(failure);
        assertTrue(error.getMessage().contains("RESET"), error.getMessage());
        ReactorThread.await(executor.finished);
        drainLoopTasks();
        assertTrue(reported.isEmpty(), "a loss the handler did not cause is not its error: " + reported);
    }

    @Test
    void writeBlockedWhenTheConnectionIsLostThrows() throws Exception {
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        OwnThread executor = new OwnThread();
        ThreadedConnection connection = connection(c -> {
            try {
                c.output().write(new byte[1 << 20]);
            } catch (IOException e) {
                failure.complete(e);
            }
        }, executor, 1000, 1000);
        RecordingTransport transport = connect(connection);
        // Nothing is flushed, so the handler fills its buffer and waits for room.
        while (connection.outbound().waits() == 0) {
            drainLoopTasks();
        }
        rt.run(() -> transport.lose(Reason.reset("Broken pipe", null)));
        Throwable error = ReactorThread.await(failure);
        assertTrue(error.getMessage().contains("was lost"), error.getMessage());
        ReactorThread.await(executor.finished);
    }

    @Test
    void closingTheOutputSendsWhatIsBufferedThenHalfClosesWhileReadingGoesOn() throws Exception {
        OwnThread executor = new OwnThread();
        CompletableFuture<String> afterHalfClose = new CompletableFuture<>();
        ThreadedConnection connection = connection(c -> {
            c.output().write("bye".getBytes(US_ASCII));
            c.output().close();
            afterHalfClose.complete(new String(c.input().readAllBytes(), US_ASCII));
        }, executor, 1000, 1000);
        RecordingTransport transport = connect(connection);
        ReactorThread.await(transport.writeConnectionLost);
        assertEquals("bye", rt.call(() -> transport.written.toString(US_ASCII)));
        assertFalse(rt.call(() -> transport.lostConnection.isDone()));
        rt.run(() -> {
            transport.receive("late".getBytes(US_ASCII));
            connection.readConnectionLost();
        });
        assertEquals("late", ReactorThread.await(afterHalfClose));
        ReactorThread.await(transport.lostConnection);
    }

    @Test
    void flushReturnsOnceTheBytesAreInTheTransport() throws Exception {
        OwnThread executor = new OwnThread();
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        CountDownLatch finish = new CountDownLatch(1);
        RecordingTransport[] transport = new RecordingTransport[1];
        ThreadedConnection connection = connection(c -> {
            c.output().write("now".getBytes(US_ASCII));
            c.output().flush();
            flushed.complete(null);
            pass(finish);
        }, executor, 1000, 1000);
        transport[0] = connect(connection);
        ReactorThread.await(flushed);
        assertEquals("now", rt.call(() -> transport[0].written.toString(US_ASCII)));
        finish.countDown();
        ReactorThread.await(transport[0].lostConnection);
    }

    @Test
    void interruptingABlockedReadThrowsInterruptedIoAndKeepsTheInterrupt() throws Exception {
        OwnThread executor = new OwnThread();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        ThreadedConnection connection = connection(c -> {
            try {
                c.input().read();
            } catch (IOException e) {
                stillInterrupted.complete(Thread.currentThread().isInterrupted());
                failure.complete(e);
            }
        }, executor, 1000, 1000);
        connect(connection);
        Thread worker = ReactorThread.await(executor.thread);
        worker.interrupt();
        assertInstanceOf(InterruptedIOException.class, ReactorThread.await(failure));
        assertTrue(ReactorThread.await(stillInterrupted));
    }

    @Test
    void closedInputDropsLaterDataAndLetsThePausedPeerGoOn() throws Exception {
        OwnThread executor = new OwnThread();
        CountDownLatch closeInput = new CountDownLatch(1);
        CompletableFuture<Throwable> readAfterClose = new CompletableFuture<>();
        CountDownLatch finish = new CountDownLatch(1);
        ThreadedConnection connection = connection(c -> {
            pass(closeInput);
            c.input().close();
            readAfterClose.complete(assertThrows(IOException.class, () -> c.input().read()));
            pass(finish);
        }, executor, 100, 1000);
        RecordingTransport transport = connect(connection);
        rt.run(() -> transport.receive(new byte[150]));
        assertTrue(rt.call(() -> transport.readingPaused));
        closeInput.countDown();
        assertTrue(ReactorThread.await(readAfterClose).getMessage().contains("closed"));
        ReactorThread.await(transport.resumed);
        rt.run(() -> transport.receive(new byte[5000]));
        assertFalse(rt.call(() -> transport.readingPaused), "dropped bytes do not count");
        finish.countDown();
        ReactorThread.await(transport.lostConnection);
    }

    @Test
    void executorThatRefusesAbortsTheConnectionAndReportsOnce() {
        RecordingTransport transport = connect(connection(c -> { }, task -> {
            throw new RejectedExecutionException("full");
        }, 1000, 1000));
        assertTrue(transport.aborted.isDone());
        assertEquals(1, reported.size());
        assertInstanceOf(RejectedExecutionException.class, reported.get(0));
    }

    @Test
    void executorThatRunsOnTheLoopThreadIsCaughtInsteadOfBlockingTheReactor() {
        CompletableFuture<Void> handled = new CompletableFuture<>();
        RecordingTransport transport = connect(connection(c -> handled.complete(null), Runnable::run, 1000, 1000));
        ReactorThread.await(transport.aborted);
        assertFalse(handled.isDone(), "the handler never ran on the loop");
        assertEquals(1, reported.size());
        assertTrue(reported.get(0).getMessage().contains("loop thread"), reported.get(0).getMessage());
    }

    @Test
    void handlerSeesTheTransportsAddresses() throws Exception {
        CompletableFuture<String> addresses = new CompletableFuture<>();
        OwnThread executor = new OwnThread();
        connect(connection(c -> addresses.complete(c.getHost() + " " + c.getPeer()), executor, 10, 10));
        assertEquals("/127.0.0.1:21567 /127.0.0.1:40000", ReactorThread.await(addresses));
    }

    @Test
    void limitsOutsideTheirRangeAreRefusedWithTheValue() {
        BlockingHandlerFactory factory = new BlockingHandlerFactory(rt.reactor(), c -> { });
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> factory.setInboundLimit(0));
        assertTrue(zero.getMessage().contains("got 0"), zero.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> factory.setOutboundLimit(BlockingHandlerFactory.MAX_LIMIT + 1));
        assertThrows(IllegalArgumentException.class, () -> BlockingHandlerFactory.newWorkerPool(0, 1));
        factory.setInboundLimit(5);
        factory.setOutboundLimit(6);
        assertEquals(5, factory.getInboundLimit());
        assertEquals(6, factory.getOutboundLimit());
        assertNotNull(factory.toString());
    }

    @Test
    void defaultPoolRunsHandlersOnDaemonThreadsAndStopsWithTheFactory() throws Exception {
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        BlockingHandlerFactory factory = new BlockingHandlerFactory(rt.reactor(),
                c -> ranOn.complete(Thread.currentThread()));
        rt.run(factory::doStart);
        RecordingTransport transport = rt.call(() -> new RecordingTransport(factory.buildProtocol(null)).connect());
        Thread worker = ReactorThread.await(ranOn);
        assertTrue(worker.isDaemon());
        assertTrue(worker.getName().startsWith("twine-handler-"), worker.getName());
        ReactorThread.await(transport.lostConnection);
        rt.run(factory::doStop);
        worker.join(TimeUnit.SECONDS.toMillis(20));
        assertFalse(worker.isAlive(), "the pool's threads end once the factory has stopped");
    }
}
