package io.twine.reactor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Without a Flight Recorder, asking whether events are wanted must not load the event classes:
 * their first use sets up the JDK's whole event metadata, hundreds of milliseconds on the loop
 * thread. Checked in a fresh JVM, since other tests of this one start recordings.
 */
@Timeout(120)
class FlightEventsWithoutRecordingTest {

    /** The child: every question the loop asks, then the recorder's state. */
    public static void main(String[] args) {
        boolean wanted = FlightEvents.slowCallbacksWanted() || FlightEvents.connectionClosedWanted();
        FlightEvents.slowCallback("IO", "read", "P", "c", 1, 1);
        FlightEvents.connectionClosed("P", "c", Reason.closedByPeer(), 1, 1);
        assertNull(FlightEvents.beginIteration(1));
        System.out.println("WANTED " + wanted);
    }

    @Test
    void withoutARecordingNoEventClassIsLoaded() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xlog:class+load=info", "-cp",
                System.getProperty("java.class.path"), FlightEventsWithoutRecordingTest.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("WANTED false"), output);
        for (String eventClass : List.of(ConnectionClosedEvent.class.getName(), SlowCallbackEvent.class.getName(),
                LoopIterationEvent.class.getName(), "jdk.jfr.internal.MetadataRepository")) {
            assertFalse(output.contains(" " + eventClass + " "), eventClass + " was loaded");
        }
    }
}
