package io.twine.transport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramTransport;
import io.twine.reactor.UdpOptions;
import io.twine.testing.ReactorThread;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(60)
class UdpWriteTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1, 65507, IPv4", "::1, 65527, IPv6"})
    void oversizedWriteThrowsNamingSizeAndLimitSendsNothingAndThePortStaysUsable(String host, int limit,
            String family) throws Exception {
        Recorder receiver = new Recorder();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress any = new InetSocketAddress(host, 0);
            DatagramTransport sink = rt.call(() -> Udp.listen(rt.reactor(), any, receiver));
            DatagramTransport port = rt.call(() -> Udp.listen(rt.reactor(), any, new Recorder()));
            InetSocketAddress target = sink.getHost();

            IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                    () -> rt.run(() -> port.write(new byte[limit + 1], target)));
            String message = tooBig.getMessage();
            assertTrue(message.contains((limit + 1) + " bytes") && message.contains(limit + "-byte limit")
                    && message.contains(family), message);
            ByteBuffer direct = ByteBuffer.allocateDirect(limit + 1);
            assertThrows(IllegalArgumentException.class, () -> rt.run(() -> port.write(direct, target)));
            assertEquals(0, direct.position(), "a refused buffer is left untouched");

            rt.run(() -> port.write(bytes("still fine"), target));
            Recorder.Received first = receiver.next();
            assertEquals("still fine", first.text(), "the oversized datagrams must not have been sent");
            assertEquals(port.getHost().getPort(), first.sender.getPort());
            assertTrue(rt.call(port::isListening));
        }
    }

    @Test
    void anIpv6PortSendingToAnIpv4AddressIsHeldToTheIpv4Limit() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            DatagramTransport port = rt.call(() -> Udp.listen(rt.reactor(), new InetSocketAddress("::", 0), new Recorder()));
            InetSocketAddress ipv4 = new InetSocketAddress("127.0.0.1", 9);
            IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                    () -> rt.run(() -> port.write(new byte[65_508], ipv4)));
            assertTrue(tooBig.getMessage().contains("65507-byte limit"), tooBig.getMessage());
        }
    }

    @Test
    void misuseFailsAtTheCallWithAMessage() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            DatagramTransport ipv4 = rt.call(() -> Udp.listen(rt.reactor(), new InetSocketAddress("127.0.0.1", 0), new Recorder()));
            IllegalArgumentException wrongFamily = assertThrows(IllegalArgumentException.class,
                    () -> rt.run(() -> ipv4.write(bytes("x"), new InetSocketAddress("::1", 9))));
            assertTrue(wrongFamily.getMessage().contains("IPv6 address"), wrongFamily.getMessage());

            IllegalArgumentException unresolved = assertThrows(IllegalArgumentException.class,
                    () -> rt.run(() -> ipv4.write(bytes("x"), InetSocketAddress.createUnresolved("example.invalid", 9))));
            assertTrue(unresolved.getMessage().contains("unresolved"), unresolved.getMessage());

            IllegalArgumentException notInet = assertThrows(IllegalArgumentException.class,
                    () -> rt.call(() -> Udp.listen(rt.reactor(), new java.net.SocketAddress() { }, new Recorder())));
            assertTrue(notInet.getMessage().contains("InetSocketAddress"), notInet.getMessage());

            assertThrows(IllegalArgumentException.class, () -> rt.run(() -> ipv4.setTTL(256)));
        }
    }

    @Test
    void aFailedSendReachesErrorReceivedAndThePortKeepsWorking() throws Exception {
        Recorder receiver = new Recorder();
        Recorder recorder = new Recorder();
        IOException failure = new IOException("Network is unreachable");
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
            DatagramTransport sink = rt.call(() -> Udp.listen(rt.reactor(), any, receiver));
            FakeKernel kernel = new FakeKernel();
            DatagramTransport port = rt.call(() ->
                    UdpPort.open(((UdpPort) sink).loop, any, recorder, UdpOptions.defaults(), kernel::wrap));
            rt.run(() -> {
                kernel.failWith = failure;
                port.write(bytes("lost"), sink.getHost());
                kernel.failWith = null;
                port.write(bytes("delivered"), sink.getHost());
            });
            assertSame(failure, Recorder.poll(recorder.errors, "errorReceived"));
            assertEquals("delivered", receiver.next().text());
            assertTrue(rt.call(port::isListening));
        }
    }

    @Test
    void broadcastIsOffUntilAllowed() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            DatagramTransport port = rt.call(() -> Udp.listen(rt.reactor(), new InetSocketAddress("127.0.0.1", 0), new Recorder()));
            assertEquals(false, rt.call(port::isBroadcastAllowed));
            rt.run(() -> port.setBroadcastAllowed(true));
            assertEquals(true, rt.call(port::isBroadcastAllowed));
        }
    }
}
