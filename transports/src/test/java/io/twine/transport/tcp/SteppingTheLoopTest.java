package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.Reactor;
import io.twine.testing.ManualClock;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's "stepping the loop" example: two real connections to an echo server whose idle
 * timeout runs on a manual clock, the loop driven one turn at a time by the test's thread.
 */
@Timeout(60)
class SteppingTheLoopTest {

    /** Echoes, and hangs up on a peer that says nothing for ten seconds. */
    static final class IdleEcho extends Protocol {
        private final Reactor reactor;
        private DelayedCall idle;

        IdleEcho(Reactor reactor) {
            this.reactor = reactor;
        }

        @Override
        public void connectionMade() {
            idle = reactor.callLater(Duration.ofSeconds(10), transport::loseConnection);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            idle.reset(Duration.ofSeconds(10));
            transport.write(data);
        }
    }

    @Test
    void twoConnectionsStepByStepWithTimeMovedByHand() throws Exception {
        ManualClock clock = new ManualClock();
        Reactor reactor = new Reactor(clock);
        reactor.startTracing(64);
        ListeningPort port = Tcp.listen(reactor, new InetSocketAddress("127.0.0.1", 0),
                Factory.forProtocol(() -> new IdleEcho(reactor)));
        try (Socket a = new Socket("127.0.0.1", port.getPort());
                Socket b = new Socket("127.0.0.1", port.getPort())) {
            a.setSoTimeout(30_000);
            b.setSoTimeout(30_000);
            a.getOutputStream().write('a');
            b.getOutputStream().write('b');
            // Each turn waits up to a second for I/O and returns as soon as it has handled some:
            // accepting both, reading both, and (at the start of a later turn) flushing both replies.
            while (reactor.metrics().bytesOut() < 2) {
                reactor.iterate(Duration.ofSeconds(1));
            }
            assertEquals('a', a.getInputStream().read());
            assertEquals('b', b.getInputStream().read());

            clock.advance(Duration.ofSeconds(5));
            b.getOutputStream().write('!');  // b is not idle: its timer restarts
            while (reactor.metrics().bytesOut() < 3) {
                reactor.iterate(Duration.ofSeconds(1));
            }
            assertEquals('!', b.getInputStream().read());
            clock.advance(Duration.ofSeconds(5));  // ten seconds of silence for a, five for b
            while (reactor.metrics().connectionsOpen() > 1) {
                reactor.iterate(Duration.ofSeconds(1));
            }
            assertEquals(-1, a.getInputStream().read(), "a was idle for ten seconds of the manual clock");
            assertTrue(reactor.trace().iterations().size() >= 4, "every turn is a row of the trace page");
        } finally {
            reactor.stop();
            reactor.run();  // shuts down at once: closes the listener and b, and returns
        }
    }
}
