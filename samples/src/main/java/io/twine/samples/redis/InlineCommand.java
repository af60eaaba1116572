package io.twine.samples.redis;

import java.util.List;

/**
 * Splits an inline command ({@code SET "a key" 'a value'}) into its arguments by the rules of
 * Redis's {@code sdssplitargs}: words are separated by blanks; double quotes allow the escapes
 * {@code \n \r \t \b \a \\ \"} and {@code \xHH}; single quotes allow only {@code \'}; a closing
 * quote must be followed by a blank or the end of the line; a zero byte ends the line.
 *
 * <p>Stateless; safe on any thread.
 */
final class InlineCommand {

    private InlineCommand() {}

    /**
     * Adds the arguments of {@code line} (without its line end) to {@code words}; none for a
     * blank line.
     *
     * @throws RespDecoder.ProtocolError if a quote is not closed, or not followed by a blank
     */
    static void split(byte[] line, List<byte[]> words) throws RespDecoder.ProtocolError {
        Word word = new Word(line.length);
        int p = 0;
        while (true) {
            while (isSpace(at(line, p))) {
                p++;
            }
            if (at(line, p) == 0) {
                return;
            }
            boolean doubleQuoted = false;
            boolean singleQuoted = false;
            boolean done = false;
            word.clear();
            while (!done) {
                byte c = at(line, p);
                if (doubleQuoted) {
                    if (c == '\\' && at(line, p + 1) == 'x' && isHex(at(line, p + 2)) && isHex(at(line, p + 3))) {
                        word.add((byte) (Character.digit(at(line, p + 2), 16) * 16 + Character.digit(at(line, p + 3), 16)));
                        p += 3;
                    } else if (c == '\\' && at(line, p + 1) != 0) {
                        p++;
                        word.add(unescape(at(line, p)));
                    } else if (c == '"') {
                        done = closingQuote(line, p);
                    } else if (c == 0) {
                        throw unbalanced();
                    } else {
                        word.add(c);
                    }
                } else if (singleQuoted) {
                    if (c == '\\' && at(line, p + 1) == '\'') {
                        p++;
                        word.add((byte) '\'');
                    } else if (c == '\'') {
                        done = closingQuote(line, p);
                    } else if (c == 0) {
                        throw unbalanced();
                    } else {
                        word.add(c);
                    }
                } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0) {
                    done = true;
                } else if (c == '"') {
                    doubleQuoted = true;
                } else if (c == '\'') {
                    singleQuoted = true;
                } else {
                    word.add(c);
                }
                if (c != 0) {
                    p++;
                }
            }
            words.add(word.toArray());
        }
    }

    /** The byte at {@code i}, or 0 past the end: the line reads like a C string. */
    private static byte at(byte[] line, int i) {
        return i < line.length ? line[i] : 0;
    }

    private static boolean closingQuote(byte[] line, int p) throws RespDecoder.ProtocolError {
        byte next = at(line, p + 1);
        if (next != 0 && !isSpace(next)) {
            throw unbalanced();
        }
        return true;
    }

    private static byte unescape(byte c) {
        switch (c) {
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'b': return '\b';
            case 'a': return 7;
            default: return c;
        }
    }

    /** C's {@code isspace}. */
    private static boolean isSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isHex(byte c) {
        return Character.digit(c, 16) >= 0;
    }

    private static RespDecoder.ProtocolError unbalanced() {
        return new RespDecoder.ProtocolError("Protocol error: unbalanced quotes in request");
    }

    /** The bytes of one word; never longer than the line. */
    private static final class Word {
        private final byte[] bytes;
        private int size;

        Word(int capacity) {
            bytes = new byte[capacity];
        }

        void clear() {
            size = 0;
        }

        void add(byte b) {
            bytes[size++] = b;
        }

        byte[] toArray() {
            return java.util.Arrays.copyOf(bytes, size);
        }
    }
}
