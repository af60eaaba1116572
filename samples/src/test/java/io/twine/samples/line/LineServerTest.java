package io.twine.samples.line;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.Ctime;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.SeedReplies;
import io.twine.testing.ReactorThread;
import io.twine.testsupport.CapturedLog;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code line-server} in-process, driven over real sockets on 127.0.0.1 as the seed's client does. */
@Timeout(30)
class LineServerTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Paris");
    /** 15:34:12 on Monday 4 June 2018, the time of the seed's transcript. */
    private static final Clock SEED_TIME = Clock.fixed(LocalDateTime.of(2018, 6, 4, 15, 34, 12).atZone(ZONE).toInstant(), ZONE);
    private static final String STAMP = "[Mon Jun  4 15:34:12 2018] ";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final CapturedOutput log = new CapturedOutput();
    /** The reactor's own warning for the too-long line, kept off the console. */
    private final CapturedLog tcpLog = CapturedLog.of("io.twine.transport.tcp");
    private ReactorThread rt;
    private InetSocketAddress address;

    @BeforeEach
    void startServer() {
        rt = ReactorThread.start();
        address = rt.call(() -> LineServer.start(rt.reactor(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                log.printStream(), new Ctime(SEED_TIME)).internetAddress());
    }

    @AfterEach
    void stopServer() {
        rt.close();
        tcpLog.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends {@code request} and reads everything until the server closes. */
    private String exchange(String request) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(UTF_8));
            return new String(socket.getInputStream().readAllBytes(), UTF_8);
        }
    }

    @Test
    void answersOneLineWithTheCtimeAndClosesLikeTheSeed() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("Hello\r\n".getBytes(US_ASCII));
            assertEquals(STAMP + "Hello\r\n", new String(socket.getInputStream().readAllBytes(), US_ASCII));
            log.awaitLine("\\.\\.\\.connected from: \\('127\\.0\\.0\\.1', " + socket.getLocalPort() + "\\)", WAIT);
        }
        assertEquals(List.of("listening on 127.0.0.1:" + address.getPort(), "waiting for connection..."),
                log.lines().subList(0, 2));
    }

    @Test
    void lineEndingWithABareNewlineIsAnsweredWithOneLikeReadline() throws Exception {
        assertEquals(STAMP + "a\n", exchange("a\n"));
        assertEquals(STAMP + "naïve wörld\r\n", exchange("naïve wörld\r\n"));
    }

    @Test
    void lineSentOneByteAtATimeIsAnsweredWhole() throws Exception {
        try (Socket socket = connect()) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            for (byte b : "one byte at a time\r\n".getBytes(US_ASCII)) {
                out.write(b);
                out.flush();
            }
            assertEquals(STAMP + "one byte at a time\r\n", new String(socket.getInputStream().readAllBytes(), US_ASCII));
        }
    }

    @Test
    void onlyTheFirstLineOfAConnectionIsAnswered() throws Exception {
        assertEquals(STAMP + "first\r\n", exchange("first\r\nsecond\r\nthird\r\n"));
    }

    @Test
    void everyLineGetsItsOwnConnectionAndStampsLocalTimeByDefault() throws Exception {
        try (ReactorThread other = ReactorThread.start()) {
            CapturedOutput otherLog = new CapturedOutput();
            InetSocketAddress server = other.call(() -> LineServer.start(other.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), otherLog.printStream(), (SampleArgs) null).internetAddress());
            for (String line : List.of("a", "c")) {
                try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write((line + "\r\n").getBytes(US_ASCII));
                    String answer = new String(socket.getInputStream().readAllBytes(), US_ASCII);
                    assertTrue(answer.endsWith("\r\n"), answer);
                    SeedReplies.assertReply(line, answer.substring(0, answer.length() - 2));
                }
            }
            other.run(() -> { });
            assertEquals(4, otherLog.lines().size(), otherLog.text());
        }
    }

    @Test
    void lineLongerThanTheLimitIsClosedWithoutAnAnswerAndLogged() throws Exception {
        byte[] tooLong = new byte[LineServer.MAX_LINE_LENGTH + 1];
        Arrays.fill(tooLong, (byte) 'x');
        try (Socket socket = connect()) {
            socket.getOutputStream().write(tooLong);
            try {
                assertEquals(-1, socket.getInputStream().read(), "closed, with no answer");
            } catch (SocketException reset) {
                // Also fine: a close with bytes still unread in the server's kernel is a reset.
                assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
            }
        }
        log.awaitLine("\\.\\.\\.line from \\('127\\.0\\.0\\.1', \\d+\\) longer than 65536 bytes: closing without an answer",
                WAIT);
    }

    @Test
    void lineOfExactlyTheLimitIsAnswered() throws Exception {
        String longest = "y".repeat(LineServer.MAX_LINE_LENGTH - 2) + "\r\n";
        assertEquals(STAMP + longest, exchange(longest));
    }
}
