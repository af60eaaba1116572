package io.twine.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.TcpOptions;
import io.twine.samples.support.CapturedOutput;
import io.twine.testing.ReactorThread;
import io.twine.testsupport.CapturedLog;
import io.twine.transport.tcp.Tcp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ChatServerTest {

    /** The reactor's own warning for the client dropped on purpose, kept off the console. */
    private final CapturedLog tcpLog = CapturedLog.of("io.twine.transport.tcp");

    @AfterEach
    void stopCapturing() {
        tcpLog.close();
    }

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** A chat client on a blocking socket. */
    private static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client(InetSocketAddress server, int receiveBuffer) throws IOException {
            socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(server, 10_000);
            socket.setSoTimeout(20_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        }

        String read() throws IOException {
            return in.readLine();
        }

        /** Connects, reads the greeting and takes {@code name}; returns the welcome line. */
        static Client named(InetSocketAddress server, String name, int receiveBuffer) throws IOException {
            Client client = new Client(server, receiveBuffer);
            assertEquals("Welcome to the twine chat. What is your name?", client.read());
            client.send(name);
            assertTrue(client.read().startsWith("Welcome, " + name + "!"));
            return client;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static InetSocketAddress listen(ReactorThread rt, ChatServer.ChatRoom room, TcpOptions options) {
        return rt.call(() -> (InetSocketAddress) Tcp.listen(rt.reactor(), LOOPBACK_ANY_PORT, room, options).getHost());
    }

    @Test
    void eachLineGoesToEveryOtherClientButNotBackToItsSender() throws Exception {
        ChatServer.ChatRoom room = new ChatServer.ChatRoom(new CapturedOutput().printStream(), 1 << 20);
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = listen(rt, room, TcpOptions.defaults());
            try (Client alice = Client.named(server, "alice", 0)) {
                Client bob = new Client(server, 0);
                bob.read();
                bob.send("bob");
                assertEquals("Welcome, bob! Here now: alice.", bob.read());
                assertEquals("* bob has joined", alice.read());
                try (Client carol = Client.named(server, "carol", 0)) {
                    assertEquals("* carol has joined", alice.read());
                    assertEquals("* carol has joined", bob.read());
                    bob.send("hi all");
                    assertEquals("<bob> hi all", alice.read());
                    assertEquals("<bob> hi all", carol.read());
                    alice.send("hello bob");
                    // bob's next line is alice's, not an echo of his own.
                    assertEquals("<alice> hello bob", bob.read());
                    assertEquals("<alice> hello bob", carol.read());
                    bob.close();
                    assertEquals("* bob has left", alice.read());
                    assertEquals("* bob has left", carol.read());
                    assertEquals(List.of("alice", "carol"), rt.call(room::names));
                }
            }
        }
    }

    @Test
    void takenOrEmptyNameIsRefusedAndAskedAgain() throws Exception {
        ChatServer.ChatRoom room = new ChatServer.ChatRoom(new CapturedOutput().printStream(), 1 << 20);
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = listen(rt, room, TcpOptions.defaults());
            try (Client alice = Client.named(server, "alice", 0); Client other = new Client(server, 0)) {
            other.read();
            other.send("alice");
            assertEquals("The name alice is taken. What is your name?", other.read());
            other.send("   ");
            assertEquals("A name has 1 to 32 characters. What is your name?", other.read());
            other.send("alice2");
            assertEquals("Welcome, alice2! Here now: alice.", other.read());
            assertEquals("* alice2 has joined", alice.read());
            }
        }
    }

    /**
     * One client stops reading while another talks fast. Its queue at the server is capped: it is
     * dropped as too slow, the others are told, and the room goes on.
     */
    @Test
    void clientThatStopsReadingIsDroppedOnceItsQueueReachesTheCap() throws Exception {
        int cap = 256 * 1024;
        CapturedOutput log = new CapturedOutput();
        ChatServer.ChatRoom room = new ChatServer.ChatRoom(log.printStream(), cap);
        try (ReactorThread rt = ReactorThread.start()) {
            // Small kernel buffers, so the server's own queue fills after little traffic.
            InetSocketAddress server = listen(rt, room, TcpOptions.defaults().withSendBufferSize(8192));
            try (Client talker = Client.named(server, "talker", 0);
                    Client listener = Client.named(server, "listener", 0);
                    Client stuck = Client.named(server, "stuck", 4096)) {
                talker.read();  // * listener has joined
                talker.read();  // * stuck has joined
                listener.read();  // * stuck has joined
                CompletableFuture<String> dropped = new CompletableFuture<>();
                Semaphore heard = new Semaphore(0);
                Thread reader = new Thread(() -> {
                    try {
                        for (String line; (line = listener.read()) != null; ) {
                            heard.release();
                            if (line.startsWith("* stuck")) {
                                dropped.complete(line);
                                return;
                            }
                        }
                        dropped.completeExceptionally(new AssertionError("listener was disconnected"));
                    } catch (IOException e) {
                        dropped.completeExceptionally(e);
                    }
                });
                reader.start();
                // The talker waits for the listener to hear each batch, so only the client that
                // does not read falls behind.
                String line = "x".repeat(1000);
                for (int batch = 0; batch < 10_000 && !dropped.isDone(); batch++) {
                    for (int i = 0; i < 16; i++) {
                        talker.send(line);
                    }
                    while (!heard.tryAcquire(16, 50, TimeUnit.MILLISECONDS) && !dropped.isDone()) {
                        // the stuck client's drop notice ends the wait too
                    }
                }
                assertEquals("* stuck was dropped: too slow to read", ReactorThread.await(dropped));
                reader.join(10_000);
                assertEquals(List.of("talker", "listener"), rt.call(room::names));
                talker.send("still here");
                String next;
                do {
                    next = listener.read();
                } while (next != null && next.startsWith("<talker> xxx"));
                assertEquals("<talker> still here", next);
                log.awaitLine("stuck was dropped: too slow to read \\(.*above the cap of " + cap + " bytes.*\\)",
                        Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void lineLongerThanTheLimitEndsItsSendersConnection() throws Exception {
        ChatServer.ChatRoom room = new ChatServer.ChatRoom(new CapturedOutput().printStream(), 1 << 20);
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = listen(rt, room, TcpOptions.defaults());
            try (Client alice = Client.named(server, "alice", 0); Client bob = Client.named(server, "bob", 0)) {
                alice.read();  // * bob has joined
                bob.out.write("y".repeat(ChatServer.MAX_LINE_BYTES + 1).getBytes(StandardCharsets.UTF_8));
                assertEquals("* lines are limited to 4096 bytes; goodbye", bob.read());
                assertNull(bob.read());
                assertEquals("* bob was dropped: line too long", alice.read());
            }
        }
    }

    @Test
    void linesEndingWithABareNewlineOrSplitAcrossWritesArriveWhole() throws Exception {
        ChatServer.ChatRoom room = new ChatServer.ChatRoom(new CapturedOutput().printStream(), 1 << 20);
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = listen(rt, room, TcpOptions.defaults());
            try (Client alice = Client.named(server, "alice", 0); Client bob = Client.named(server, "bob", 0)) {
                alice.read();  // * bob has joined
                bob.out.write("as nc sends it\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("<bob> as nc sends it", alice.read());
                bob.socket.setTcpNoDelay(true);
                for (byte b : "naïve, byte by byte\r\n".getBytes(StandardCharsets.UTF_8)) {
                    bob.out.write(b);
                    bob.out.flush();
                }
                assertEquals("<bob> naïve, byte by byte", alice.read());
            }
        }
    }

    @Test
    void lineOfExactlyTheLimitIsBroadcast() throws Exception {
        ChatServer.ChatRoom room = new ChatServer.ChatRoom(new CapturedOutput().printStream(), 1 << 20);
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = listen(rt, room, TcpOptions.defaults());
            try (Client alice = Client.named(server, "alice", 0); Client bob = Client.named(server, "bob", 0)) {
                alice.read();  // * bob has joined
                String longest = "z".repeat(ChatServer.MAX_LINE_BYTES);
                bob.out.write((longest + "\n").getBytes(StandardCharsets.UTF_8));
                assertEquals("<bob> " + longest, alice.read());
            }
        }
    }
}
