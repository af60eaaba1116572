package io.twine.reactor;

import io.twine.reactor.spi.Failures;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a task again and again, every interval, on a {@link Scheduler} (Twisted's
 * {@code task.LoopingCall}).
 *
 * <p><b>No drift.</b> Runs are planned on a fixed grid: the start time plus whole intervals. Each
 * next run is scheduled for the first point of that grid after the current run finished, not
 * for "an interval from now", so neither the task's own duration nor a late loop shifts the runs
 * that follow.
 *
 * <p><b>Missed runs are counted, not bunched.</b> When the loop was busy for longer than an
 * interval, the points of the grid that passed are skipped rather than run one after another to
 * catch up. {@link #missedRuns()} counts them, and a task made with {@link #withCount} is told at
 * each run how many intervals passed since its last run (1 when none were missed), as Twisted's
 * {@code LoopingCall.withCount} does.
 *
 * <p>A task that throws stops the loop: the future {@link #start} returned completes with the
 * exception, which then goes on to whoever ran the task (the scheduler's error reporting, or the
 * caller of {@code start} for a first run made at once).
 *
 * <p>Thread: loop only, like the scheduler.
 */
public final class LoopingCall {

    /** A repeating task that is told how many intervals passed since its last run. */
    @FunctionalInterface
    public interface CountingTask {
        /** @param intervals 1, or more when runs were missed */
        void run(long intervals);
    }

    private final Scheduler scheduler;
    private final Runnable task;
    private final CountingTask countingTask;
    private final Runnable tick = this::tick;

    private boolean running;
    /** Changes at every start and stop, so a run that restarted the loop does not also schedule. */
    private long generation;
    private Duration interval;
    private long intervalNanos;
    private long startTime;
    /** The index on the grid of the last run: -1 before a first run "now", 0 before one an interval later. */
    private long lastIndex;
    private DelayedCall next;
    private CompletableFuture<Void> whenStopped;
    private long runs;
    private long missedRuns;

    /** A looping call of {@code task}; it does nothing until {@link #start}. */
    public LoopingCall(Scheduler scheduler, Runnable task) {
        this(scheduler, Objects.requireNonNull(task, "task"), null);
    }

    private LoopingCall(Scheduler scheduler, Runnable task, CountingTask countingTask) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.task = task;
        this.countingTask = countingTask;
    }

    /** A looping call that tells {@code task} how many intervals passed since its last run. */
    public static LoopingCall withCount(Scheduler scheduler, CountingTask task) {
        return new LoopingCall(scheduler, null, Objects.requireNonNull(task, "task"));
    }

    /** Starts with a first run at once; see {@link #start(Duration, boolean)}. */
    public CompletableFuture<Void> start(Duration interval) {
        return start(interval, true);
    }

    /**
     * Starts running the task every {@code interval}: the first run at once when {@code now},
     * else one interval from now. An interval of zero runs it once per turn of the loop.
     *
     * @return a future completed when {@link #stop()} is called, or completed with what the task
     *     threw, which also stops the loop
     * @throws IllegalStateException if it is already running
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public CompletableFuture<Void> start(Duration interval, boolean now) {
        Objects.requireNonNull(interval, "interval");
        if (running) {
            throw new IllegalStateException("this looping call is already running, every " + this.interval);
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("the interval must be zero or positive, got " + interval);
        }
        running = true;
        generation++;
        this.interval = interval;
        this.intervalNanos = interval.toNanos();
        CompletableFuture<Void> future = new CompletableFuture<>();
        whenStopped = future;
        startTime = scheduler.now();
        if (now) {
            lastIndex = -1;
            tick();
        } else {
            lastIndex = 0;
            scheduleAfter(startTime);
        }
        return future;
    }

    /**
     * Stops the loop: no more runs; the future {@link #start} returned completes. May be called
     * from the task itself.
     *
     * @throws IllegalStateException if it is not running
     */
    public void stop() {
        if (!running) {
            throw new IllegalStateException("this looping call is not running");
        }
        running = false;
        generation++;
        if (next != null) {
            next.cancel();
            next = null;
        }
        CompletableFuture<Void> future = whenStopped;
        whenStopped = null;
        future.complete(null);
    }

    /** True between {@link #start} and {@link #stop()} (or a failure of the task). */
    public boolean isRunning() {
        return running;
    }

    /** The interval of the current or last start, or null if never started. */
    public Duration interval() {
        return interval;
    }

    /** How many times the task has run, over all starts. */
    public long runCount() {
        return runs;
    }

    /** How many points of the grid were skipped because the loop was late, over all starts. */
    public long missedRuns() {
        return missedRuns;
    }

    private void tick() {
        next = null;
        long runGeneration = generation;
        long intervals = 1;
        if (intervalNanos > 0) {
            long index = (scheduler.now() - startTime) / intervalNanos;
            intervals = index - lastIndex;
            lastIndex = index;
        }
        // Never fewer than one: the scheduler never runs a call early.
        if (intervals > 0) {
            missedRuns += intervals - 1;
            runs++;
            try {
                if (countingTask != null) {
                    countingTask.run(intervals);
                } else {
                    task.run();
                }
            } catch (RuntimeException | Error e) {
                Failures.rethrowIfFatal(e);  // the loop ends; no state worth keeping
                if (running && generation == runGeneration) {
                    running = false;
                    generation++;
                    CompletableFuture<Void> future = whenStopped;
                    whenStopped = null;
                    future.completeExceptionally(e);
                }
                throw e;
            }
        }
        if (running && generation == runGeneration) {
            scheduleAfter(scheduler.now());
        }
    }

    /** Schedules the next run at the first point of the grid strictly after {@code time}. */
    private void scheduleAfter(long time) {
        long delay = 0;
        if (intervalNanos > 0) {
            delay = intervalNanos - Math.floorMod(time - startTime, intervalNanos);
        }
        next = scheduler.callLater(Duration.ofNanos(delay), tick);
    }

    @Override
    public String toString() {
        return "LoopingCall[" + (countingTask != null ? countingTask : task) + ", "
                + (running ? "every " + interval : "stopped") + ", runs=" + runs + ", missed=" + missedRuns + "]";
    }
}
