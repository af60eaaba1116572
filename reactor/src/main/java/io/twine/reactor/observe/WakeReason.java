package io.twine.reactor.observe;

/** Why one select of the loop returned, as a {@link LoopTrace} records it. */
public enum WakeReason {
    /** The select did not wait: tasks, flushes or due timers were already waiting. */
    DID_NOT_WAIT("did not wait: work was waiting"),
    /** A channel became ready. */
    IO("a channel was ready"),
    /** The timeout, which is the earliest timer's due time, passed. */
    TIMER("the next timer fell due"),
    /** Another thread queued a task with {@code callFromThread} and woke the selector. */
    TASK("a task from another thread woke it"),
    /** {@code stop()} woke the selector (with the empty task it posts for that). */
    STOP("stop() woke it"),
    /** Nothing: the selector returned early with nothing ready and nobody woke it. */
    NOTHING("returned early with nothing ready");

    private final String description;

    WakeReason(String description) {
        this.description = description;
    }

    /**
     * A few words for a trace page.
     *
     * @return the words, lower case
     */
    public String description() {
        return description;
    }
}
