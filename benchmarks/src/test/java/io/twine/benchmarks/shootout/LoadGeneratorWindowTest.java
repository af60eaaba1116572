package io.twine.benchmarks.shootout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Java load generator's measured window, on made-up times (nanoseconds from 1,000). */
class LoadGeneratorWindowTest {

    private final LoadGenerator.Window window = new LoadGenerator.Window(1_000, 100);

    @Test
    void closesAtThePlannedEndOnceAMessageWasCounted() {
        assertFalse(window.contains(999), "before the window: warm-up");
        assertTrue(window.contains(1_000));
        window.messageCounted(1_050);
        assertTrue(window.isOpen(1_099));
        assertFalse(window.isOpen(1_100));
        assertFalse(window.contains(1_100));
        assertEquals(100, window.length());
    }

    @Test
    void staysOpenForASlowServerUntilItsFirstMessageAndReportsTheRealLength() {
        assertTrue(window.isOpen(1_500), "nothing counted yet: the window waits for a first message");
        window.messageCounted(1_500);
        assertFalse(window.isOpen(1_501), "the first message closes a window past its planned end");
        assertEquals(500, window.length());
    }

    @Test
    void givesUpAfterTenDurationsWithoutAMessage() {
        assertTrue(window.isOpen(1_999));
        assertFalse(window.isOpen(2_000));
        assertEquals(1_000, window.length());
    }
}
