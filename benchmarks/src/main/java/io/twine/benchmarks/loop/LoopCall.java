package io.twine.benchmarks.loop;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a fixed piece of work on an event loop and waits for it, without allocating: the same
 * {@code LoopCall} is submitted again and again, and the loop signals the end with a volatile
 * write and an unpark. The work itself may finish later than {@link #run()} returns (a chain of
 * timers, say): it calls {@link #done()} when it is really over.
 *
 * <p>Thread: {@link #runAndWait} from one caller thread at a time; {@link #run()} and
 * {@link #done()} on the loop.
 */
final class LoopCall implements Runnable {

    private final Executor loop;
    private final Runnable work;
    private volatile boolean finished;
    private volatile Thread waiter;

    /**
     * @param loop how to get onto the loop ({@code reactor::callFromThread}, {@code eventLoop::execute})
     * @param work what to run there; it must end by calling {@link #done()} (now or later)
     */
    LoopCall(Executor loop, Runnable work) {
        this.loop = loop;
        this.work = work;
    }

    @Override
    public void run() {
        work.run();
    }

    /** Called on the loop when the work is over. */
    void done() {
        finished = true;
        LockSupport.unpark(waiter);
    }

    /** Submits the work and parks until {@link #done()}, for at most 30 seconds. */
    void runAndWait() throws TimeoutException {
        finished = false;
        waiter = Thread.currentThread();
        loop.execute(this);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!finished) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("the loop did not finish the work within 30 seconds");
            }
        }
    }
}
