package io.twine.samples.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.protocol.DatagramTransport;
import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.Ctime;
import io.twine.samples.support.SeedReplies;
import io.twine.testing.ReactorThread;
import io.twine.transport.udp.Udp;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code udp-server} in-process, with a blocking datagram channel as its client. */
@Timeout(30)
class UdpServerTest {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A blocking client socket on 127.0.0.1 that gives up a receive after ten seconds. */
    private static DatagramSocket client() throws Exception {
        DatagramSocket socket = new DatagramSocket(LOOPBACK_ANY_PORT);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(DatagramSocket client, InetSocketAddress server, byte[] datagram) throws Exception {
        client.send(new DatagramPacket(datagram, datagram.length, server));
    }

    /** Sends {@code datagram} to {@code server} and returns the one datagram that comes back, as UTF-8. */
    private static String exchange(DatagramSocket client, InetSocketAddress server, byte[] datagram) throws Exception {
        send(client, server, datagram);
        DatagramPacket reply = new DatagramPacket(new byte[DatagramTransport.MAX_IPV6_PAYLOAD + 1],
                DatagramTransport.MAX_IPV6_PAYLOAD + 1);
        client.receive(reply);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
    }

    @Test
    void answersEachDatagramWithTheCtimeAndTheBytesThemselvesAndLogsItsSender() throws Exception {
        ZoneId zone = ZoneId.of("Europe/Paris");
        Clock seedTime = Clock.fixed(LocalDateTime.of(2018, 6, 4, 12, 42, 7).atZone(zone).toInstant(), zone);
        CapturedOutput log = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start(); DatagramSocket client = client()) {
            InetSocketAddress server = rt.call(() -> Udp.listen(rt.reactor(), LOOPBACK_ANY_PORT,
                    new UdpServer.TimestampDatagrams(log.printStream(), new Ctime(seedTime))).getHost());
            assertEquals("[Mon Jun  4 12:42:07 2018] Hello", exchange(client, server, "Hello".getBytes(StandardCharsets.UTF_8)));
            assertEquals("[Mon Jun  4 12:42:07 2018] naïve", exchange(client, server, "naïve".getBytes(StandardCharsets.UTF_8)));
            assertEquals("[Mon Jun  4 12:42:07 2018] ", exchange(client, server, new byte[0]));
            String from = "...received from and returned to: ('127.0.0.1', " + client.getLocalPort() + ")";
            rt.run(() -> { });  // the loop has finished the last datagramReceived, log line included
            assertEquals(List.of(from, "waiting for message...", from, "waiting for message...", from,
                    "waiting for message..."), log.lines());
        }
    }

    @Test
    void startSaysWhereItListensThenWaitsAndStampsLocalTime() throws Exception {
        CapturedOutput log = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start(); DatagramSocket client = client()) {
            InetSocketAddress server = rt.call(() -> UdpServer.start(rt.reactor(), LOOPBACK_ANY_PORT,
                    log.printStream(), null).internetAddress());
            assertEquals(List.of("listening on 127.0.0.1:" + server.getPort(), "waiting for message..."), log.lines());
            SeedReplies.assertReply("World", exchange(client, server, "World".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void datagramTooLargeToAnswerWithTheTimeIsLoggedAndThePortGoesOn() throws Exception {
        CapturedOutput log = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start(); DatagramSocket client = client()) {
            InetSocketAddress server = rt.call(() -> UdpServer.start(rt.reactor(), LOOPBACK_ANY_PORT,
                    log.printStream(), null).internetAddress());
            byte[] huge = new byte[DatagramTransport.MAX_IPV4_PAYLOAD];
            Arrays.fill(huge, (byte) 'x');
            send(client, server, huge);
            log.awaitLine("\\.\\.\\.datagram of 65507 bytes from \\('127\\.0\\.0\\.1', \\d+\\) not answered: "
                    + "with the time it would exceed the 65507-byte limit of a datagram", WAIT);
            SeedReplies.assertReply("small", exchange(client, server, "small".getBytes(StandardCharsets.UTF_8)));
        }
    }
}
