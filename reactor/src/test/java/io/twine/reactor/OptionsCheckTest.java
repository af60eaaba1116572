package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** TCP and UDP options refuse bad values with one and the same kind of message. */
class OptionsCheckTest {

    @Test
    void negativeValuesAreRefusedSayingWhatZeroMeans() {
        assertEquals("backlog must be zero (the system's largest) or positive, got -1",
                message(() -> TcpOptions.defaults().withBacklog(-1)));
        assertEquals("max connections must be zero (no limit) or positive, got -2",
                message(() -> TcpOptions.defaults().withMaxConnections(-2)));
        assertEquals("max queued datagrams must be zero or positive, got -3",
                message(() -> UdpOptions.defaults().withMaxQueuedDatagrams(-3)));
        for (String text : List.of(
                message(() -> TcpOptions.defaults().withReceiveBufferSize(-4)),
                message(() -> UdpOptions.defaults().withReceiveBufferSize(-4)))) {
            assertEquals("receive buffer size must be zero (kernel default) or positive, got -4", text);
        }
        for (String text : List.of(
                message(() -> TcpOptions.defaults().withSendBufferSize(-5)),
                message(() -> UdpOptions.defaults().withSendBufferSize(-5)))) {
            assertEquals("send buffer size must be zero (kernel default) or positive, got -5", text);
        }
        assertEquals(TcpOptions.defaults().backlog(), TcpOptions.defaults().withBacklog(7).withBacklog(0).backlog());
        assertEquals(0, UdpOptions.defaults().withMaxQueuedDatagrams(0).maxQueuedDatagrams());
    }

    private static String message(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }
}
