package io.twine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.testing.ManualClock;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconnectingClientFactoryTest {

    /** A connector that records the times it is asked to connect, on the manual clock. */
    static final class FakeConnector implements Connector {
        final ManualClock clock;
        final List<Long> connectTimes = new ArrayList<>();
        boolean connecting;
        int stopConnectingCalls;

        FakeConnector(ManualClock clock) {
            this.clock = clock;
        }

        @Override
        public void connect() {
            connectTimes.add(clock.now());
            connecting = true;
        }

        @Override
        public void stopConnecting() {
            if (!connecting) {
                throw new IllegalStateException("not connecting");
            }
            stopConnectingCalls++;
            connecting = false;
        }

        @Override
        public void disconnect() {}

        @Override
        public SocketAddress getDestination() {
            return new InetSocketAddress("127.0.0.1", 1);
        }
    }

    static final class Client extends ReconnectingClientFactory {
        Client(ManualClock clock, Random random) {
            super(clock, random);
        }

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            return new Protocol() {};
        }
    }

    private final ManualClock clock = new ManualClock();
    private final FakeConnector connector = new FakeConnector(clock);

    /** The delays Twisted's algorithm gives with the same sequence of Gaussian draws. */
    private static List<Double> expectedDelays(long seed, int count, double maxDelay) {
        Random random = new Random(seed);
        List<Double> delays = new ArrayList<>();
        double delay = 1.0;
        for (int i = 0; i < count; i++) {
            delay = Math.min(delay * 2.7182818284590451, maxDelay);
            delay = delay + random.nextGaussian() * delay * 0.119626565582;
            delays.add(delay);
        }
        return delays;
    }

    /** Fails the connection, then advances the clock to the scheduled retry and returns its delay. */
    private double failAndWaitForRetry(Client client) {
        connector.connecting = false;
        client.clientConnectionFailed(connector, Reason.error("refused", null));
        Duration wait = clock.untilNextCall();
        int before = connector.connectTimes.size();
        clock.advance(wait);
        assertEquals(before + 1, connector.connectTimes.size(), "the retry connects once");
        return wait.toNanos() / 1e9;
    }

    @Test
    void defaultsAreTwisteds() {
        Client client = new Client(clock, new Random(1));
        assertEquals(1.0, client.getInitialDelay());
        assertEquals(Math.E, client.getFactor(), 1e-15);
        assertEquals(0.119626565582, client.getJitter());
        assertEquals(3600.0, client.getMaxDelay());
        assertEquals(ReconnectingClientFactory.UNLIMITED_RETRIES, client.getMaxRetries());
    }

    @Test
    void eachRetryWaitsTheGrownAndJitteredDelay() {
        Client client = new Client(clock, new Random(7));
        List<Double> expected = expectedDelays(7, 12, 3600);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), failAndWaitForRetry(client), 1e-6, "retry " + (i + 1));
            assertEquals(i + 1, client.getRetries());
        }
        // Roughly e-fold growth, within the jitter, until the cap.
        assertEquals(Math.E, expected.get(0), Math.E * 0.5);
        assertTrue(expected.get(11) > 3000 && expected.get(11) < 4200, "capped near an hour: " + expected.get(11));
    }

    @Test
    void withoutJitterTheDelaysAreExactPowersOfTheFactorUpToTheCap() {
        Client client = new Client(clock, new Random(1));
        client.setJitter(0);
        client.setMaxDelay(60);
        double[] expected = {Math.E, Math.pow(Math.E, 2), Math.pow(Math.E, 3), Math.pow(Math.E, 4), 60, 60};
        for (double delay : expected) {
            assertEquals(delay, failAndWaitForRetry(client), 1e-6);
        }
    }

    @Test
    void lostConnectionsRetryLikeFailedOnes() {
        Client client = new Client(clock, new Random(3));
        client.setJitter(0);
        client.clientConnectionLost(connector, Reason.reset("reset", null));
        assertEquals(Duration.ofNanos(Math.round(Math.E * 1e9)), clock.untilNextCall());
    }

    @Test
    void resetDelayStartsTheBackOffAgain() {
        Client client = new Client(clock, new Random(1));
        client.setJitter(0);
        failAndWaitForRetry(client);
        failAndWaitForRetry(client);
        client.resetDelay();
        assertEquals(0, client.getRetries());
        assertEquals(1.0, client.getDelay());
        assertEquals(Math.E, failAndWaitForRetry(client), 1e-6);
    }

    @Test
    void maxRetriesGivesUpAfterThatMany() {
        Client client = new Client(clock, new Random(1));
        client.setMaxRetries(2);
        failAndWaitForRetry(client);
        failAndWaitForRetry(client);
        client.clientConnectionFailed(connector, Reason.error("refused", null));
        assertEquals(0, clock.pendingCalls());
        assertEquals(2, connector.connectTimes.size());
    }

    @Test
    void stopTryingCancelsTheScheduledRetry() {
        Client client = new Client(clock, new Random(1));
        client.clientConnectionFailed(connector, Reason.error("refused", null));
        assertTrue(client.isRetryPending());
        client.stopTrying();
        assertFalse(client.isTrying());
        assertEquals(0, clock.pendingCalls());
        clock.advance(Duration.ofHours(2));
        assertEquals(List.of(), connector.connectTimes);
        client.clientConnectionLost(connector, Reason.closedByPeer());
        assertEquals(0, clock.pendingCalls(), "no retry after stopTrying");
    }

    @Test
    void stopTryingStopsAnAttemptInProgress() {
        Client client = new Client(clock, new Random(1));
        connector.connect();
        client.startedConnecting(connector);
        client.stopTrying();
        assertEquals(1, connector.stopConnectingCalls);
        // Connected or idle: nothing to stop, and no complaint.
        Client other = new Client(clock, new Random(1));
        other.startedConnecting(connector);
        other.stopTrying();
        assertEquals(1, connector.stopConnectingCalls);
    }

    @Test
    void settingsAreChecked() {
        Client client = new Client(clock, new Random(1));
        assertThrows(IllegalArgumentException.class, () -> client.setInitialDelay(0));
        assertThrows(IllegalArgumentException.class, () -> client.setFactor(0.5));
        assertThrows(IllegalArgumentException.class, () -> client.setJitter(1));
        assertThrows(IllegalArgumentException.class, () -> client.setMaxDelay(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> client.setMaxRetries(-2));
        client.setInitialDelay(0.5);
        client.setJitter(0);
        assertEquals(0.5 * Math.E, failAndWaitForRetry(client), 1e-6);
    }
}
