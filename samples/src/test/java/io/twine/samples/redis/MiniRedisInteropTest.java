package io.twine.samples.redis;

import static io.twine.samples.redis.RedisWire.bytes;
import static io.twine.samples.redis.RedisWire.command;
import static io.twine.samples.redis.RedisWire.pipeline;
import static io.twine.samples.redis.RedisWire.show;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.PythonPeer;
import io.twine.samples.support.SampleArgs;
import io.twine.testing.ReactorThread;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mini-redis against programs nobody here wrote: one script of raw requests played against a
 * real {@code redis-server} and against mini-redis, replies compared byte for byte; redis-py's
 * client and pub/sub; {@code redis-benchmark} and {@code redis-cli}.
 */
// Bounds, not expectations: quiet, the whole class takes seconds; on a machine loaded ten times
// over, redis-benchmark's 140,000 requests against a JVM still warming up took 105 s.
@Timeout(600)
class MiniRedisInteropTest {

    /** One step of the script: on connection {@code client}, send {@code request}, read {@code replies} replies (-1: until it closes). */
    private record Step(String client, byte[] request, int replies) {}

    private static List<Step> script() {
        List<Step> s = new ArrayList<>();
        // connection
        s.add(new Step("a", command("PING"), 1));
        s.add(new Step("a", command("ping", "hello world"), 1));
        s.add(new Step("a", command("PING", "a", "b"), 1));
        s.add(new Step("a", command("ECHO"), 1));
        s.add(new Step("a", command("ECHO", ""), 1));
        s.add(new Step("a", command("echo", "x\r\ny"), 1));
        // unknown commands, their arguments quoted, truncated, line ends made spaces
        s.add(new Step("a", command("FOO"), 1));
        s.add(new Step("a", command("foo", "a b", "c'd"), 1));
        s.add(new Step("a", command("FOO" + "x".repeat(200), "a".repeat(100), "b".repeat(100), "c"), 1));
        s.add(new Step("a", command("FO\r\nO", "a\nb"), 1));
        s.add(new Step("a", command(""), 1));
        // strings
        s.add(new Step("a", command("GET", "k"), 1));
        s.add(new Step("a", command("GET"), 1));
        s.add(new Step("a", command("GET", "a", "b"), 1));
        s.add(new Step("a", command("SET", "k", "v"), 1));
        s.add(new Step("a", command("GET", "k"), 1));
        s.add(new Step("a", command("SET", "k", "v2", "NX"), 1));
        s.add(new Step("a", command("SET", "k", "v3", "xx"), 1));
        s.add(new Step("a", command("SET", "k2", "v", "XX"), 1));
        s.add(new Step("a", command("SET", "k2", "v", "NX", "NX"), 1));
        s.add(new Step("a", command("SET", "t", "v", "EX", "100"), 1));
        s.add(new Step("a", command("TTL", "t"), 1));
        s.add(new Step("a", command("SET", "t", "v", "px", "200000", "px", "300000"), 1));
        s.add(new Step("a", command("TTL", "t"), 1));
        s.add(new Step("a", command("SET", "t", "v", "EX", "9999999999999"), 1));
        for (String[] bad : new String[][] {{"EX", "0"}, {"EX", "-1"}, {"EX", "abc"}, {"EX", "1.5"}, {"PX", "0"},
                {"PX", "9223372036854775807"}, {"EX", "9223372036854775807"}, {"EX", "1", "PX", "1"}, {"NX", "XX"},
                {"FOO"}, {"EX"}, {"ex", "01"}}) {
            List<String> args = new ArrayList<>(List.of("SET", "k", "v"));
            args.addAll(List.of(bad));
            s.add(new Step("a", command(args.toArray(String[]::new)), 1));
        }
        s.add(new Step("a", command("MSET", "m1", "1", "m2", "2"), 1));
        s.add(new Step("a", command("MSET", "m1"), 1));
        s.add(new Step("a", command("MSET", "m1", "1", "m2"), 1));
        s.add(new Step("a", command("EXISTS", "m1", "m1", "m2", "none"), 1));
        s.add(new Step("a", command("EXISTS"), 1));
        s.add(new Step("a", command("DEL", "m1", "none"), 1));
        s.add(new Step("a", command("DEL"), 1));
        s.add(new Step("a", command("INCR", "n"), 1));
        s.add(new Step("a", command("DECR", "n"), 1));
        s.add(new Step("a", command("DECR", "n"), 1));
        s.add(new Step("a", command("INCR"), 1));
        s.add(new Step("a", command("DECR", "a", "b"), 1));
        s.add(new Step("a", command("INCRBY", "n", "10"), 1));
        s.add(new Step("a", command("DECRBY", "n", "-5"), 1));
        s.add(new Step("a", command("INCRBY", "n", "x"), 1));
        s.add(new Step("a", command("DECRBY", "n", "-9223372036854775808"), 1));
        s.add(new Step("a", command("DECRBY", "n", "9223372036854775807"), 1));
        s.add(new Step("a", command("INCRBY", "n", "9223372036854775807"), 1));
        s.add(new Step("a", command("INCRBY", "n"), 1));
        for (String value : new String[] {"abc", " 1", "01", "+1", "-0", "", "1.0", "9223372036854775807",
                "-9223372036854775808", "18446744073709551616"}) {
            s.add(new Step("a", pipeline(command("SET", "n", value), command("INCR", "n"), command("DECR", "n")), 3));
        }
        // expiry
        s.add(new Step("a", command("SET", "e", "1"), 1));
        s.add(new Step("a", command("TTL", "e"), 1));
        s.add(new Step("a", command("TTL", "none"), 1));
        s.add(new Step("a", command("TTL"), 1));
        s.add(new Step("a", command("EXPIRE", "none", "10"), 1));
        s.add(new Step("a", command("EXPIRE", "e"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "abc"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "10", "FOO"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "10", "NX", "XX"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "10", "GT", "LT"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "10", "GT"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "10", "xx"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "10", "nx"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "20", "NX"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "30", "LT"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "30", "GT"), 1));
        s.add(new Step("a", command("TTL", "e"), 1));
        s.add(new Step("a", command("INCR", "e"), 1));
        s.add(new Step("a", command("TTL", "e"), 1));
        s.add(new Step("a", command("SET", "e", "2"), 1));
        s.add(new Step("a", command("TTL", "e"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "9223372036854775807"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "-9223372036854775808"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "99999999999999"), 1));
        s.add(new Step("a", command("EXPIRE", "e", "-1"), 1));
        s.add(new Step("a", command("EXISTS", "e"), 1));
        // lists
        s.add(new Step("a", command("LPUSH", "l", "a", "b", "c"), 1));
        s.add(new Step("a", command("RPUSH", "l", "d", "e"), 1));
        s.add(new Step("a", command("LPUSH", "l"), 1));
        s.add(new Step("a", command("RPUSH"), 1));
        for (String[] range : new String[][] {{"0", "-1"}, {"1", "2"}, {"-2", "-1"}, {"5", "9"}, {"-100", "100"},
                {"3", "1"}, {"x", "1"}, {"0", "99999999999999999999"}, {"-9223372036854775808", "9223372036854775807"}}) {
            s.add(new Step("a", command("LRANGE", "l", range[0], range[1]), 1));
        }
        s.add(new Step("a", command("LRANGE", "none", "0", "-1"), 1));
        s.add(new Step("a", command("LRANGE", "l", "0"), 1));
        s.add(new Step("a", command("LPOP", "l"), 1));
        s.add(new Step("a", command("RPOP", "l"), 1));
        s.add(new Step("a", command("LPOP", "l", "2"), 1));
        s.add(new Step("a", command("RPOP", "l", "0"), 1));
        s.add(new Step("a", command("LPOP", "l", "-1"), 1));
        s.add(new Step("a", command("LPOP", "l", "x"), 1));
        s.add(new Step("a", command("LPOP", "l", "1", "2"), 1));
        s.add(new Step("a", command("RPOP", "l", "5"), 1));
        s.add(new Step("a", command("EXISTS", "l"), 1));
        s.add(new Step("a", command("LPOP", "l"), 1));
        s.add(new Step("a", command("LPOP", "l", "1"), 1));
        s.add(new Step("a", command("LPOP", "l", "0"), 1));
        s.add(new Step("a", command("LPOP"), 1));
        // sets and hashes
        s.add(new Step("a", command("SADD", "s", "x", "x"), 1));
        s.add(new Step("a", command("SADD", "s", "x"), 1));
        s.add(new Step("a", command("SADD", "s"), 1));
        s.add(new Step("a", command("SPOP", "s", "0"), 1));
        s.add(new Step("a", command("SPOP", "s", "-1"), 1));
        s.add(new Step("a", command("SPOP", "s", "x"), 1));
        s.add(new Step("a", command("SPOP", "s", "1", "2"), 1));
        s.add(new Step("a", command("SPOP", "s", "5"), 1));
        s.add(new Step("a", command("SADD", "s", "y"), 1));
        s.add(new Step("a", command("SPOP", "s"), 1));
        s.add(new Step("a", command("SPOP", "s"), 1));
        s.add(new Step("a", command("SPOP", "s", "2"), 1));
        s.add(new Step("a", command("SPOP"), 1));
        s.add(new Step("a", command("HSET", "h", "f", "1", "g", "2"), 1));
        s.add(new Step("a", command("HSET", "h", "f", "3", "f", "4", "n", "5"), 1));
        s.add(new Step("a", command("HSET", "h", "f"), 1));
        s.add(new Step("a", command("HSET", "h", "f", "1", "g"), 1));
        // every command on a key of the wrong type
        s.add(new Step("a", command("SET", "str", "x"), 1));
        for (String[] wrong : new String[][] {{"GET", "l2"}, {"INCR", "l2"}, {"DECR", "h"}, {"LPUSH", "str", "a"},
                {"RPUSH", "h", "a"}, {"LPOP", "str"}, {"RPOP", "str", "2"}, {"LRANGE", "str", "0", "1"},
                {"SADD", "str", "a"}, {"SPOP", "str"}, {"SPOP", "h", "1"}, {"HSET", "str", "a", "b"}}) {
            s.add(new Step("a", command("RPUSH", "l2", "x"), 1));
            s.add(new Step("a", command(wrong), 1));
        }
        s.add(new Step("a", pipeline(command("SET", "h", "now a string"), command("GET", "h")), 2));
        // inline commands
        s.add(new Step("a", bytes("PING\r\n"), 1));
        s.add(new Step("a", bytes("PING hi there\r\n"), 1));
        s.add(new Step("a", bytes("SET \"a b\" 'c d'\r\nGET \"a b\"\n"), 2));
        s.add(new Step("a", bytes("ECHO \"a\\x41\\n\\t\\\"q\\\\\" 'it\\'s'\r\n"), 1));
        s.add(new Step("a", bytes("\r\n\r\n   \r\nECHO x\r\n"), 1));
        s.add(new Step("a", bytes("*1\r\n$4\r\nPING\r\n*0\r\n*-1\r\nPING\r\n"), 2));
        // server
        s.add(new Step("a", command("CONFIG", "GET", "save"), 1));
        s.add(new Step("a", command("config", "get", "APPENDONLY"), 1));
        s.add(new Step("a", command("CONFIG", "GET", "nosuch"), 1));
        s.add(new Step("a", command("CONFIG"), 1));
        s.add(new Step("a", command("CONFIG", "GET"), 1));
        s.add(new Step("a", command("CONFIG", "FOO"), 1));
        s.add(new Step("a", command("COMMAND", "FOO"), 1));
        s.add(new Step("a", command("COMMAND", "COUNT", "x"), 1));
        s.add(new Step("a", command("COMMAND", "DOCS", "nosuch"), 1));
        // a pipeline: a hundred requests in one write, of every kind
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(command("SET", "p" + i, "v" + i));
            batch.add(command("GET", "p" + i));
            batch.add(command("INCR", "pc"));
            batch.add(command("RPUSH", "pl", "x" + i));
            batch.add(bytes("LRANGE pl -2 -1\r\n"));
        }
        s.add(new Step("a", pipeline(batch.toArray(byte[][]::new)), batch.size()));
        // pub/sub between connections
        s.add(new Step("sub", command("SUBSCRIBE", "news", "sport"), 2));
        s.add(new Step("sub", command("SUBSCRIBE", "news"), 1));
        s.add(new Step("a", command("PUBLISH", "news", "hello"), 1));
        s.add(new Step("sub", new byte[0], 1));
        s.add(new Step("a", command("PUBLISH", "weather", "rain"), 1));
        s.add(new Step("a", command("PUBLISH", "news"), 1));
        s.add(new Step("sub", command("PING"), 1));
        s.add(new Step("sub", command("PING", "x"), 1));
        s.add(new Step("sub", command("PING", "x", "y"), 1));
        s.add(new Step("sub", command("GET", "k"), 1));
        s.add(new Step("sub", command("FOO"), 1));
        s.add(new Step("sub", command("SUBSCRIBE"), 1));
        s.add(new Step("sub", command("UNSUBSCRIBE", "news"), 1));
        s.add(new Step("a", command("PUBLISH", "sport", "goal"), 1));
        s.add(new Step("sub", new byte[0], 1));
        s.add(new Step("sub", command("UNSUBSCRIBE", "zz"), 1));
        s.add(new Step("sub", command("UNSUBSCRIBE"), 1));
        s.add(new Step("sub", command("UNSUBSCRIBE"), 1));
        s.add(new Step("sub", command("GET", "k"), 1));
        s.add(new Step("a", command("PUBLISH", "sport", "nobody"), 1));
        // QUIT, and malformed requests: each on its own connection, which the server closes
        s.add(new Step("quit", pipeline(command("PING"), command("QUIT", "x"), command("PING")), -1));
        String[] malformed = {"*abc\r\n", "*\r\n", "*3000000000\r\n", "*1\r\nPING\r\n", "*1\r\n$abc\r\n", "*1\r\n$-1\r\n",
            "*1\r\n$600000000\r\n", "SET \"a\r\n", "ECHO \"abc\"def\r\n", "x".repeat(70_000),
            "*1" + "1".repeat(70_000), "*1\r\n$" + "1".repeat(70_000), "PING\r\n*2\r\n$4\r\nECHO\r\n$x\r\nPING\r\n"};
        for (int i = 0; i < malformed.length; i++) {
            s.add(new Step("bad" + i, bytes(malformed[i]), -1));
        }
        s.add(new Step("a", command("GET", "k"), 1));
        return s;
    }

    /** Plays the script against the server on {@code port}; returns what it answered, step by step. */
    private static String play(int port) throws IOException {
        Map<String, Socket> clients = new HashMap<>();
        StringBuilder transcript = new StringBuilder();
        try {
            for (Step step : script()) {
                Socket socket = clients.get(step.client());
                if (socket == null) {
                    socket = new Socket(InetAddress.getLoopbackAddress(), port);
                    socket.setSoTimeout(20_000);
                    clients.put(step.client(), socket);
                }
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(step.request());
                out.flush();
                String request = show(step.request());
                transcript.append(step.client()).append("> ")
                        .append(request.length() > 200 ? request.substring(0, 200) + "..." : request).append('\n');
                if (step.replies() < 0) {
                    transcript.append(show(readUntilClosed(in))).append(" <closed>\n");
                } else {
                    for (int i = 0; i < step.replies(); i++) {
                        transcript.append(show(RedisWire.readReply(in))).append('\n');
                    }
                }
            }
        } finally {
            for (Socket socket : clients.values()) {
                socket.close();
            }
        }
        return transcript.toString();
    }

    private static byte[] readUntilClosed(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                all.write(chunk, 0, n);
            }
        } catch (SocketException e) {
            // A reset after the close: what came before it counts.
        }
        return all.toByteArray();
    }

    /** Runs {@code test} with a mini-redis listening on a free port of 127.0.0.1. */
    private static void withMiniRedis(PortTest test) throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress address = rt.call(() -> MiniRedis.start(rt.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new CapturedOutput().printStream(),
                    SampleArgs.defaults(List.of())).internetAddress());
            test.run(address.getPort());
        }
    }

    @Test
    void onARealLoopMiniRedisPollsBeforeTheLoopSleeps() {
        try (ReactorThread rt = ReactorThread.start()) {
            rt.call(() -> MiniRedis.start(rt.reactor(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new CapturedOutput().printStream(), SampleArgs.defaults(List.of())));
            assertEquals(MiniRedis.IDLE_POLL, rt.reactor().idlePoll());
        }
    }

    @FunctionalInterface
    private interface PortTest {
        void run(int port) throws Exception;
    }

    @Test
    void theScriptGetsTheSameBytesFromMiniRedisAsFromRedisServer() throws Exception {
        RedisPeers.requireRedisServer();
        String expected;
        try (RedisPeers.RedisServer redis = RedisPeers.RedisServer.start()) {
            expected = play(redis.port);
        }
        String[] actual = new String[1];
        withMiniRedis(port -> actual[0] = play(port));
        assertEquals(expected, actual[0]);
    }

    @Test
    void redisPyClientAndPubSubWork() throws Exception {
        RedisPeers.requireRedisPy();
        withMiniRedis(port -> {
            try (PythonPeer python = PythonPeer.start(PythonPeer.SYSTEM_PYTHON, "redis_py_client.py", String.valueOf(port))) {
                int status = python.awaitExit(Duration.ofSeconds(60));
                assertEquals(0, status, "redis-py client failed:\n" + python.out().text() + python.err().text());
                assertEquals(String.join("\n",
                        "ping True",
                        "get b'value'",
                        "set nx False",
                        "incr 1 2 1",
                        "mset True exists 2",
                        "ttl 100",
                        "list 3 [b'c', b'b', b'a'] b'c' [b'a', b'b']",
                        "set 2 b'm'",
                        "hset 2",
                        "pipeline [True, b'x', 1, 2]",
                        "error ResponseError WRONGTYPE Operation against a key holding the wrong kind of value",
                        "subscribed {'type': 'subscribe', 'pattern': None, 'channel': b'news', 'data': 1}",
                        "published 1",
                        "message {'type': 'message', 'pattern': None, 'channel': b'news', 'data': b'hello'}",
                        "thread message b'second'",
                        ""), python.out().text());
            }
        });
    }

    @Test
    void redisBenchmarkCompletesEveryTestWithoutAnError() throws Exception {
        RedisPeers.requireRedisTools();
        withMiniRedis(port -> {
            Process benchmark = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", String.valueOf(port),
                    "-t", "ping_inline,ping_mbulk,set,get,incr,lpush,lpop", "-n", "20000", "-q").redirectErrorStream(true)
                    .start();
            byte[] output = benchmark.getInputStream().readAllBytes();
            assertTrue(benchmark.waitFor(540, TimeUnit.SECONDS));
            String text = new String(output, StandardCharsets.UTF_8);
            assertEquals(0, benchmark.exitValue(), text);
            for (String test : List.of("PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "LPOP")) {
                assertTrue(text.matches("(?s).*\\b" + test + ": [0-9.]+ requests per second.*"), test + " missing:\n" + text);
            }
            assertFalse(text.contains("WARN") || text.contains("ERR") || text.contains("rror"), text);
        });
    }

    @Test
    void redisCliSendsCommandsAndPrintsReplies() throws Exception {
        RedisPeers.requireRedisTools();
        withMiniRedis(port -> {
            assertEquals("PONG\n", redisCli(port, "ping"));
            assertEquals("OK\n", redisCli(port, "set", "greeting", "hello world"));
            assertEquals("\"hello world\"\n", redisCli(port, "--no-raw", "get", "greeting"));
            assertEquals("(integer) 1\n", redisCli(port, "--no-raw", "incr", "visits"));
            assertEquals("(error) ERR unknown command 'nope', with args beginning with: \n", redisCli(port, "--no-raw", "nope"));
        });
    }

    private static String redisCli(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
        command.addAll(List.of(args));
        Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
        cli.getOutputStream().close();
        byte[] output = cli.getInputStream().readAllBytes();
        assertTrue(cli.waitFor(30, TimeUnit.SECONDS));
        return new String(output, StandardCharsets.UTF_8);
    }

}
