package io.twine.transport.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The one step of sending that depends on the kernel: hand over a datagram, or learn that the
 * send buffer is full. A seam, because loopback UDP never reports a full send buffer, so the
 * port's queue can only be tested with a stand-in.
 *
 * <p>Thread: loop only.
 */
interface DatagramSender {

    /**
     * Sends the bytes between {@code datagram}'s position and limit, whole, to {@code target},
     * moving the position to the limit.
     *
     * @return false, with nothing sent and the position unchanged, when the kernel's send buffer
     *     has no room now
     */
    boolean send(ByteBuffer datagram, InetSocketAddress target) throws IOException;

    /** Sends straight through {@code channel}, which must be non-blocking. */
    static DatagramSender of(DatagramChannel channel) {
        return (datagram, target) -> {
            boolean empty = !datagram.hasRemaining();
            // send() returns 0 both for "no room" and for an empty datagram that went out; the
            // JDK gives no way to tell them apart, and the kernel takes a 0-byte datagram at once
            // unless the buffer is full, so an empty one counts as sent.
            return channel.send(datagram, target) > 0 || empty;
        };
    }
}
