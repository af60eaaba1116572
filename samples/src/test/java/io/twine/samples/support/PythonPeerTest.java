package io.twine.samples.support;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The one rule for a missing Python peer: skipped with the reason on a developer's machine, failed in CI. */
class PythonPeerTest {

    @Test
    void presentPeerNeitherSkipsNorFails() {
        assertDoesNotThrow(() -> PythonPeer.require(true, "python3 is missing", false));
        assertDoesNotThrow(() -> PythonPeer.require(true, "python3 is missing", true));
    }

    @Test
    void missingPeerOutsideCiSkipsTheTestWithTheReason() {
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> PythonPeer.require(false, "python3 is missing", false));
        assertTrue(skipped.getMessage().contains("python3 is missing"), skipped.getMessage());
    }

    @Test
    void missingPeerInCiFailsTheTestWithTheReason() {
        AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                () -> PythonPeer.require(false, "python3 is missing", true));
        assertTrue(failed.getMessage().contains("python3 is missing"), failed.getMessage());
        assertTrue(failed.getMessage().contains("CI=true"), failed.getMessage());
    }
}
