package io.twine.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.ReactorGroup;
import io.twine.samples.SampleCatalog;
import io.twine.samples.echo.EchoServer;
import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.GroupServerCommand;
import io.twine.transport.tcp.TcpGroup;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code chat-server --loops N} and {@code echo-server --loops N}: a group of loops sharing the port. */
@Timeout(60)
class ChatOverLoopsTest {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aLineSaidOnOneLoopReachesTheOtherLoopsMembersInTheOrderSaid() throws Exception {
        ReactorGroup group = new ReactorGroup(2);
        InetSocketAddress server = (InetSocketAddress) ChatServer.start(group, LOOPBACK_ANY_PORT,
                new CapturedOutput().printStream(), 1 << 20, TcpGroup.Balancing.ROUND_ROBIN).address();
        group.start();
        try (Socket alice = new Socket(server.getAddress(), server.getPort());   // loop 0
                Socket bob = new Socket(server.getAddress(), server.getPort())) { // loop 1
            alice.setSoTimeout(20_000);
            bob.setSoTimeout(20_000);
            BufferedReader aliceIn = reader(alice);
            BufferedReader bobIn = reader(bob);
            aliceIn.readLine();
            send(alice, "alice");
            assertTrue(aliceIn.readLine().startsWith("Welcome, alice!"));
            bobIn.readLine();
            send(bob, "alice");
            assertEquals("The name alice is taken. What is your name?", bobIn.readLine());
            send(bob, "bob");
            assertEquals("Welcome, bob! Here now: alice.", bobIn.readLine());
            assertEquals("* bob has joined", aliceIn.readLine());
            for (int i = 0; i < 100; i++) {
                send(alice, "line " + i);
            }
            for (int i = 0; i < 100; i++) {
                assertEquals("<alice> line " + i, bobIn.readLine());
            }
        } finally {
            group.stop();
            assertTrue(group.awaitTermination(WAIT));
        }
    }

    @Test
    void echoServesOnEveryLoop() throws Exception {
        ReactorGroup group = new ReactorGroup(3);
        InetSocketAddress server = (InetSocketAddress) EchoServer.start(group, LOOPBACK_ANY_PORT,
                new CapturedOutput().printStream(), TcpGroup.Balancing.ROUND_ROBIN).address();
        group.start();
        try {
            for (int i = 0; i < 6; i++) {
                try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
                    socket.setSoTimeout(20_000);
                    socket.getOutputStream().write(("echo " + i).getBytes(StandardCharsets.US_ASCII));
                    byte[] back = new byte[("echo " + i).length()];
                    new DataInputStream(socket.getInputStream()).readFully(back);
                    assertEquals("echo " + i, new String(back, StandardCharsets.US_ASCII));
                }
            }
        } finally {
            group.stop();
            assertTrue(group.awaitTermination(WAIT));
        }
    }

    @Test
    void echoAndChatTakeLoops() {
        SampleCatalog catalog = SampleCatalog.standard();
        for (String name : new String[] {"echo-server", "chat-server"}) {
            assertTrue(catalog.find(name).options().contains(GroupServerCommand.LOOPS), name);
        }
    }

    private static BufferedReader reader(Socket socket) throws java.io.IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void send(Socket socket, String line) throws java.io.IOException {
        OutputStream out = socket.getOutputStream();
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
