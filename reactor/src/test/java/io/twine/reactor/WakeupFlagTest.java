package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.spi.IoHandler;
import io.twine.testing.ReactorThread;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The wake-up flag is armed only while the loop may sleep: tasks that other threads (or the
 * loop itself) queue while the loop dispatches ready keys cost no wake-up system call and no
 * empty select on the next turn, yet a task queued while the loop sleeps still wakes it.
 */
@Timeout(60)
class WakeupFlagTest {

    /** Counts wake-ups, and selects that were allowed to wait but returned with nothing. */
    static final class CountingPoller extends Poller {
        final AtomicInteger wakeups = new AtomicInteger();
        final AtomicInteger emptyWaitingSelects = new AtomicInteger();
        final AtomicInteger waitingSelectsEntered = new AtomicInteger();
        volatile CountDownLatch nextWaitingSelect = new CountDownLatch(1);

        CountingPoller() throws IOException {
        }

        @Override
        int select(Consumer<SelectionKey> action, long timeoutMillis) throws IOException {
            if (timeoutMillis != SELECT_NOW) {
                waitingSelectsEntered.incrementAndGet();
                nextWaitingSelect.countDown();
            }
            int selected = super.select(action, timeoutMillis);
            if (selected == 0 && timeoutMillis != SELECT_NOW) {
                emptyWaitingSelects.incrementAndGet();
            }
            return selected;
        }

        @Override
        void wakeup() {
            wakeups.incrementAndGet();
            super.wakeup();
        }
    }

    @Test
    void tasksQueuedDuringDispatchCostNoWakeupAndNoEmptySelect() throws Exception {
        CountingPoller poller = new CountingPoller();
        Reactor reactor = new Reactor(poller);
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        CompletableFuture<Integer> wakeupsWhenTheTasksRan = new CompletableFuture<>();
        AtomicInteger tasksRun = new AtomicInteger();
        int tasks = 100;
        Runnable task = () -> {
            if (tasksRun.incrementAndGet() == 2 * tasks) {
                poller.nextWaitingSelect = new CountDownLatch(1);
                wakeupsWhenTheTasksRan.complete(poller.wakeups.get());
            }
        };
        reactor.transportLoop().register(pipe.source(), SelectionKey.OP_READ, new IoHandler() {
            @Override
            public void ready(int readyOps) {
                try {
                    pipe.source().read(ByteBuffer.allocate(1));
                    // A worker answers while the loop is still dispatching, and so does the loop itself.
                    Thread worker = new Thread(() -> {
                        for (int i = 0; i < tasks; i++) {
                            reactor.callFromThread(task);
                        }
                    });
                    worker.start();
                    worker.join();
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < tasks; i++) {
                    reactor.callFromThread(task);
                }
            }

            @Override
            public void failed(Throwable error) {
                wakeupsWhenTheTasksRan.completeExceptionally(error);
            }
        });
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            int entered = poller.waitingSelectsEntered.get();
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            assertEquals(0, (int) ReactorThread.await(wakeupsWhenTheTasksRan), "wake-ups for tasks queued during dispatch");
            // The next waiting select sleeps: no wake-up is pending for it.
            assertTrue(poller.nextWaitingSelect.await(30, TimeUnit.SECONDS));
            assertTrue(poller.waitingSelectsEntered.get() > entered);
            int emptyBefore = poller.emptyWaitingSelects.get();
            // A task from another thread while the loop sleeps wakes it, once.
            CompletableFuture<Void> ran = new CompletableFuture<>();
            reactor.callFromThread(() -> ran.complete(null));
            ReactorThread.await(ran);
            assertEquals(1, poller.wakeups.get(), "the one wake-up of a task queued while the loop sleeps");
            assertEquals(emptyBefore + 1, poller.emptyWaitingSelects.get(), "only that wake-up made a select return empty");
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
    }
}
