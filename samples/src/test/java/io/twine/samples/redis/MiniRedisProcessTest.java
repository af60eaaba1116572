package io.twine.samples.redis;

import static io.twine.samples.redis.RedisWire.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.samples.Launcher;
import io.twine.samples.support.CapturedOutput;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mini-redis as a user runs it: {@code java -Xmx64m -jar ... mini-redis}, in a child JVM. Abused
 * by clients that pipeline large replies and never read, it keeps answering and does not die;
 * stopped by SIGTERM, it delivers the reply it had queued before exiting.
 */
@Timeout(300)
class MiniRedisProcessTest {

    private static final int HOGS = 20;
    private static final int GETS_PER_HOG = 2_000;

    /** A mini-redis in a child JVM with a 64 MiB heap (and so 64 MiB of direct memory). */
    private static final class Child implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final CapturedOutput err = new CapturedOutput();
        final int port;

        Child() throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    Launcher.class.getName(), "mini-redis", "--port", "0").start();
            Thread pump = new Thread(() -> {
                try (InputStream in = process.getErrorStream()) {
                    in.transferTo(err);
                } catch (IOException e) {
                    // it exited
                }
            }, "mini-redis-stderr");
            pump.setDaemon(true);
            pump.start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            if (first == null || !first.startsWith("listening on 127.0.0.1:")) {
                throw new IOException("mini-redis said: " + first + "\n" + err.text());
            }
            port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
        }

        Socket connect(int receiveBuffer) throws IOException {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            socket.setSoTimeout(60_000);
            return socket;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void twentyClientsThatNeverReadTheirLargeRepliesNeitherKillItNorStopItAnswering() throws Exception {
        try (Child child = new Child()) {
            String value = "v".repeat(64 * 1024);
            try (Socket polite = child.connect(0)) {
                polite.getOutputStream().write(command("SET", "big", value));
                assertArrayEquals(RedisWire.bytes("+OK\r\n"), RedisWire.readReply(polite.getInputStream()));

                byte[] get = command("GET", "big");
                byte[] pipeline = new byte[get.length * GETS_PER_HOG];
                for (int i = 0; i < GETS_PER_HOG; i++) {
                    System.arraycopy(get, 0, pipeline, i * get.length, get.length);
                }
                List<Socket> hogs = new ArrayList<>();
                try {
                    for (int i = 0; i < HOGS; i++) {
                        Socket hog = child.connect(4096);
                        hogs.add(hog);
                        hog.getOutputStream().write(pipeline);  // 44 KB: the kernel takes it all
                    }
                    long slowest = 0;
                    for (int i = 0; i < 50; i++) {
                        long start = System.nanoTime();
                        polite.getOutputStream().write(command("PING"));
                        assertArrayEquals(RedisWire.bytes("+PONG\r\n"), RedisWire.readReply(polite.getInputStream()));
                        slowest = Math.max(slowest, System.nanoTime() - start);
                    }
                    System.out.printf("mini-redis -Xmx64m, %d clients x %d unread GETs of 64 KiB: slowest of 50 PINGs %.2f ms%n",
                            HOGS, GETS_PER_HOG, slowest / 1e6);

                    // One of them reads at last, and gets every reply, whole and in order.
                    InputStream in = hogs.get(0).getInputStream();
                    byte[] expected = RedisWire.bytes("$" + value.length() + "\r\n" + value + "\r\n");
                    for (int i = 0; i < GETS_PER_HOG; i++) {
                        byte[] reply = RedisWire.readReply(in);
                        if (!Arrays.equals(expected, reply)) {
                            throw new AssertionError("reply " + i + " differs");
                        }
                    }
                } finally {
                    for (Socket hog : hogs) {
                        hog.close();
                    }
                }
                polite.getOutputStream().write(command("GET", "missing"));
                assertArrayEquals(RedisWire.bytes("$-1\r\n"), RedisWire.readReply(polite.getInputStream()));
            }
            assertTrue(child.process.isAlive(), "mini-redis died:\n" + child.err.text());
            assertFalse(child.err.text().contains("OutOfMemoryError"), child.err.text());
        }
    }

    @Test
    void sigtermDeliversTheReplyQueuedWhenItArrivesThenExits() throws Exception {
        try (Child child = new Child()) {
            int size = 8 * 1024 * 1024;
            String value = "x".repeat(size);
            try (Socket client = child.connect(4096)) {
                client.getOutputStream().write(command("SET", "big", value));
                InputStream in = client.getInputStream();
                assertArrayEquals(RedisWire.bytes("+OK\r\n"), RedisWire.readReply(in));
                client.getOutputStream().write(command("GET", "big"));
                // The first byte of the reply is here: all of it was queued. Then the signal.
                assertEquals('$', in.read());
                assertTrue(child.process.toHandle().destroy(), "could not send SIGTERM");
                byte[] rest = in.readAllBytes();
                assertEquals(("" + size).length() + 2 + size + 2, rest.length, "bytes after the signal");
                assertEquals(size + "\r\n", new String(rest, 0, ("" + size).length() + 2, StandardCharsets.US_ASCII));
            }
            assertTrue(child.process.waitFor(30, TimeUnit.SECONDS), "mini-redis did not exit");
            int status = child.process.exitValue();
            assertTrue(status == 0 || status == 143, "exit status " + status + "\n" + child.err.text());
        }
    }
}
