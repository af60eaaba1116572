package io.twine.transport.tcp;

import static io.twine.transport.tcp.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Reason;
import io.twine.protocol.policies.ConnectionLimitFactory;
import io.twine.testing.ReactorThread;
import io.twine.testsupport.CapturedLog;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ConnectionLimitFactoryTcpTest {

    /** The connections these tests cut off on purpose are logged as warnings: kept off the console. */
    private final CapturedLog tcpLog = CapturedLog.of("io.twine.transport.tcp");

    @AfterEach
    void stopCapturing() {
        tcpLog.close();
    }

    @Test
    void connectionOverTheLimitHearsTheRefusalAndIsClosedWhileTheOthersStay() throws Exception {
        List<Loopback.Recording> served = new CopyOnWriteArrayList<>();
        BlockingQueue<Loopback.Recording> made = new LinkedBlockingQueue<>();
        ConnectionLimitFactory factory = new ConnectionLimitFactory(Factory.forProtocol(() -> {
            Loopback.Recording protocol = new Loopback.Recording();
            protocol.made.thenRun(() -> made.add(protocol));
            served.add(protocol);
            return protocol;
        }), 2).setRefusalMessage("busy, try later\r\n".getBytes(StandardCharsets.US_ASCII));
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, factory));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket first = new Socket(bound.getAddress(), bound.getPort());
                    Socket second = new Socket(bound.getAddress(), bound.getPort())) {
                assertNotNull(made.poll(10, TimeUnit.SECONDS));
                assertNotNull(made.poll(10, TimeUnit.SECONDS));
                try (Socket third = new Socket(bound.getAddress(), bound.getPort())) {
                    third.setSoTimeout(10_000);
                    assertEquals("busy, try later\r\n",
                            new String(third.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                }
                assertEquals(1L, (long) rt.call(factory::refusedCount));
                assertEquals(1L, (long) rt.call(() -> rt.reactor().metrics().closed(Reason.Kind.LIMIT_EXCEEDED)));
                assertEquals(1, tcpLog.messages().size(), "logged once, for the operator: " + tcpLog.messages());
                assertEquals(2, served.size(), "the refused connection never reached the wrapped factory");

                first.close();
                assertEquals(Reason.Kind.CLOSED_BY_PEER, ReactorThread.await(served.get(0).lost).kind());
                try (Socket fourth = new Socket(bound.getAddress(), bound.getPort())) {
                    assertNotNull(made.poll(10, TimeUnit.SECONDS), "a place was free again");
                    assertEquals(2, (int) rt.call(factory::openConnections));
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new ConnectionLimitFactory(Factory.forProtocol(Loopback.Recording::new), 0));
    }
}
