package io.twine.reactor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DirectMemoryTest {

    @Test
    void readsTheJvmsSizeSyntax() {
        assertEquals(65_536, DirectMemory.parseSize("65536"));
        assertEquals(64L << 10, DirectMemory.parseSize("64k"));
        assertEquals(64L << 20, DirectMemory.parseSize("64M"));
        assertEquals(2L << 30, DirectMemory.parseSize("2g"));
        assertEquals(0, DirectMemory.parseSize("lots"));
        assertEquals(0, DirectMemory.parseSize(""));
    }

    @Test
    void withoutTheOptionTheLimitIsTheMaximumHeap() {
        // The test JVM is started without -XX:MaxDirectMemorySize.
        assertEquals(Runtime.getRuntime().maxMemory(), DirectMemory.max());
        assertTrue(DirectMemory.max() > 0);
    }
}
