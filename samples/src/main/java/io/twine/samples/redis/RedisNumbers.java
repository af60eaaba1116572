package io.twine.samples.redis;

import java.nio.ByteBuffer;

/**
 * Redis's one rule for reading a whole number, used for lengths in the protocol and for every
 * numeric argument and value ({@code INCR}, {@code EXPIRE}, {@code LRANGE}): the canonical
 * decimal form of a 64-bit signed integer, and nothing else. So {@code "0"}, {@code "42"},
 * {@code "-7"} are numbers; {@code "+1"}, {@code "01"}, {@code "-0"}, {@code " 1"}, {@code ""}
 * and {@code "1.5"} are not. (Java's {@code Long.parseLong} accepts some of those.)
 *
 * <p>Stateless; safe on any thread.
 */
final class RedisNumbers {

    private RedisNumbers() {}

    /** The number spelled by {@code text}. */
    static long parse(byte[] text) {
        return parse(ByteBuffer.wrap(text), 0, text.length);
    }

    /**
     * The number spelled by the bytes of {@code in} from index {@code from} to {@code to}
     * (exclusive); {@code in}'s position is not changed.
     *
     * @throws NumberFormatException if they are not a number in Redis's sense
     */
    static long parse(ByteBuffer in, int from, int to) {
        int length = to - from;
        if (length <= 0 || length > 20) {
            throw new NumberFormatException();
        }
        if (length == 1 && in.get(from) == '0') {
            return 0;
        }
        boolean negative = in.get(from) == '-';
        int i = negative ? from + 1 : from;
        if (i == to || in.get(i) < '1' || in.get(i) > '9') {
            throw new NumberFormatException();
        }
        // Accumulate as a negative number: its range reaches one further, to Long.MIN_VALUE.
        long value = 0;
        for (; i < to; i++) {
            int digit = in.get(i) - '0';
            if (digit < 0 || digit > 9 || value < (Long.MIN_VALUE + digit) / 10) {
                throw new NumberFormatException();
            }
            value = value * 10 - digit;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                throw new NumberFormatException();
            }
            value = -value;
        }
        return value;
    }
}
