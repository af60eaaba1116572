package io.twine.reactor;

import java.util.concurrent.CompletionStage;

/**
 * Work that may finish later: it returns a future that completes when it has (Twisted's callables
 * that return a {@code Deferred}). Whoever runs it waits for that future before going on: a
 * {@link LoopingCall} made with {@link LoopingCall#awaiting} before its next run, a
 * {@link Reactor}'s stop before its next phase ({@link Reactor#addShutdownTrigger(ShutdownPhase,
 * AsyncTask)}, {@link Reactor#addStartupTrigger}).
 *
 * <p>Thread: run on the loop thread; the future may complete on any thread.
 */
@FunctionalInterface
public interface AsyncTask {

    /** @return the work's outcome; null means it has finished already, as if completed */
    CompletionStage<?> run();
}
