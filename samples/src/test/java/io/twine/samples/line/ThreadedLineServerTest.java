package io.twine.samples.line;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.samples.support.Ctime;
import io.twine.testing.ReactorThread;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The threaded line server in-process, driven over real sockets on 127.0.0.1 as the seed's client does. */
@Timeout(60)
class ThreadedLineServerTest {

    /** 11:20:46 on Monday 4 June 2018, in a zone of its own so the test does not depend on the machine's. */
    private static final Clock SEED_TIME = Clock.fixed(Instant.parse("2018-06-04T09:20:46Z"), ZoneId.of("Europe/Paris"));

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, UTF_8);
    private ReactorThread rt;
    private InetSocketAddress address;

    @BeforeEach
    void startServer() {
        rt = ReactorThread.start();
        address = rt.call(() -> ThreadedLineServer.start(rt.reactor(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new ThreadedLineServer(log, new Ctime(SEED_TIME))).internetAddress());
    }

    @AfterEach
    void stopServer() {
        rt.close();
    }

    private String log() {
        return logBytes.toString(UTF_8);
    }

    /** One exchange as the seed's tsTclntSS does it: connect, send, read until the server closes. */
    private byte[] exchange(byte[] request, Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(request);
        return socket.getInputStream().readAllBytes();
    }

    @Test
    void answersOneLineWithPythonCtimeAndClosesLikeTheSeed() throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            byte[] answer = exchange("Hello\r\n".getBytes(US_ASCII), socket);
            assertEquals("[Mon Jun  4 11:20:46 2018] Hello\r\n", new String(answer, US_ASCII));
            String connectedFrom = "...connected from: ('127.0.0.1', " + socket.getLocalPort() + ")";
            assertTrue(log().contains(connectedFrom), log());
        }
        assertTrue(log().startsWith("listening on 127.0.0.1:" + address.getPort() + "\nwaiting for connection...\n"),
                log());
    }

    @Test
    void everyLineGetsItsOwnConnectionAndAnswer() throws Exception {
        for (String line : new String[] {"a", "c", "héllo wörld"}) {
            try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                byte[] answer = exchange((line + "\r\n").getBytes(UTF_8), socket);
                assertEquals("[Mon Jun  4 11:20:46 2018] " + line + "\r\n", new String(answer, UTF_8));
            }
        }
    }

    @Test
    void textWithoutTerminatorIsAnsweredWhenTheClientFinishesSending() throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.getOutputStream().write("no newline".getBytes(US_ASCII));
            socket.shutdownOutput();
            assertEquals("[Mon Jun  4 11:20:46 2018] no newline",
                    new String(socket.getInputStream().readAllBytes(), US_ASCII));
        }
    }

    @Test
    void lineLongerThanTheLimitIsClosedWithoutAnAnswer() throws Exception {
        byte[] tooLong = new byte[ThreadedLineServer.MAX_LINE_LENGTH + 1];
        Arrays.fill(tooLong, (byte) 'x');
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(tooLong);
            try {
                assertEquals(-1, socket.getInputStream().read(), "closed, with no answer");
            } catch (SocketException reset) {
                // Also fine: a close with the last byte still unread in the server's kernel is a reset.
                assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
            }
        }
        assertTrue(log().contains("longer than " + ThreadedLineServer.MAX_LINE_LENGTH + " bytes"), log());
    }
}
