package io.twine.transport.tcp;

import static io.twine.transport.tcp.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
import io.twine.testing.ReactorThread;
import io.twine.testsupport.CapturedLog;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code connectionLost} never runs inside another callback of the same protocol, whatever ended
 * the connection: it comes on the loop's next turn, after the task the callback queued for the
 * rest of its own turn, and before anything else of that connection.
 */
@Timeout(60)
class ConnectionLostOrderTest {

    /** The connections these tests cut off on purpose are logged as warnings: kept off the console. */
    private final CapturedLog tcpLog = CapturedLog.of("io.twine.transport.tcp");

    @AfterEach
    void stopCapturing() {
        tcpLog.close();
    }

    private interface Step {
        void run(Protocol protocol, Reactor reactor);
    }

    /** Records its callbacks; {@code onMade} or {@code onData} ends the connection one way or another. */
    private static final class Probe extends Protocol {
        final List<String> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Reason> lost = new CompletableFuture<>();
        private final Reactor reactor;
        private final Step onMade;
        private final Step onData;

        Probe(Reactor reactor, Step onMade, Step onData) {
            this.reactor = reactor;
            this.onMade = onMade;
            this.onData = onData;
        }

        @Override
        public void connectionMade() {
            events.add("made");
            act(onMade);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            events.add("data");
            act(onData);
        }

        private void act(Step step) {
            if (step == null) {
                return;
            }
            // Runs in the task step of this same turn: connectionLost must come after it.
            reactor.callFromThread(() -> events.add("rest of the turn"));
            step.run(this, reactor);
            events.add("returned, connected=" + transport.isConnected());
        }

        @Override
        public void connectionLost(Reason reason) {
            events.add("lost:" + reason.kind());
            lost.complete(reason);
        }
    }

    private static List<String> eventsWhen(Step onMade, Step onData) throws Exception {
        Reactor reactor = new Reactor();
        reactor.setErrorReporter((context, error) -> { });
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            List<Probe> probes = new CopyOnWriteArrayList<>();
            ListeningPort port = rt.call(() -> Tcp.listen(reactor, ANY_PORT, Factory.forProtocol(() -> {
                Probe probe = new Probe(reactor, onMade, onData);
                probes.add(probe);
                return probe;
            })));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(new byte[] {1, 2, 3});
                assertEquals(-1, socket.getInputStream().read(), "the server closed the connection");
            }
            Probe probe = probes.get(0);
            ReactorThread.await(probe.lost);
            return probe.events;
        }
    }

    @Test
    void abortInsideDataReceived() throws Exception {
        assertEquals(List.of("made", "data", "returned, connected=false", "rest of the turn", "lost:ABORTED"),
                eventsWhen(null, (p, r) -> p.transport().abortConnection()));
    }

    @Test
    void abortInsideConnectionMade() throws Exception {
        assertEquals(List.of("made", "returned, connected=false", "rest of the turn", "lost:ABORTED"),
                eventsWhen((p, r) -> p.transport().abortConnection(), null));
    }

    @Test
    void writePastTheHardCapInsideDataReceived() throws Exception {
        assertEquals(List.of("made", "data", "returned, connected=false", "rest of the turn", "lost:LIMIT_EXCEEDED"),
                eventsWhen(null, (p, r) -> {
                    p.transport().setMaxWriteBufferSize(10);
                    p.transport().write(new byte[11]);
                    p.transport().write(new byte[1]);  // dropped, and no second close
                }));
    }

    @Test
    void exceptionFromDataReceived() throws Exception {
        assertEquals(List.of("made", "data", "rest of the turn", "lost:ERROR"),
                eventsWhen(null, (p, r) -> {
                    throw new IllegalStateException("protocol bug");
                }));
    }

    @Test
    void exceptionFromConnectionMade() throws Exception {
        assertEquals(List.of("made", "rest of the turn", "lost:ERROR"),
                eventsWhen((p, r) -> {
                    throw new IllegalStateException("protocol bug");
                }, null));
    }

    @Test
    void loseConnectionInsideDataReceived() throws Exception {
        assertEquals(List.of("made", "data", "returned, connected=false", "rest of the turn", "lost:CLOSED_BY_US"),
                eventsWhen(null, (p, r) -> p.transport().loseConnection()));
    }
}
