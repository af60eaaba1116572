package io.twine.transport.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Stands between a port and its channel: while {@link #full} is set it reports a full kernel send
 * buffer, and while {@link #failWith} is set it throws that, which loopback UDP never does by
 * itself. Otherwise it sends for real. Set from the loop thread only.
 */
final class FakeKernel {

    boolean full;
    IOException failWith;
    int sendCalls;

    DatagramSender wrap(DatagramChannel channel) {
        DatagramSender real = DatagramSender.of(channel);
        return (datagram, target) -> {
            sendCalls++;
            if (failWith != null) {
                throw failWith;
            }
            if (full) {
                return false;
            }
            return real.send(datagram, target);
        };
    }
}
