package io.twine.reactor;

import io.twine.reactor.spi.Failures;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

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
 * <p><b>Tasks that return a future.</b> A task made with {@link #awaiting} returns a
 * {@link CompletionStage}; the next run is scheduled only when it completes, at the first point of
 * the grid after that (Twisted's task returning a {@code Deferred}), so a slow run never overlaps
 * the next one. A future that fails stops the loop and fails the future {@link #start} returned
 * with what it failed with (unwrapped from a {@link CompletionException}); it is not reported
 * anywhere else, as Twisted hands it to that {@code Deferred} alone, so keep and watch the future
 * {@code start} returns. A future may complete on any thread: when the scheduler is an
 * {@link EventLoop} and the future completes on another thread, the loop goes on from a task
 * queued with {@link EventLoop#callFromThread}; with any other scheduler, complete it on the
 * thread that owns the scheduler.
 *
 * <p>A task that throws stops the loop: the future {@link #start} returned completes with the
 * exception, which then goes on to whoever ran the task (the scheduler's error reporting, or the
 * caller of {@code start} for a first run made at once).
 *
 * <p><b>Stopping during a run</b> (from the task, or while its future is pending): no further run
 * is scheduled, and the future {@code start} returned completes when the run has finished, with
 * the run's failure if it fails, as Twisted's does. So when that future completes, no run of this
 * start is still going on.
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
    private final AsyncTask asyncTask;
    private final Runnable tick = this::tick;

    private boolean running;
    /** Changes at every start and stop, so a run that restarted the loop does not also schedule. */
    private long generation;
    private Duration interval;
    private long intervalNanos;
    private long startTime;
    /** The index on the grid of the last run: -1 before a first run "now", 0 before one an interval later. */
    private long lastIndex;
    /** The generation whose run is going on (the task, or its future, has not finished), or -1. */
    private long runningGeneration = -1;
    private DelayedCall next;
    private CompletableFuture<Void> whenStopped;
    private long runs;
    private long missedRuns;

    /**
     * A looping call of {@code task}; it does nothing until {@link #start}.
     *
     * @param scheduler the loop whose thread runs the task
     * @param task runs on the loop thread; if it throws, the looping call stops
     */
    public LoopingCall(Scheduler scheduler, Runnable task) {
        this(scheduler, Objects.requireNonNull(task, "task"), null, null);
    }

    private LoopingCall(Scheduler scheduler, Runnable task, CountingTask countingTask, AsyncTask asyncTask) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.task = task;
        this.countingTask = countingTask;
        this.asyncTask = asyncTask;
    }

    /**
     * A looping call that tells {@code task} how many intervals passed since its last run.
     *
     * @param scheduler the loop whose thread runs the task
     * @param task gets 1 per run, or more when the loop was late and runs were skipped
     * @return a looping call, not yet started
     */
    public static LoopingCall withCount(Scheduler scheduler, CountingTask task) {
        return new LoopingCall(scheduler, null, Objects.requireNonNull(task, "task"), null);
    }

    /**
     * A looping call of a task that returns a future: each next run is scheduled only once the
     * last run's future has completed, and a failed future stops the loop (see the class comment).
     *
     * @param scheduler the loop whose thread runs the task
     * @param task runs on the loop thread; its future may complete on any thread
     * @return a looping call, not yet started
     */
    public static LoopingCall awaiting(Scheduler scheduler, AsyncTask task) {
        return new LoopingCall(scheduler, null, null, Objects.requireNonNull(task, "task"));
    }

    /**
     * Starts with a first run at once; see {@link #start(Duration, boolean)}.
     *
     * @param interval the time between runs
     * @return completed when stopped, or with what the task threw
     */
    public CompletableFuture<Void> start(Duration interval) {
        return start(interval, true);
    }

    /**
     * Starts running the task every {@code interval}: the first run at once when {@code now},
     * else one interval from now. An interval of zero runs it once per turn of the loop.
     *
     * @param interval the time between runs, on a fixed grid from the start
     * @param now true to run the task at once, false to wait one interval first
     * @return a future completed when {@link #stop()} is called (once a run going on then has
     *     finished), or completed with what the task threw or its future failed with, which also
     *     stops the loop
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
     * Stops the loop: no more runs; the future {@link #start} returned completes, at once or, when
     * a run is going on (called from the task, or while the task's future is pending), when that
     * run has finished.
     *
     * @throws IllegalStateException if it is not running
     */
    public void stop() {
        if (!running) {
            throw new IllegalStateException("this looping call is not running");
        }
        boolean runGoingOn = runningGeneration == generation;
        running = false;
        generation++;
        if (next != null) {
            next.cancel();
            next = null;
        }
        CompletableFuture<Void> future = whenStopped;
        whenStopped = null;
        if (!runGoingOn) {
            future.complete(null);
        }  // else the run completes it when it finishes
    }

    /**
     * Restarts the interval from now (Twisted's {@code LoopingCall.reset}): the run that was
     * planned is skipped, and the grid starts again, so the next run comes one interval from now.
     * Called while a run is going on (from the task, or while its future is pending), the grid
     * restarts all the same and the next run comes at its first point after the run has
     * finished; Twisted ignores a reset then, twine does not drop it.
     *
     * @throws IllegalStateException if it is not running
     */
    public void reset() {
        if (!running) {
            throw new IllegalStateException("this looping call is not running");
        }
        startTime = scheduler.now();
        lastIndex = 0;
        if (next != null) {
            next.cancel();
            scheduleAfter(startTime);
        }
    }

    /**
     * True between {@link #start} and {@link #stop()} (or a failure of the task).
     *
     * @return true while runs are scheduled
     */
    public boolean isRunning() {
        return running;
    }

    /**
     * The interval of the current or last start, or null if never started.
     *
     * @return the interval last passed to {@link #start}
     */
    public Duration interval() {
        return interval;
    }

    /**
     * How many times the task has run, over all starts.
     *
     * @return runs so far, never reset by a restart
     */
    public long runCount() {
        return runs;
    }

    /**
     * How many points of the grid were skipped because the loop was late, over all starts.
     *
     * @return skipped runs so far, never reset by a restart
     */
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
        if (intervals <= 0) {  // never: the scheduler never runs a call early, and reset() replans
            scheduleAfter(scheduler.now());
            return;
        }
        missedRuns += intervals - 1;
        runs++;
        CompletableFuture<Void> owner = whenStopped;
        runningGeneration = runGeneration;
        CompletionStage<?> outcome;
        try {
            outcome = runTask(intervals);
        } catch (RuntimeException | Error e) {
            Failures.rethrowIfFatal(e);  // the loop ends; no state worth keeping
            runFinished(runGeneration, owner, e);
            throw e;
        }
        if (outcome == null) {
            runFinished(runGeneration, owner, null);
        } else {
            outcome.whenComplete((ignored, failure) -> onSchedulerThread(() -> runFinished(runGeneration, owner, failure)));
        }
    }

    private CompletionStage<?> runTask(long intervals) {
        if (asyncTask != null) {
            return asyncTask.run();
        }
        if (countingTask != null) {
            countingTask.run(intervals);
        } else {
            task.run();
        }
        return null;
    }

    /**
     * The run of {@code runGeneration} has finished, with {@code failure} or not: schedules the
     * next run if nothing stopped or restarted the loop meanwhile, else completes the future of
     * the start it belonged to, which {@link #stop()} left to this run.
     */
    private void runFinished(long runGeneration, CompletableFuture<Void> owner, Throwable failure) {
        if (runningGeneration == runGeneration) {
            runningGeneration = -1;
        }
        boolean current = running && generation == runGeneration;
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (current) {
                running = false;
                generation++;
                whenStopped = null;
            }
            owner.completeExceptionally(cause);
        } else if (current) {
            scheduleAfter(scheduler.now());
        } else {
            owner.complete(null);  // stopped during this run: stop() left its start's future to the run
        }
    }

    /** Runs {@code step} now if this is the scheduler's thread, else hands it to the loop's. */
    private void onSchedulerThread(Runnable step) {
        if (scheduler instanceof EventLoop && !((EventLoop) scheduler).isInLoopThread()) {
            ((EventLoop) scheduler).callFromThread(step);
        } else {
            step.run();
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
        return "LoopingCall[" + (asyncTask != null ? asyncTask : countingTask != null ? countingTask : task) + ", "
                + (running ? "every " + interval : "stopped") + ", runs=" + runs + ", missed=" + missedRuns + "]";
    }
}
