package io.twine.protocol.blocking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ByteRingTest {

    private static byte[] sequence(int from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (from + i);
        }
        return bytes;
    }

    @Test
    void bytesComeOutInOrderAcrossTheWrapAndAcrossGrowth() {
        ByteRing ring = new ByteRing(20_000);
        int next = 0;
        int expected = 0;
        byte[] out = new byte[3000];
        // Uneven puts and takes move the head around a ring that grows from 4 KiB to 16 KiB and more.
        for (int round = 0; round < 50; round++) {
            int put = Math.min(ring.free(), 1000 + round * 97);
            ring.put(sequence(next, put), 0, put);
            next += put;
            int n = ring.take(out, 0, 700 + round * 31);
            assertArrayEquals(sequence(expected, n), Arrays.copyOf(out, n));
            expected += n;
        }
        assertEquals(next - expected, ring.size());
    }

    @Test
    void singleBytesAndBuffersMixWithArrays() {
        ByteRing ring = new ByteRing(8);
        ring.put(1);
        ring.put(ByteBuffer.wrap(new byte[] {2, 3, 4}));
        ring.put(new byte[] {9, 5, 6, 9}, 1, 2);
        assertEquals(1, ring.take());
        byte[] out = new byte[8];
        assertEquals(5, ring.take(out, 0, 8));
        assertArrayEquals(new byte[] {2, 3, 4, 5, 6}, Arrays.copyOf(out, 5));
        assertTrue(ring.isEmpty());
    }

    @Test
    void puttingMoreThanFitsIsRefusedWithTheNumbers() {
        ByteRing ring = new ByteRing(10);
        ring.put(new byte[8], 0, 8);
        IllegalStateException overflow = assertThrows(IllegalStateException.class, () -> ring.put(new byte[3], 0, 3));
        assertTrue(overflow.getMessage().contains("3 bytes do not fit in 2 free of 10"), overflow.getMessage());
        assertEquals(8, ring.size());
    }

    @Test
    void zeroCapacityIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ByteRing(0));
    }
}
