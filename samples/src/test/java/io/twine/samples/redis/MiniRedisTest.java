package io.twine.samples.redis;

import static io.twine.samples.redis.RedisWire.bytes;
import static io.twine.samples.redis.RedisWire.command;
import static io.twine.samples.redis.RedisWire.pipeline;
import static io.twine.samples.redis.RedisWire.show;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.Scheduler;
import io.twine.testing.ManualClock;
import io.twine.testing.StringTransport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * mini-redis without sockets: each client is a {@link StringTransport}, time is a
 * {@link ManualClock}. The expected bytes are what Redis 7.0 replied to the same requests; the
 * interop test compares with a live redis-server where one is installed.
 */
class MiniRedisTest {

    private final ManualClock clock = new ManualClock();
    private final MiniRedis.Server server = new MiniRedis.Server(clock);

    /** One client: its protocol and the transport that records what it is sent. */
    private final class Client {
        final Protocol protocol = server.buildProtocol(StringTransport.DEFAULT_PEER);
        final StringTransport transport = new StringTransport().connect(protocol);

        /** Sends {@code request} and returns every byte written back since the last call. */
        String send(byte[] request) {
            protocol.dataReceived(ByteBuffer.wrap(request));
            return take();
        }

        String send(String... command) {
            return send(command(command));
        }

        String take() {
            String written = show(transport.value());
            transport.clear();
            return written;
        }

        void disconnect() {
            transport.finish(Reason.closedByPeer());
        }
    }

    @Test
    void stringsAndKeys() {
        Client c = new Client();
        assertEquals("+PONG\\r\\n", c.send("PING"));
        assertEquals("$2\\r\\nhi\\r\\n", c.send("ping", "hi"));
        assertEquals("$-1\\r\\n", c.send("GET", "k"));
        assertEquals("+OK\\r\\n", c.send("SET", "k", "v"));
        assertEquals("$1\\r\\nv\\r\\n", c.send("GET", "k"));
        assertEquals("$-1\\r\\n", c.send("SET", "k", "w", "NX"));
        assertEquals("$-1\\r\\n", c.send("SET", "other", "w", "XX"));
        assertEquals("+OK\\r\\n", c.send("MSET", "a", "1", "b", "2"));
        assertEquals(":3\\r\\n", c.send("EXISTS", "a", "a", "b", "nope"));
        assertEquals(":2\\r\\n", c.send("DEL", "a", "b", "nope"));
        assertEquals(":1\\r\\n:2\\r\\n:1\\r\\n", c.send(pipeline(command("INCR", "n"), command("INCR", "n"),
                command("DECR", "n"))));
        assertEquals("$3\\r\\nc d\\r\\n", c.send(bytes("ECHO \"c d\"\r\n")));
    }

    @Test
    void errorsAreRedisErrors() {
        Client c = new Client();
        assertEquals("-ERR unknown command 'FOO', with args beginning with: 'a' 'b c' \\r\\n",
                c.send("FOO", "a", "b c"));
        assertEquals("-ERR unknown command 'FO  O', with args beginning with: 'a b' \\r\\n", c.send("FO\r\nO", "a\nb"));
        assertEquals("-ERR wrong number of arguments for 'get' command\\r\\n", c.send("GET"));
        assertEquals("-ERR wrong number of arguments for 'ping' command\\r\\n", c.send("PING", "a", "b"));
        assertEquals("-ERR wrong number of arguments for 'mset' command\\r\\n", c.send("MSET", "a"));
        assertEquals("-ERR syntax error\\r\\n", c.send("SET", "k", "v", "EX", "1", "PX", "5"));
        assertEquals("-ERR syntax error\\r\\n", c.send("SET", "k", "v", "NX", "XX"));
        assertEquals("-ERR invalid expire time in 'set' command\\r\\n", c.send("SET", "k", "v", "EX", "0"));
        assertEquals("-ERR value is not an integer or out of range\\r\\n", c.send("SET", "k", "v", "EX", "1.5"));
        c.send("SET", "s", "abc");
        assertEquals("-ERR value is not an integer or out of range\\r\\n", c.send("INCR", "s"));
        c.send("SET", "max", "9223372036854775807");
        assertEquals("-ERR increment or decrement would overflow\\r\\n", c.send("INCR", "max"));
        c.send("LPUSH", "list", "x");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\\r\\n", c.send("GET", "list"));
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\\r\\n", c.send("SADD", "s", "m"));
        assertEquals("-ERR value is out of range, must be positive\\r\\n", c.send("LPOP", "list", "-1"));
        assertEquals("-ERR Unsupported option FOO\\r\\n", c.send("EXPIRE", "s", "10", "FOO"));
        assertEquals("-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\\r\\n", c.send("CONFIG", "FOO"));
        assertEquals("-ERR wrong number of arguments for 'config|get' command\\r\\n", c.send("CONFIG", "GET"));
    }

