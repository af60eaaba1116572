package io.twine.reactor.spi;

/**
 * A transport with bytes written during this iteration. The loop calls {@link #flush()} once,
 * just before it next selects, so every write made by the callbacks of one iteration leaves in
 * one gathering write.
 *
 * <p>If {@code flush} throws, the loop reports it and calls {@link #failed}.
 *
 * <p>Thread: loop only.
 */
public interface PendingFlush extends ClosesOnFailure {

    /** Writes what is queued, as much as the kernel takes now. */
    void flush();
}
