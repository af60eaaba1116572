package io.twine.transport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramTransport;
import io.twine.testing.ReactorThread;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class UdpConnectedTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A plain blocking UDP socket bound on loopback: the other end. */
    private static DatagramChannel peer(InetSocketAddress address) throws Exception {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(address);
        return channel;
    }

    @Test
    void writingToAClosedPortReachesConnectionRefusedAndThePortKeepsReceiving() throws Exception {
        InetSocketAddress deadAddress;
        try (DatagramChannel dead = peer(ANY_LOOPBACK_PORT)) {
            deadAddress = (InetSocketAddress) dead.getLocalAddress();
        }
        Recorder recorder = new Recorder();
        try (ReactorThread rt = ReactorThread.start()) {
            DatagramTransport port = rt.call(() -> Udp.listen(rt.reactor(), ANY_LOOPBACK_PORT, recorder));
            rt.run(() -> {
                port.connect(deadAddress);
                port.write(text("anyone there?"));
            });
            Recorder.poll(recorder.refusals, "connectionRefused");
            assertTrue(rt.call(port::isListening));

            // The port lives on: once something listens at the peer's address, both ways work.
            try (DatagramChannel revived = peer(deadAddress)) {
                revived.send(text("back again"), port.getHost());
                Recorder.Received received = recorder.next();
                assertEquals("back again", received.text());
                assertEquals(deadAddress, received.sender);

                rt.run(() -> port.write("hello".getBytes(StandardCharsets.UTF_8)));
                ByteBuffer reply = ByteBuffer.allocate(100);
                assertEquals(port.getHost(), revived.receive(reply));
                assertEquals("hello", new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8));
            }
            assertTrue(recorder.errors.isEmpty(), "a refusal is not an error");
        }
    }

    @Test
    void aConnectedPortIgnoresOtherSendersAndRefusesToWriteElsewhere() throws Exception {
        Recorder recorder = new Recorder();
        try (ReactorThread rt = ReactorThread.start();
                DatagramChannel peer = peer(ANY_LOOPBACK_PORT);
                DatagramChannel stranger = peer(ANY_LOOPBACK_PORT)) {
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalAddress();
            DatagramTransport port = rt.call(() -> Udp.listen(rt.reactor(), ANY_LOOPBACK_PORT, recorder));
            rt.run(() -> port.connect(peerAddress));
            assertEquals(peerAddress, rt.call(port::getPeer));

            stranger.send(text("from a stranger"), port.getHost());
            peer.send(text("from the peer"), port.getHost());
            assertEquals("from the peer", recorder.next().text());

            InetSocketAddress strangerAddress = (InetSocketAddress) stranger.getLocalAddress();
            IllegalArgumentException elsewhere = assertThrows(IllegalArgumentException.class,
                    () -> rt.run(() -> port.write(text("x"), strangerAddress)));
            assertTrue(elsewhere.getMessage().contains("connected to " + peerAddress), elsewhere.getMessage());

            // Writing to the connected peer by address is the same as writing without one.
            rt.run(() -> port.write(text("by address"), peerAddress));
            ByteBuffer reply = ByteBuffer.allocate(100);
            peer.receive(reply);
            assertEquals("by address", new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8));
        }
        assertTrue(recorder.datagrams.isEmpty(), "the stranger's datagram must not arrive");
    }

    @Test
    void aPortConnectsOnceAndAnUnconnectedPortNeedsAnAddress() throws Exception {
        try (ReactorThread rt = ReactorThread.start(); DatagramChannel peer = peer(ANY_LOOPBACK_PORT)) {
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalAddress();
            DatagramTransport port = rt.call(() -> Udp.listen(rt.reactor(), ANY_LOOPBACK_PORT, new Recorder()));
            assertNull(rt.call(port::getPeer));
            IllegalStateException unconnected = assertThrows(IllegalStateException.class,
                    () -> rt.run(() -> port.write(text("where to?"))));
            assertTrue(unconnected.getMessage().contains("not connected"), unconnected.getMessage());

            rt.run(() -> port.connect(peerAddress));
            IllegalStateException twice = assertThrows(IllegalStateException.class,
                    () -> rt.run(() -> port.connect(peerAddress)));
            assertTrue(twice.getMessage().contains("connects once"), twice.getMessage());
        }
    }
}
