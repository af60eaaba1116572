package io.twine.protocol;

/**
 * A {@link Factory} for outgoing connections, told how each attempt goes (Twisted's
 * {@code ClientFactory}). Calling {@link Connector#connect()} from
 * {@link #clientConnectionFailed} or {@link #clientConnectionLost} tries again.
 *
 * <p>Thread: loop only.
 */
public abstract class ClientFactory extends Factory {

    /** An attempt has started. */
    public void startedConnecting(Connector connector) {}

    /**
     * The attempt failed: refused, unreachable, timed out ({@link Reason.Kind#TIMED_OUT}) or
     * stopped. No protocol was built. Never an exception out of {@code connect}.
     */
    public void clientConnectionFailed(Connector connector, Reason reason) {}

    /** An established connection has ended, after its protocol's {@code connectionLost}. */
    public void clientConnectionLost(Connector connector, Reason reason) {}
}
