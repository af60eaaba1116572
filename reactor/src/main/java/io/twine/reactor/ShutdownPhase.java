package io.twine.reactor;

/**
 * When a shutdown trigger runs, in Twisted's order ({@code addSystemEventTrigger(phase,
 * "shutdown", ...)}).
 */
public enum ShutdownPhase {
    /** Before anything closes: the loop still runs normally. */
    BEFORE,
    /** Together with closing listeners and asking connections to flush and close. */
    DURING,
    /** After every connection is closed (or aborted at the end of the grace period). */
    AFTER
}