    @Test
    void listsSetsAndHashes() {
        Client c = new Client();
        assertEquals(":3\\r\\n", c.send("LPUSH", "l", "a", "b", "c"));
        assertEquals(":4\\r\\n", c.send("RPUSH", "l", "d"));
        assertEquals("*4\\r\\n$1\\r\\nc\\r\\n$1\\r\\nb\\r\\n$1\\r\\na\\r\\n$1\\r\\nd\\r\\n", c.send("LRANGE", "l", "0", "-1"));
        assertEquals("*2\\r\\n$1\\r\\nb\\r\\n$1\\r\\na\\r\\n", c.send("LRANGE", "l", "-3", "2"));
        assertEquals("*0\\r\\n", c.send("LRANGE", "l", "5", "9"));
        assertEquals("$1\\r\\nc\\r\\n", c.send("LPOP", "l"));
        assertEquals("$1\\r\\nd\\r\\n", c.send("RPOP", "l"));
        assertEquals("*2\\r\\n$1\\r\\nb\\r\\n$1\\r\\na\\r\\n", c.send("LPOP", "l", "5"));
        assertEquals(":0\\r\\n", c.send("EXISTS", "l"));
        assertEquals("$-1\\r\\n*-1\\r\\n", c.send(pipeline(command("LPOP", "l"), command("LPOP", "l", "2"))));
        assertEquals(":1\\r\\n:0\\r\\n", c.send(pipeline(command("SADD", "s", "x", "x"), command("SADD", "s", "x"))));
        assertEquals("$1\\r\\nx\\r\\n$-1\\r\\n*0\\r\\n", c.send(pipeline(command("SPOP", "s"), command("SPOP", "s"),
                command("SPOP", "s", "3"))));
        assertEquals(":2\\r\\n:1\\r\\n", c.send(pipeline(command("HSET", "h", "f", "1", "g", "2"),
                command("HSET", "h", "f", "3", "new", "4"))));
    }

    @Test
    void aKeyWithATimeToLiveIsRemovedByItsTimerWithoutBeingAskedFor() {
        Client c = new Client();
        assertEquals("+OK\\r\\n", c.send("SET", "k", "v", "EX", "10"));
        assertEquals(":10\\r\\n", c.send("TTL", "k"));
        clock.advance(Duration.ofMillis(9_400));
        assertEquals(":1\\r\\n", c.send("TTL", "k"));
        clock.advance(Duration.ofMillis(600));
        assertEquals(1, server.keyCount(), "a key lives until the time is past its deadline");
        clock.advance(Duration.ofMillis(1));
        assertEquals(0, server.keyCount());
        assertEquals(0, clock.pendingCalls());
        assertEquals("$-1\\r\\n:-2\\r\\n", c.send(pipeline(command("GET", "k"), command("TTL", "k"))));
    }

    @Test
    void aKeyPastItsDeadlineIsNeverSeenEvenBeforeItsTimerRuns() {
        // Timers that never come due: only lazy expiry can hide the key.
        Scheduler lateTimers = new Scheduler() {
            @Override
            public long now() {
                return clock.now();
            }

            @Override
            public DelayedCall callLater(Duration delay, Runnable task) {
                return clock.callLater(Duration.ofDays(365), task);
            }
        };
        MiniRedis.Server lazy = new MiniRedis.Server(lateTimers);
        Protocol protocol = lazy.buildProtocol(StringTransport.DEFAULT_PEER);
        StringTransport transport = new StringTransport().connect(protocol);
        protocol.dataReceived(ByteBuffer.wrap(pipeline(command("SET", "k", "v", "PX", "100"), command("EXPIRE", "k", "1"))));
        clock.advance(Duration.ofMillis(1001));
        assertEquals(1, lazy.keyCount());
        protocol.dataReceived(ByteBuffer.wrap(pipeline(command("GET", "k"), command("TTL", "k"), command("EXISTS", "k"))));
        assertEquals("+OK\\r\\n:1\\r\\n$-1\\r\\n:-2\\r\\n:0\\r\\n", show(transport.value()));
        assertEquals(0, lazy.keyCount());
    }

    @Test
    void changingOrRemovingAKeyCancelsItsTimer() {
        Client c = new Client();
        c.send("SET", "a", "1", "EX", "100");
        c.send("SET", "b", "1", "PX", "100000");
        c.send("SET", "c", "1");
        c.send("EXPIRE", "c", "100");
        assertEquals(3, clock.pendingCalls());
        c.send("SET", "a", "2");
        c.send("DEL", "b");
        c.send("EXPIRE", "c", "200");
        assertEquals(1, clock.pendingCalls());
        assertEquals(":-1\\r\\n:200\\r\\n", c.send(pipeline(command("TTL", "a"), command("TTL", "c"))));
    }

