package io.twine.reactor.spi;

/**
 * A protocol that is a layer of its connection (TLS) and has its own graceful close: what it
 * holds for the transport below must be sent first, then its own goodbye ({@code close_notify}).
 * When the reactor stops, a transport whose protocol is such a layer asks it to close (its
 * {@link ShutdownParticipant#shutdown}) instead of closing itself, so the peer sees the same clean
 * end as after the layer's {@code loseConnection()}. The layer ends by closing the transport below;
 * if that never happens, the grace period's abort does it. Every
 * {@link io.twine.protocol.policies.ProtocolWrapper} is one and passes the question on to what it
 * wraps, so a layer is found however many wrappers (an idle timeout, a throttle) sit around it.
 *
 * <p>Thread: loop only.
 */
public interface GracefulLayer {

    /**
     * Begins the layer's graceful close, which ends by closing the transport below.
     *
     * @return false if the layer has nothing of its own to finish (not yet connected, still
     *     handshaking, already closing or failed): the transport then closes itself as usual
     */
    boolean closeGracefully();
}
