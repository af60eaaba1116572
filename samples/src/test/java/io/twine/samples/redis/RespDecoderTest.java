package io.twine.samples.redis;

import static io.twine.samples.redis.RedisWire.bytes;
import static io.twine.samples.redis.RedisWire.command;
import static io.twine.samples.redis.RedisWire.pipeline;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespDecoderTest {

    private final RespDecoder decoder = new RespDecoder();
    /** What a caller keeps between reads: the bytes the decoder left. */
    private byte[] unconsumed = new byte[0];

    /** Feeds {@code chunk} the way a connection does and returns every request it completed. */
    private List<List<String>> feed(byte[] chunk) throws RespDecoder.ProtocolError {
        byte[] all = Arrays.copyOf(unconsumed, unconsumed.length + chunk.length);
        System.arraycopy(chunk, 0, all, unconsumed.length, chunk.length);
        ByteBuffer in = ByteBuffer.wrap(all);
        List<List<String>> requests = new ArrayList<>();
        for (List<byte[]> request = decoder.decode(in); request != null; request = decoder.decode(in)) {
            requests.add(words(request));
        }
        unconsumed = Arrays.copyOfRange(all, in.position(), all.length);
        return requests;
    }

    /** The error a fresh decoder gives for {@code input}. */
    private static String errorFor(String input) {
        return new RespDecoderTest().errorAfterThis(input);
    }

    /** The error this decoder gives for {@code input}, after what it was fed before. */
    private String errorAfterThis(String input) {
        return assertThrows(RespDecoder.ProtocolError.class, () -> feed(bytes(input))).getMessage();
    }

    @Test
    void anArrayOfBulkStringsIsOneRequest() throws Exception {
        assertEquals(List.of(List.of("SET", "key", "a value")), feed(command("SET", "key", "a value")));
    }

    @Test
    void bulkStringsMayHoldAnyByteIncludingLineEnds() throws Exception {
        assertEquals(List.of(List.of("ECHO", "a\r\nb\0c")), feed(command("ECHO", "a\r\nb\0c")));
    }

    @Test
    void pipelinedRequestsComeOutOneAtATimeInOrder() throws Exception {
        byte[] three = pipeline(command("PING"), bytes("GET k\r\n"), command("INCR", "n"));
        assertEquals(List.of(List.of("PING"), List.of("GET", "k"), List.of("INCR", "n")), feed(three));
    }

    @Test
    void aPipelineSplitAtEveryByteDecodesTheSame() throws Exception {
        byte[] input = pipeline(command("SET", "k", "v".repeat(300)), bytes("ECHO \"x y\"\r\n"), command("GET", "k"),
                bytes("PING\n"), command("DEL", "k", ""));
        List<List<String>> whole = new RespDecoderTest().feed(input);
        List<List<String>> bytewise = new ArrayList<>();
        for (byte b : input) {
            bytewise.addAll(feed(new byte[] {b}));
        }
        assertEquals(5, whole.size());
        assertEquals(whole, bytewise);
        assertEquals(0, unconsumed.length);
    }

    @Test
    void inlineCommandsSplitLikeRedis() throws Exception {
        assertEquals(List.of(List.of("SET", "a key", "it's")), feed(bytes("SET \"a key\" 'it\\'s'\r\n")));
        assertEquals(List.of(List.of("ECHO", "aA\n\tq")), feed(bytes("ECHO \"a\\x41\\n\\tq\"\r\n")));
        assertEquals(List.of(List.of("ECHO", "a\\nb")), feed(bytes("ECHO 'a\\nb'\r\n")));
        assertEquals(List.of(List.of("ECHO", "ab")), feed(bytes("ECHO a\"b\"\r\n")));
        assertEquals(List.of(List.of("PING")), feed(bytes("   PING  \r\r\n")));
        assertEquals(List.of(List.of("ECHO", "")), feed(bytes("ECHO \"\"\n")));
    }

    @Test
    void emptyRequestsAreSkipped() throws Exception {
        assertEquals(List.of(List.of("PING")), feed(bytes("\r\n*0\r\n*-1\r\n   \r\nPING\r\n")));
    }

    @Test
    void likeRedisTheTwoBytesAfterABulkStringAreSkippedUnread() throws Exception {
        assertEquals(List.of(List.of("PING")), feed(bytes("*1\r\n$4\r\nPINGxx")));
    }

    @Test
    void malformedRequestsGetRedisErrors() {
        assertEquals("Protocol error: invalid multibulk length", errorFor("*abc\r\n"));
        assertEquals("Protocol error: invalid multibulk length", errorFor("*\r\n"));
        assertEquals("Protocol error: invalid multibulk length", errorFor("*01\r\n"));
        assertEquals("Protocol error: expected '$', got 'P'", errorFor("*1\r\nPING\r\n"));
        assertEquals("Protocol error: invalid bulk length", errorFor("*1\r\n$abc\r\n"));
        assertEquals("Protocol error: invalid bulk length", errorFor("*1\r\n$-1\r\n"));
        assertEquals("Protocol error: invalid bulk length", errorFor("*1\r\n$+4\r\n"));
        assertEquals("Protocol error: unbalanced quotes in request", errorFor("SET \"a\r\n"));
        assertEquals("Protocol error: unbalanced quotes in request", errorFor("ECHO \"abc\"def\r\n"));
    }

    @Test
    void absurdLengthsAreRefusedBeforeAnythingIsAllocated() {
        assertEquals("Protocol error: invalid multibulk length", errorFor("*3000000000\r\n"));
        assertEquals("Protocol error: invalid multibulk length",
                errorFor("*" + (RespDecoder.MAX_ARGUMENTS + 1) + "\r\n"));
        assertEquals("Protocol error: invalid bulk length", errorFor("*1\r\n$600000000\r\n"));
        assertEquals("Protocol error: invalid bulk length",
                errorFor("*1\r\n$" + (RespDecoder.MAX_BULK_BYTES + 1) + "\r\n"));
        assertEquals("Protocol error: invalid bulk length", errorFor("*1\r\n$99999999999999999999999\r\n"));
    }

    @Test
    void aValueOfSixteenMebibytesIsAccepted() throws Exception {
        List<List<String>> requests = feed(command("SET", "k", "x".repeat(RespDecoder.MAX_BULK_BYTES)));
        assertEquals(RespDecoder.MAX_BULK_BYTES, requests.get(0).get(2).length());
    }

    @Test
    void memoryFollowsTheBytesSentNotTheLengthClaimed() throws Exception {
        assertEquals(List.of(), feed(bytes("*2\r\n$3\r\nSET\r\n$" + RespDecoder.MAX_BULK_BYTES + "\r\n")));
        assertEquals(List.of(), feed(new byte[1000]));
        assertTrue(decoder.bytesHeld() <= 3 + 2 * 1000, "held " + decoder.bytesHeld());
        assertEquals(List.of(), feed(new byte[5000]));
        assertTrue(decoder.bytesHeld() <= 3 + 2 * 6000, "held " + decoder.bytesHeld());
    }

    @Test
    void manyArgumentsClaimedCostNothingUntilTheyArrive() throws Exception {
        assertEquals(List.of(), feed(bytes("*" + RespDecoder.MAX_ARGUMENTS + "\r\n$1\r\na\r\n")));
        assertEquals(1, decoder.bytesHeld());
    }

    @Test
    void aRequestLargerThanTheLimitIsRefused() throws Exception {
        byte[] start = bytes("*3\r\n$3\r\nSET\r\n$" + RespDecoder.MAX_BULK_BYTES + "\r\n");
        feed(start);
        feed(new byte[RespDecoder.MAX_BULK_BYTES + 2]);
        String message = assertThrows(RespDecoder.ProtocolError.class,
                () -> feed(bytes("$" + RespDecoder.MAX_BULK_BYTES + "\r\n"))).getMessage();
        assertEquals("Protocol error: request larger than " + RespDecoder.MAX_REQUEST_BYTES + " bytes", message);
    }

    @Test
    void aLineLongerThan64KiBWithoutAnEndIsRefused() throws Exception {
        String line = "x".repeat(RespDecoder.MAX_LINE_BYTES);
        assertEquals(List.of(), feed(bytes(line)));
        assertEquals(List.of(), feed(bytes("\r")));
        assertEquals("Protocol error: too big inline request", errorAfterThis("x"));
        assertEquals("Protocol error: too big inline request", errorFor("GET " + line + "\r\n"));
    }

    @Test
    void aLineOfExactly64KiBIsAccepted() throws Exception {
        String line = "ECHO " + "x".repeat(RespDecoder.MAX_LINE_BYTES - 5);
        assertEquals(1, feed(bytes(line + "\r\n")).size());
    }

    @Test
    void aStarWithNoEndIsRefusedAfter64KiB() throws Exception {
        assertEquals(List.of(), feed(bytes("*1" + "1".repeat(RespDecoder.MAX_LINE_BYTES - 2))));
        assertEquals("Protocol error: too big mbulk count string", errorAfterThis("1"));
        assertEquals("Protocol error: too big bulk count string",
                errorFor("*1\r\n$" + "9".repeat(RespDecoder.MAX_LINE_BYTES)));
    }

    @Test
    void aLineTricklingInIsNotSearchedAgainFromItsStart() throws Exception {
        // Correctness of the resumed search: the end is found wherever the line was cut.
        for (int cut = 1; cut < 12; cut++) {
            RespDecoderTest fresh = new RespDecoderTest();
            byte[] input = bytes("*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n");
            assertEquals(List.of(), fresh.feed(Arrays.copyOf(input, cut)));
            assertEquals(List.of(List.of("ECHO", "abc")), fresh.feed(Arrays.copyOfRange(input, cut, input.length)));
        }
    }

    @Test
    void redisNumbersAreCanonicalDecimalsOnly() {
        assertEquals(0, RedisNumbers.parse(bytes("0")));
        assertEquals(-7, RedisNumbers.parse(bytes("-7")));
        assertEquals(Long.MAX_VALUE, RedisNumbers.parse(bytes("9223372036854775807")));
        assertEquals(Long.MIN_VALUE, RedisNumbers.parse(bytes("-9223372036854775808")));
        for (String bad : List.of("", "-", "+1", "01", "-0", " 1", "1 ", "1.5", "9223372036854775808",
                "-9223372036854775809", "abc", "123456789012345678901")) {
            assertThrows(NumberFormatException.class, () -> RedisNumbers.parse(bytes(bad)), bad);
        }
    }

    @Test
    void nothingIsReturnedUntilARequestIsComplete() throws Exception {
        byte[] request = command("GET", "key");
        for (int i = 0; i < request.length - 1; i++) {
            assertNull(decoder.decode(ByteBuffer.wrap(Arrays.copyOf(request, 0))));
        }
        assertArrayEquals(bytes("key"), decoder.decode(ByteBuffer.wrap(request)).get(1));
    }

    @Test
    void theArgumentsOfARequestStayTheCallersAfterTheNextRequestIsDecoded() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(pipeline(command("SET", "k", "v1"), command("SET", "k", "v2"),
                bytes("GET  k\r\n")));
        List<byte[]> first = decoder.decode(in);
        byte[] value = first.get(2);
        assertEquals(List.of("SET", "k", "v2"), words(decoder.decode(in)));
        assertArrayEquals(bytes("v1"), value);
        assertEquals(List.of("GET", "k"), words(decoder.decode(in)));
        assertArrayEquals(bytes("v1"), value);
        assertNull(decoder.decode(in));
    }

    @Test
    void theListOfAHugeRequestIsNotKeptForTheNext() throws Exception {
        String[] many = new String[5000];
        Arrays.fill(many, "x");
        List<byte[]> huge = decoder.decode(ByteBuffer.wrap(command(many)));
        assertEquals(5000, huge.size());
        List<byte[]> next = decoder.decode(ByteBuffer.wrap(command("PING")));
        assertNotSame(huge, next);
        assertEquals(List.of("PING"), words(next));
        assertSame(next, decoder.decode(ByteBuffer.wrap(command("PING"))));
    }

    /** The arguments of {@code request} as text, one character per byte. */
    private static List<String> words(List<byte[]> request) {
        List<String> words = new ArrayList<>();
        for (byte[] word : request) {
            words.add(new String(word, StandardCharsets.ISO_8859_1));
        }
        return words;
    }
}
