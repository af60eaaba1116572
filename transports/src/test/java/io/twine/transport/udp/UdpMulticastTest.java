package io.twine.transport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramTransport;
import io.twine.reactor.UdpOptions;
import io.twine.testing.ReactorThread;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Multicast kept on this host: members join on the loopback interface, senders send with TTL 0
 * through it, and receivers bind the group's own address, so nothing reaches or comes from a
 * real network. IPv4 groups work on {@code lo} although {@code NetworkInterface.supportsMulticast()}
 * says false for it; where the kernel refuses (IPv6 groups, on many hosts), the test is skipped
 * with the kernel's reason printed.
 */
@Timeout(60)
class UdpMulticastTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static NetworkInterface loopbackInterface(String address) throws IOException {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getByName(address));
        assertNotNull(lo, "no interface holds " + address);
        return lo;
    }

    @Test
    void ipv4GroupOnLoopbackWithTtlZeroDeliversUntilLeftAndAgainOnceRejoined() throws Exception {
        InetAddress group = InetAddress.getByName("239.255.71.29");
        NetworkInterface lo = loopbackInterface("127.0.0.1");
        Recorder member = new Recorder();
        try (ReactorThread rt = ReactorThread.start()) {
            DatagramTransport receiver = rt.call(() -> Udp.listen(rt.reactor(), new InetSocketAddress(group, 0), member,
                    UdpOptions.defaults().withReuseAddress(true)));
            rt.run(() -> receiver.joinGroup(group, lo));
            rt.run(() -> receiver.joinGroup(group, lo));  // joining twice does nothing
            InetSocketAddress groupPort = new InetSocketAddress(group, receiver.getHost().getPort());

            DatagramTransport sender = rt.call(() ->
                    Udp.listen(rt.reactor(), new InetSocketAddress("127.0.0.1", 0), new Recorder()));
            rt.run(() -> {
                sender.setOutgoingInterface(lo);
                sender.setTTL(0);
                sender.setLoopbackMode(true);
            });
            assertEquals(0, (int) rt.call(sender::getTTL));
            assertEquals(true, rt.call(sender::getLoopbackMode));
            assertEquals(lo, rt.call(sender::getOutgoingInterface));

            rt.run(() -> sender.write(bytes("to the group"), groupPort));
            Recorder.Received first = member.next();
            assertEquals("to the group", first.text());
            assertEquals(sender.getHost(), first.sender);

            // Loopback delivers in order: if leaving had not worked, "while away" would come first.
            rt.run(() -> {
                receiver.leaveGroup(group, lo);
                sender.write(bytes("while away"), groupPort);
                receiver.joinGroup(group, lo);
                sender.write(bytes("back in"), groupPort);
            });
            assertEquals("back in", member.next().text());
        }
        assertTrue(member.datagrams.isEmpty());
    }

    @Test
    void joinGroupWithoutAnInterfaceUsesTheOutgoingOneOrSaysWhichIsMissing() throws Exception {
        InetAddress group = InetAddress.getByName("239.255.71.30");
        NetworkInterface lo = loopbackInterface("127.0.0.1");
        Recorder member = new Recorder();
        try (ReactorThread rt = ReactorThread.start()) {
            DatagramTransport port = rt.call(() -> Udp.listen(rt.reactor(), new InetSocketAddress(group, 0), member));
            IllegalArgumentException noInterface = assertThrows(IllegalArgumentException.class,
                    () -> rt.run(() -> port.joinGroup(group)));
            assertTrue(noInterface.getMessage().contains("joinGroup(group, interface)"), noInterface.getMessage());

            IllegalArgumentException notAGroup = assertThrows(IllegalArgumentException.class,
                    () -> rt.run(() -> port.joinGroup(InetAddress.getByName("127.0.0.1"), lo)));
            assertTrue(notAGroup.getMessage().contains("not a multicast address"), notAGroup.getMessage());

            rt.run(() -> {
                port.setOutgoingInterface(lo);
                port.setTTL(0);
                port.joinGroup(group);
                // A member that sends to its own group hears itself in loopback mode.
                port.write(bytes("echo of myself"), new InetSocketAddress(group, port.getHost().getPort()));
            });
            assertEquals("echo of myself", member.next().text());
        }
    }

    @Test
    void ipv6GroupOnLoopbackOrSkippedWithTheKernelsReason() throws Exception {
        InetAddress group = InetAddress.getByName("ff15::7129");
        NetworkInterface lo = loopbackInterface("::1");
        Recorder member = new Recorder();
        try (ReactorThread rt = ReactorThread.start()) {
            DatagramTransport receiver;
            try {
                receiver = rt.call(() -> Udp.listen(rt.reactor(), new InetSocketAddress(group, 0), member));
                rt.run(() -> receiver.joinGroup(group, lo));
            } catch (IllegalStateException e) {
                // ReactorThread wraps what the loop threw; only the kernel's refusal is a reason to skip.
                if (!(e.getCause() instanceof IOException)) {
                    throw e;
                }
                skip("the kernel refuses to join IPv6 multicast group " + group.getHostAddress() + " on "
                        + lo.getName() + ": " + e.getCause());
                return;
            }
            Recorder senderProtocol = new Recorder();
            DatagramTransport sender = rt.call(() ->
                    Udp.listen(rt.reactor(), new InetSocketAddress("::1", 0), senderProtocol));
            rt.run(() -> {
                sender.setOutgoingInterface(lo);
                sender.setTTL(0);
                sender.write(bytes("to the v6 group"), new InetSocketAddress(group, receiver.getHost().getPort()));
            });
            // A refused send reaches errorReceived inside write(), so it is known by now.
            IOException refused = senderProtocol.errors.poll();
            if (refused != null) {
                skip("the kernel refuses to send to IPv6 multicast group " + group.getHostAddress() + " through "
                        + lo.getName() + ": " + refused);
            }
            assertEquals("to the v6 group", member.next().text());
        }
    }

    /** Skips the test, and prints why: a skipped test must never look like a silent pass. */
    private static void skip(String reason) {
        System.err.println("SKIPPED " + UdpMulticastTest.class.getSimpleName() + ": " + reason);
        Assumptions.abort(reason);
    }
}