    @Test
    void incrKeepsTheTimeToLiveAndSetDropsIt() {
        Client c = new Client();
        assertEquals("+OK\\r\\n:1\\r\\n:6\\r\\n:100\\r\\n", c.send(pipeline(command("SET", "n", "5"),
                command("EXPIRE", "n", "100"), command("INCR", "n"), command("TTL", "n"))));
        assertEquals("+OK\\r\\n:-1\\r\\n", c.send(pipeline(command("SET", "n", "1"), command("TTL", "n"))));
    }

    @Test
    void expireOptionsAndPastTimes() {
        Client c = new Client();
        c.send("SET", "k", "v");
        assertEquals(":0\\r\\n", c.send("EXPIRE", "k", "5", "GT"));
        assertEquals(":1\\r\\n", c.send("EXPIRE", "k", "5", "LT"));
        assertEquals(":0\\r\\n", c.send("EXPIRE", "k", "9", "NX"));
        assertEquals(":0\\r\\n", c.send("EXPIRE", "k", "9", "LT"));
        assertEquals(":1\\r\\n", c.send("EXPIRE", "k", "9", "XX", "GT"));
        assertEquals("-ERR NX and XX, GT or LT options at the same time are not compatible\\r\\n",
                c.send("EXPIRE", "k", "9", "NX", "XX"));
        assertEquals("-ERR GT and LT options at the same time are not compatible\\r\\n",
                c.send("EXPIRE", "k", "9", "GT", "LT"));
        assertEquals("-ERR invalid expire time in 'expire' command\\r\\n",
                c.send("EXPIRE", "k", "9223372036854775807"));
        assertEquals(":1\\r\\n:0\\r\\n", c.send(pipeline(command("EXPIRE", "k", "-1"), command("EXISTS", "k"))));
        assertEquals(":0\\r\\n", c.send("EXPIRE", "missing", "10"));
    }

    @Test
    void publishReachesEverySubscriberAndOnlyThem() {
        Client alice = new Client();
        Client bob = new Client();
        Client carol = new Client();
        assertEquals("*3\\r\\n$9\\r\\nsubscribe\\r\\n$4\\r\\nnews\\r\\n:1\\r\\n"
                + "*3\\r\\n$9\\r\\nsubscribe\\r\\n$5\\r\\nsport\\r\\n:2\\r\\n", alice.send("SUBSCRIBE", "news", "sport"));
        bob.send("SUBSCRIBE", "news");
        assertEquals(":2\\r\\n", carol.send("PUBLISH", "news", "hello"));
        String message = "*3\\r\\n$7\\r\\nmessage\\r\\n$4\\r\\nnews\\r\\n$5\\r\\nhello\\r\\n";
        assertEquals(message, alice.take());
        assertEquals(message, bob.take());
        assertEquals(":0\\r\\n", carol.send("PUBLISH", "weather", "rain"));
        bob.disconnect();
        assertEquals(":1\\r\\n", carol.send("PUBLISH", "news", "again"));
        alice.take();
        assertEquals("*3\\r\\n$11\\r\\nunsubscribe\\r\\n$4\\r\\nnews\\r\\n:1\\r\\n"
                + "*3\\r\\n$11\\r\\nunsubscribe\\r\\n$5\\r\\nsport\\r\\n:0\\r\\n", alice.send("UNSUBSCRIBE"));
        assertEquals("*3\\r\\n$11\\r\\nunsubscribe\\r\\n$-1\\r\\n:0\\r\\n", alice.send("UNSUBSCRIBE"));
        assertEquals(":0\\r\\n", carol.send("PUBLISH", "news", "nobody"));
    }

    @Test
    void aSubscribedConnectionMayOnlyPingQuitAndSubscribe() {
        Client c = new Client();
        c.send("SUBSCRIBE", "a");
        assertEquals("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are"
                + " allowed in this context\\r\\n", c.send("GET", "a"));
        assertEquals("*2\\r\\n$4\\r\\npong\\r\\n$0\\r\\n\\r\\n*2\\r\\n$4\\r\\npong\\r\\n$1\\r\\nx\\r\\n",
                c.send(pipeline(command("PING"), command("PING", "x"))));
        assertEquals("-ERR unknown command 'FOO', with args beginning with: \\r\\n", c.send("FOO"));
        c.send("UNSUBSCRIBE", "a");
        assertEquals("$-1\\r\\n", c.send("GET", "a"));
    }

    @Test
    void quitRepliesThenClosesAndRunsNothingAfterIt() {
        Client c = new Client();
        assertEquals("+PONG\\r\\n+OK\\r\\n", c.send(pipeline(command("PING"), command("QUIT"), command("SET", "k", "v"))));
        assertTrue(c.transport.loseConnectionCalled());
        assertEquals(0, server.keyCount());
    }

