package io.twine.reactor.spi;

/**
 * Work a transport asked the loop to run once, just before the loop next selects
 * ({@link TransportLoop#runBeforeNextSelect}). TCP and TLS use it to flush what was written
 * outside the connection's own read event, so every such write of one turn leaves in one
 * gathering write, and to deliver a loss decided inside another callback; UDP uses it to finish
 * closing a port after {@code stopListening}.
 *
 * <p>If {@code runBeforeSelect} throws, the loop reports it and calls {@link #failed}.
 *
 * <p>Thread: loop only.
 */
public interface BeforeNextSelect extends ClosesOnFailure {

    /** Does the work asked for: writes what is queued (as much as the kernel takes now), closes. */
    void runBeforeSelect();
}
