package io.twine.protocol.basic;

import io.twine.protocol.Protocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Ways to cut one byte stream into reads, for the "any chunking delivers the same messages"
 * tests. Each read is handed over in a buffer that is then scribbled over, as the reactor reuses
 * its read buffer, so a receiver that keeps a reference instead of copying is caught.
 */
final class Chunking {

    private Chunking() {}

    /** A cut: the lengths of the successive reads, summing to the stream's length. */
    static List<int[]> everyWay(int length, long seed) {
        List<int[]> cuts = new ArrayList<>();
        cuts.add(new int[] {length});
        for (int split = 1; split < length; split++) {
            cuts.add(new int[] {split, length - split});
        }
        int[] ones = new int[length];
        java.util.Arrays.fill(ones, 1);
        cuts.add(ones);
        Random random = new Random(seed);
        for (int round = 0; round < 50; round++) {
            cuts.add(randomCut(length, random, 1 + random.nextInt(64)));
        }
        return cuts;
    }

    static int[] randomCut(int length, Random random, int maxChunk) {
        List<Integer> sizes = new ArrayList<>();
        int left = length;
        while (left > 0) {
            int n = Math.min(left, 1 + random.nextInt(maxChunk));
            sizes.add(n);
            left -= n;
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Feeds {@code stream} to {@code protocol} in reads of the given sizes, in direct or heap buffers. */
    static void feed(Protocol protocol, byte[] stream, int[] cut, boolean direct) {
        feed(stream, cut, direct, protocol::dataReceived);
    }

    static void feed(byte[] stream, int[] cut, boolean direct, Consumer<ByteBuffer> reader) {
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(stream.length + 16) : ByteBuffer.allocate(stream.length + 16);
        int offset = 0;
        for (int size : cut) {
            buffer.clear();
            // Start at a varying offset, as a real read buffer's content need not start at 0.
            buffer.position(offset % 7);
            buffer.put(stream, offset, size);
            buffer.limit(buffer.position()).position(offset % 7);
            reader.accept(buffer);
            // Scribble over what was read: data must have been copied if it was kept.
            buffer.clear();
            while (buffer.hasRemaining()) {
                buffer.put((byte) '#');
            }
            offset += size;
        }
    }

    static String describe(int[] cut) {
        if (cut.length > 8) {
            return cut.length + " reads";
        }
        return java.util.Arrays.toString(cut);
    }
}
