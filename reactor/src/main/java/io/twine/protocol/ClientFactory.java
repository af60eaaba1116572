package io.twine.protocol;

/**
 * A {@link Factory} for outgoing connections, told how each attempt goes (Twisted's
 * {@code ClientFactory}). Calling {@link Connector#connect()} from
 * {@link #clientConnectionFailed} or {@link #clientConnectionLost} tries again.
 *
 * <p>Thread: loop only.
 */
public abstract class ClientFactory extends Factory {

    /**
     * An attempt has started.
     *
     * @param connector the attempt, on the loop thread; {@code stopConnecting} cancels it
     */
    public void startedConnecting(Connector connector) {}

    /**
     * The attempt failed: refused, unreachable, timed out ({@link Reason.Kind#TIMED_OUT}) or
     * stopped. No protocol was built. Never an exception out of {@code connect}.
     *
     * @param connector the attempt that failed; {@code connect()} on it tries again
     * @param reason why, with the JDK's exception as its cause where there was one
     */
    public void clientConnectionFailed(Connector connector, Reason reason) {}

    /**
     * An established connection has ended, after its protocol's {@code connectionLost}.
     *
     * @param connector the attempt that made the connection; {@code connect()} on it reconnects
     * @param reason the same reason the protocol's {@code connectionLost} got
     */
    public void clientConnectionLost(Connector connector, Reason reason) {}
}
