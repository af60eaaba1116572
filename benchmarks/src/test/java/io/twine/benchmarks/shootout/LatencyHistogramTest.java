package io.twine.benchmarks.shootout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesOfAUniformRangeAreWithinTwoPercent() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long v = 1; v <= 1_000_000; v++) {
            histogram.record(v * 1000);  // 1 us .. 1 s
        }
        assertWithin(500_000_000L, histogram.percentile(0.5));
        assertWithin(990_000_000L, histogram.percentile(0.99));
        assertWithin(999_000_000L, histogram.percentile(0.999));
        assertEquals(1_000_000_000L, histogram.max());
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int v = 0; v < 64; v++) {
            histogram.record(v);
        }
        assertEquals(31, histogram.percentile(0.5));
        assertEquals(63, histogram.percentile(1.0));
    }

    @Test
    void mergedHistogramsCountBoth() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        a.record(100);
        b.record(1_000_000);
        a.add(b);
        assertEquals(2, a.count());
        assertEquals(1_000_000, a.max());
    }

    @Test
    void emptyHistogramReportsZero() {
        assertEquals(0, new LatencyHistogram().percentile(0.99));
    }

    private static void assertWithin(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= expected * 0.02, "expected about " + expected + ", got " + actual);
    }
}
