package io.twine.reactor.internal;

import io.twine.reactor.DelayedCall;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The timers of one scheduler: a binary min-heap ordered by (due time, sequence number), where
 * every entry knows its own index so that {@code cancel}, {@code reset} and {@code delay} are
 * O(log n) and remove or move the entry at once. Cancelled timers therefore never pile up: a
 * million schedule-and-cancel cycles leave the heap as small as it started.
 *
 * <p>The sequence number breaks ties, so calls due at the same time run in the order they were
 * scheduled (and {@code reset} counts as scheduling anew).
 *
 * <p>Thread: not thread-safe; owned by the loop thread (or the test thread for a manual clock).
 */
public final class TimerQueue {

    private final LongSupplier clock;
    private Timer[] heap = new Timer[16];
    private int size;
    private long nextSequence;

    /** @param clock the owner's {@code now()}, in nanoseconds */
    public TimerQueue(LongSupplier clock) {
        this.clock = clock;
    }

    /** Schedules {@code task} at {@code delay} from the clock's now. */
    public DelayedCall schedule(Duration delay, Runnable task) {
        checkDelay(delay, "delay");
        if (task == null) {
            throw new NullPointerException("task");
        }
        Timer timer = new Timer(this, task);
        timer.time = saturatedAdd(clock.getAsLong(), delay);
        insert(timer);
        return timer;
    }

    /** The due time of the earliest timer, or {@link Long#MAX_VALUE} when there is none. */
    public long nextDueTime() {
        return size == 0 ? Long.MAX_VALUE : heap[0].time;
    }

    /** How many timers are scheduled and not yet run or cancelled. */
    public int size() {
        return size;
    }

    /** The timers scheduled and not yet run or cancelled, in the order they will run (a copy). */
    public List<DelayedCall> pending() {
        Timer[] live = Arrays.copyOf(heap, size);
        Arrays.sort(live, (a, b) -> before(a, b) ? -1 : before(b, a) ? 1 : 0);
        return List.of(live);
    }

    /**
     * Runs, in order, every timer due at or before {@code now} that was scheduled before this
     * call began. Timers that the running ones schedule wait for the next pass, even when they
     * are already due, so a timer that re-arms itself with zero delay cannot starve the loop.
     * Allocates nothing.
     *
     * @param runner runs each due task and deals with what it throws (the reactor applies its
     *     failure rule there); if it throws, the pass stops and the remaining timers stay scheduled
     * @return how many timers ran
     */
    public int runDue(long now, Consumer<Runnable> runner) {
        long sequenceLimit = nextSequence;
        int ran = 0;
        while (size > 0) {
            Timer first = heap[0];
            if (first.time > now || first.sequence >= sequenceLimit) {
                break;
            }
            removeAt(0);
            first.state = Timer.RAN;
            ran++;
            runner.accept(first.task);
        }
        return ran;
    }

    /**
     * Runs every timer due at or before {@code now}, including those scheduled by the ones that
     * run, in time order. This is what a manual clock's {@code advance} means; the reactor uses
     * {@link #runDue} instead.
     */
    public int runAllDue(long now, Consumer<Runnable> runner) {
        int ran = 0;
        while (size > 0 && heap[0].time <= now) {
            ran += runDue(now, runner);
        }
        return ran;
    }

    private void insert(Timer timer) {
        timer.sequence = nextSequence++;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        timer.index = size;
        heap[size++] = timer;
        siftUp(timer.index);
    }

    private void removeAt(int index) {
        Timer removed = heap[index];
        removed.index = -1;
        size--;
        if (index != size) {
            Timer last = heap[size];
            heap[index] = last;
            last.index = index;
            heap[size] = null;
            siftDown(index);
            siftUp(last.index);
        } else {
            heap[size] = null;
        }
        // Shrink after bursts so a million cancelled calls do not leave a million-slot array.
        if (heap.length > 64 && size < heap.length / 4) {
            heap = Arrays.copyOf(heap, heap.length / 2);
        }
    }

    private void siftUp(int index) {
        Timer timer = heap[index];
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            Timer above = heap[parent];
            if (!before(timer, above)) {
                break;
            }
            heap[index] = above;
            above.index = index;
            index = parent;
        }
        heap[index] = timer;
        timer.index = index;
    }

    private void siftDown(int index) {
        Timer timer = heap[index];
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && before(heap[right], heap[child])) {
                child = right;
            }
            if (!before(heap[child], timer)) {
                break;
            }
            heap[index] = heap[child];
            heap[index].index = index;
            index = child;
        }
        heap[index] = timer;
        timer.index = index;
    }

    private static boolean before(Timer a, Timer b) {
        return a.time < b.time || (a.time == b.time && a.sequence < b.sequence);
    }

    /** The one check of a delay, for callLater, reset and delay alike. */
    private static void checkDelay(Duration delay, String name) {
        if (delay == null) {
            throw new NullPointerException(name);
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or positive, got " + delay);
        }
    }

    private static long saturatedAdd(long now, Duration delay) {
        long nanos;
        try {
            nanos = delay.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        long sum = now + nanos;
        // Overflow only when both are positive and the sum wrapped.
        return (nanos > 0 && sum < now) ? Long.MAX_VALUE : sum;
    }

    /** One scheduled call; its {@code index} is its place in the heap, -1 when out of it. */
    private static final class Timer implements DelayedCall {
        static final int ACTIVE = 0;
        static final int RAN = 1;
        static final int CANCELLED = 2;

        final TimerQueue queue;
        final Runnable task;
        long time;
        long sequence;
        int index = -1;
        int state = ACTIVE;

        Timer(TimerQueue queue, Runnable task) {
            this.queue = queue;
            this.task = task;
        }

        @Override
        public long getTime() {
            return time;
        }

        @Override
        public boolean isActive() {
            return state == ACTIVE;
        }

        @Override
        public void cancel() {
            checkActive("cancel");
            state = CANCELLED;
            queue.removeAt(index);
        }

        @Override
        public void reset(Duration delay) {
            checkDelay(delay, "delay");
            moveTo(saturatedAdd(queue.clock.getAsLong(), delay), "reset");
        }

        @Override
        public void delay(Duration extra) {
            checkDelay(extra, "extra delay");
            moveTo(saturatedAdd(time, extra), "delay");
        }

        private void moveTo(long newTime, String operation) {
            checkActive(operation);
            queue.removeAt(index);
            time = newTime;
            queue.insert(this);
        }

        private void checkActive(String operation) {
            if (state != ACTIVE) {
                throw new IllegalStateException("cannot " + operation + " a call that already "
                        + (state == RAN ? "ran" : "was cancelled"));
            }
        }

        @Override
        public String toString() {
            return "DelayedCall[" + task + (state == ACTIVE ? ", due " + time : state == RAN ? ", ran" : ", cancelled") + "]";
        }
    }
}
