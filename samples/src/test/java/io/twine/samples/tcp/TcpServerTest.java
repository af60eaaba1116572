package io.twine.samples.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.Ctime;
import io.twine.samples.support.SeedReplies;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static String readReply(Socket socket, int length) throws Exception {
        InputStream in = socket.getInputStream();
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void answersEachChunkWithTheCtimeAndTheBytesThemselves() throws Exception {
        ZoneId zone = ZoneId.of("Europe/Paris");
        Clock fixed = Clock.fixed(LocalDateTime.of(2018, 6, 4, 11, 20, 46).atZone(zone).toInstant(), zone);
        CapturedOutput log = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress bound = rt.call(() -> (InetSocketAddress) Tcp.listen(rt.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new TcpServer.TimestampFactory(log.printStream(), new Ctime(fixed))).getHost());
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("Hello".getBytes(StandardCharsets.UTF_8));
                String expected = "[Mon Jun  4 11:20:46 2018] Hello";
                assertEquals(expected, readReply(socket, expected.length()));
                socket.getOutputStream().write("naïve".getBytes(StandardCharsets.UTF_8));
                String second = "[Mon Jun  4 11:20:46 2018] naïve";
                assertEquals(second, readReply(socket, second.getBytes(StandardCharsets.UTF_8).length));
                log.awaitLine("\\.\\.\\.connected from: \\('127\\.0\\.0\\.1', " + socket.getLocalPort() + "\\)", WAIT);
            }
            log.awaitLine("waiting for connection\\.\\.\\.", WAIT);
        }
    }

    @Test
    void startSaysWhereItListensThenWaitsAndStampsLocalTime() throws Exception {
        CapturedOutput log = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress bound = rt.call(() -> TcpServer.start(rt.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), log.printStream(), null).internetAddress());
            assertEquals("listening on 127.0.0.1:" + bound.getPort(), log.lines().get(0));
            assertEquals("waiting for connection...", log.lines().get(1));
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("World".getBytes(StandardCharsets.UTF_8));
                SeedReplies.assertReply("World", readReply(socket, "[Mon Jun  4 11:20:46 2018] World".length()));
            }
        }
    }
}
