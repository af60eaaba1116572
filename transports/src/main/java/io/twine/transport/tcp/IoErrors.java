package io.twine.transport.tcp;

import io.twine.protocol.Reason;
import java.io.IOException;

/**
 * Turns the exceptions of a failed read or write into a {@link Reason}.
 *
 * <p>The JDK gives no errno: a reset is an {@code IOException} whose message is "Connection
 * reset" (or "Connection reset by peer", or "Broken pipe" when writing after one), so this is
 * decided by type and message. Every such failure of an established connection means the
 * connection is lost, so all of them are {@link Reason.Kind#RESET}; the message keeps what the
 * JDK said.
 */
final class IoErrors {

    private IoErrors() {}

    static Reason reasonFor(IOException error) {
        String message = error.getMessage();
        if (isReset(error)) {
            return Reason.reset("connection reset by peer (" + message + ")", error);
        }
        return Reason.reset("connection lost: " + (message == null ? error.getClass().getName() : message), error);
    }

    /** True for the peer's RST, however this JDK words it. */
    static boolean isReset(IOException error) {
        String message = error.getMessage();
        return message != null && (message.contains("Connection reset") || message.contains("Broken pipe"));
    }
}
