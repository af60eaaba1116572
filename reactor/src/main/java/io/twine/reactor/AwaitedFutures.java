package io.twine.reactor;

import io.twine.reactor.spi.Failures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * The futures one step of a reactor's start or stop waits for: those returned by its startup
 * triggers, or by the shutdown triggers of one phase. A future may complete on any thread; its
 * completion is handed to the loop with {@code callFromThread}, which also wakes the loop to look
 * again. A failed future is reported once through the failure rule; the step goes on regardless,
 * as Twisted's does once all its {@code Deferred}s have fired.
 *
 * <p>Thread: loop only, except that the futures complete where they complete.
 */
final class AwaitedFutures {

    private final Reactor reactor;
    private final Failures failures;
    /** What still has to finish: the tasks whose futures are pending, for the report of a late step. */
    private final List<AsyncTask> pending = new ArrayList<>();

    AwaitedFutures(Reactor reactor, Failures failures) {
        this.reactor = reactor;
        this.failures = failures;
    }

    /** Waits for {@code future}, which {@code task} ({@code name} in reports) returned; on the loop. */
    void await(CompletionStage<?> future, String name, AsyncTask task) {
        pending.add(task);
        future.whenComplete((ignored, failure) -> reactor.callFromThread(() -> finished(name, task, failure)));
    }

    private void finished(String name, AsyncTask task, Throwable failure) {
        if (!pending.remove(task)) {
            return;  // reported as late already: the step went on without it
        }
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            failures.report(name + "'s future", task, cause);
        }
    }

    /** True when every future waited for has completed. */
    boolean isEmpty() {
        return pending.isEmpty();
    }

    /**
     * The step goes on without the futures still pending (its time is up): reports each once, and
     * forgets it, so a late completion reports nothing more.
     */
    void giveUp(String name, String why) {
        for (AsyncTask task : pending) {
            failures.report(name, task, new TimeoutException("its future did not complete " + why + "; the reactor went on"));
        }
        pending.clear();
    }
}