    @Test
    void aProtocolErrorIsRepliedAfterTheRequestsBeforeItThenTheConnectionCloses() {
        Client c = new Client();
        assertEquals("+OK\\r\\n-ERR Protocol error: invalid bulk length\\r\\n",
                c.send(pipeline(command("SET", "a", "1"), bytes("*1\r\n$-5\r\n"), command("SET", "b", "1"))));
        assertTrue(c.transport.loseConnectionCalled());
        assertEquals(Reason.Kind.ERROR, c.transport.closeReason().kind());
        assertEquals(1, server.keyCount());
        assertEquals("", c.send("PING"));
    }

    @Test
    void repliesAreTheSameWhateverBytesEachReadBrings() {
        byte[] requests = pipeline(command("SET", "k", "v".repeat(100)), bytes("GET k\r\n"), command("INCR", "n"),
                bytes("ECHO 'a b'\n"), command("LPUSH", "l", "x", "y"), command("LRANGE", "l", "0", "-1"));
        String whole = new Client().send(requests);
        MiniRedis.Server other = new MiniRedis.Server(clock);
        Protocol protocol = other.buildProtocol(StringTransport.DEFAULT_PEER);
        StringTransport transport = new StringTransport().connect(protocol);
        for (byte b : requests) {
            protocol.dataReceived(ByteBuffer.wrap(new byte[] {b}));
        }
        assertEquals(whole, show(transport.value()));
    }

    @Test
    void aPausedConnectionRunsNoRequestUntilResumed() {
        Client c = new Client();
        assertTrue(c.transport.isStreamingProducer());
        c.transport.producer().pauseProducing();
        assertTrue(c.transport.isReadingPaused());
        assertEquals("", c.send(pipeline(command("INCR", "n"), command("INCR", "n"), bytes("PI"))));
        assertEquals(0, server.keyCount());
        assertEquals("", c.send(bytes("NG\r\n")));
        c.transport.producer().resumeProducing();
        assertFalse(c.transport.isReadingPaused());
        assertEquals(":1\\r\\n:2\\r\\n+PONG\\r\\n", c.take());
    }

    @Test
    void configGetAnswersWhatRedisBenchmarkAsks() {
        Client c = new Client();
        assertEquals("*2\\r\\n$4\\r\\nsave\\r\\n$0\\r\\n\\r\\n", c.send("CONFIG", "GET", "save"));
        assertEquals("*2\\r\\n$10\\r\\nappendonly\\r\\n$2\\r\\nno\\r\\n", c.send("config", "get", "appendonly"));
        assertEquals("*0\\r\\n", c.send("CONFIG", "GET", "nosuch"));
    }

    @Test
    void aCommandIsFoundByItsWholeNameInAnyLetterCase() {
        Client c = new Client();
        c.send("SET", "k", "v");
        assertEquals("$1\\r\\nv\\r\\n", c.send("gEt", "k"));
        assertEquals("-ERR unknown command 'GE', with args beginning with: 'k' \\r\\n", c.send("GE", "k"));
        assertEquals("-ERR unknown command 'GETS', with args beginning with: 'k' \\r\\n", c.send("GETS", "k"));
        assertEquals("-ERR unknown command 'G@T', with args beginning with: 'k' \\r\\n", c.send("G@T", "k"));
        CommandTable table = new CommandTable(new Commands(new Store(clock, 0), new PubSub()));
        for (String name : List.of("ping", "echo", "quit", "get", "set", "mset", "incr", "decr", "incrby", "decrby",
                "del", "exists", "expire", "ttl", "lpush", "rpush", "lpop", "rpop", "lrange", "sadd", "spop", "hset",
                "publish", "subscribe", "unsubscribe", "config", "command")) {
            assertEquals(name, table.find(bytes(name.toUpperCase(Locale.ROOT))).name());
            assertEquals(name, table.find(bytes(name)).name());
        }
        assertNull(table.find(bytes("G\u00c9T")));
        assertNull(table.find(new byte[0]));
    }

    @Test
    void commandDescribesTheTable() {
        Client c = new Client();
        assertEquals(":27\\r\\n", c.send("COMMAND", "COUNT"));
        assertEquals("*2\\r\\n$3\\r\\nget\\r\\n*4\\r\\n$7\\r\\nsummary\\r\\n$18\\r\\nthe value of a key\\r\\n"
                + "$5\\r\\ngroup\\r\\n$6\\r\\nstring\\r\\n", c.send("COMMAND", "DOCS", "get"));
        assertTrue(c.send("COMMAND").startsWith("*27\\r\\n*6\\r\\n$4\\r\\nping\\r\\n:-1\\r\\n*0\\r\\n:0\\r\\n:0\\r\\n:0\\r\\n"));
        assertEquals("-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\\r\\n", c.send("COMMAND", "FOO"));
    }
}
