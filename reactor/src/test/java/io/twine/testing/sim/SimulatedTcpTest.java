package io.twine.testing.sim;

import static io.twine.testing.sim.EchoPrograms.echoServer;
import static io.twine.testing.sim.EchoPrograms.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.TcpOptions;
import io.twine.testing.sim.EchoPrograms.RecordingClientFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulated TCP transport keeps the real one's contract, on a quiet network and under each fault. */
class SimulatedTcpTest {

    private static final TcpOptions OPTIONS = TcpOptions.defaults();

    private static InetSocketAddress at(SimulatedReactor host, int port) {
        return new InetSocketAddress(host.address(), port);
    }

    @Test
    void echoOnAQuietNetworkTakesTheLinksLatencyAndClosesCleanlyOnBothEnds() throws IOException {
        Simulation sim = new Simulation(1);
        SimulatedReactor server = sim.host("server");
        SimulatedReactor client = sim.host("client");
        server.listenTcp(new InetSocketAddress(7000), echoServer(), OPTIONS);
        RecordingClientFactory factory = new RecordingClientFactory(payload(10_000, 1));
        client.connectTcp(at(server, 7000), factory, OPTIONS);

        assertTrue(sim.runUntil(factory::done, Duration.ofSeconds(10)));
        assertTrue(factory.clients.get(0).gotItAllBack());
        assertEquals(Reason.Kind.CLOSED_BY_US, factory.losses.get(0).kind());
        // SYN, SYN-ACK, then one echo round trip: 4 one-way trips of 1 ms each, and nothing else waits.
        assertEquals(4_000_000, sim.now());
        sim.runUntilIdle(Duration.ofSeconds(1));
        sim.finish();
        assertEquals(1, factory.clients.get(0).lostCalls);
        assertEquals(1, sim.network().connectionsMade());
        assertEquals(1, sim.network().endsWith(Reason.Kind.CLOSED_BY_PEER), sim.log().tail(40));
    }

    @Test
    void everyByteComesBackThroughSplitReadsTinyWindowsStallsAndJitter() {
        int seeds = Simulations.run(10, FaultProfile.HOSTILE.withoutFailures(), sim -> {
            SimulatedReactor server = sim.host("server");
            SimulatedReactor client = sim.host("client");
            listen(server, 7000, echoServer());
            List<RecordingClientFactory> factories = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RecordingClientFactory factory = new RecordingClientFactory(payload(2_000 + 500 * i, i));
                factories.add(factory);
                client.connectTcp(at(server, 7000), factory, OPTIONS);
            }
            assertTrue(sim.runUntil(() -> factories.stream().allMatch(RecordingClientFactory::done), Duration.ofDays(1)));
            for (RecordingClientFactory factory : factories) {
                assertTrue(factory.failures.isEmpty(), "no connect fails without failures");
                assertTrue(factory.clients.get(0).gotItAllBack());
                assertEquals(Reason.Kind.CLOSED_BY_US, factory.losses.get(0).kind());
            }
            sim.finish();
        });
        assertTrue(seeds >= 1);
    }

    @Test
    void readsAreSplitDownToSingleBytes() throws IOException {
        Simulation sim = new Simulation(7, FaultProfile.NONE.withSplits(1, 0));
        SimulatedReactor server = sim.host("server");
        List<Integer> reads = new ArrayList<>();
        server.listenTcp(new InetSocketAddress(7000), Factory.forProtocol(() -> new Protocol() {
            @Override
            public void dataReceived(ByteBuffer data) {
                reads.add(data.remaining());
            }
        }), OPTIONS);
        RecordingClientFactory factory = new RecordingClientFactory(payload(20_000, 3));
        server.connectTcp(new InetSocketAddress("127.0.0.1", 7000), factory, OPTIONS);
        sim.runUntil(() -> reads.stream().mapToInt(Integer::intValue).sum() == 20_000, Duration.ofSeconds(10));
        assertEquals(20_000, reads.stream().mapToInt(Integer::intValue).sum());
        assertTrue(reads.contains(1), "some reads are one byte: " + reads);
        assertTrue(reads.size() > 10, "the stream is cut into many reads: " + reads.size());
    }

    @Test
    void aConnectToAPortNobodyListensOnIsRefusedFromALaterEvent() {
        Simulation sim = new Simulation(2);
        SimulatedReactor client = sim.host("client");
        SimulatedReactor server = sim.host("server");
        RecordingClientFactory factory = new RecordingClientFactory(new byte[1]);
        client.connectTcp(at(server, 9), factory, OPTIONS);
        assertTrue(factory.failures.isEmpty(), "never from inside connect");
        sim.runUntilIdle(Duration.ofSeconds(1));
        assertEquals(Reason.Kind.ERROR, factory.failures.get(0).kind());
        assertInstanceOf(ConnectException.class, factory.failures.get(0).cause());
        assertEquals(0, factory.activePorts(), "the factory is stopped after a failed connect");
    }

    @Test
    void aLostSynTimesOutAfterTheConnectTimeout() {
        Simulation sim = new Simulation(3, FaultProfile.NONE.withConnectionFailures(0, 1, 0, Duration.ofSeconds(1)));
        SimulatedReactor client = sim.host("client");
        SimulatedReactor server = sim.host("server");
        listen(server, 80, echoServer());
        RecordingClientFactory factory = new RecordingClientFactory(new byte[1]);
        client.connectTcp(at(server, 80), factory, OPTIONS.withConnectTimeout(Duration.ofSeconds(7)));
        sim.runUntilIdle(Duration.ofMinutes(1));
        assertEquals(Reason.Kind.TIMED_OUT, factory.failures.get(0).kind());
        assertEquals(Duration.ofSeconds(7).toNanos(), sim.now());
    }

    @Test
    void aResetFaultEndsBothEndsWithResetAndDropsWhatWasInFlight() {
        Simulation sim = new Simulation(4, FaultProfile.NONE.withBandwidth(100_000, 100_000)
                .withConnectionFailures(0, 0, 1, Duration.ofSeconds(1)));
        SimulatedReactor client = sim.host("client");
        SimulatedReactor server = sim.host("server");
        listen(server, 80, echoServer());
        RecordingClientFactory factory = new RecordingClientFactory(payload(1 << 20, 0));
        client.connectTcp(at(server, 80), factory, OPTIONS);
        sim.runUntilIdle(Duration.ofMinutes(1));
        assertEquals(Reason.Kind.RESET, factory.losses.get(0).kind());
        assertFalse(factory.clients.get(0).gotItAllBack());
        assertEquals(2, sim.network().endsWith(Reason.Kind.RESET));
        sim.finish();
    }

    @Test
    void abortResetsThePeerAndWritesAfterAClosedPeerAreAnsweredWithAReset() {
        Simulation sim = new Simulation(5);
        SimulatedReactor server = sim.host("server");
        List<Reason> serverLosses = new ArrayList<>();
        listen(server, 80, Factory.forProtocol(() -> new Protocol() {
            @Override
            public void dataReceived(ByteBuffer data) {
                transport.abortConnection();
            }

            @Override
            public void connectionLost(Reason reason) {
                serverLosses.add(reason);
            }
        }));
        RecordingClientFactory factory = new RecordingClientFactory(payload(100, 0));
        server.connectTcp(new InetSocketAddress("localhost", 80), factory, OPTIONS);
        sim.runUntilIdle(Duration.ofMinutes(1));
        assertEquals(Reason.Kind.ABORTED, serverLosses.get(0).kind());
        assertEquals(Reason.Kind.RESET, factory.losses.get(0).kind());
        sim.finish();
    }

    /** A server that answers once the client half-closed: Twisted's half-close, both ends. */
    private static final class AnswerAtEnd extends Protocol implements HalfCloseableProtocol {
        final StringBuilder request = new StringBuilder();

        @Override
        public void dataReceived(ByteBuffer data) {
            request.append(StandardCharsets.UTF_8.decode(data));
        }

        @Override
        public void readConnectionLost() {
            transport.write(("got " + request.length() + " chars").getBytes(StandardCharsets.UTF_8));
            transport.loseConnection();
        }
    }

    private static final class HalfClosingClient extends Protocol implements HalfCloseableProtocol {
        final StringBuilder answer = new StringBuilder();
        boolean writeSideClosed;
        Reason lost;

        @Override
        public void connectionMade() {
            transport.write("x".repeat(2000).getBytes(StandardCharsets.UTF_8));
            transport.loseWriteConnection();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            answer.append(StandardCharsets.UTF_8.decode(data));
        }

        @Override
        public void readConnectionLost() {
            transport.loseConnection();
        }

        @Override
        public void writeConnectionLost() {
            writeSideClosed = true;
        }

        @Override
        public void connectionLost(Reason reason) {
            lost = reason;
        }
    }

    @Test
    void aPeerThatHalfClosesStillGetsItsAnswer() {
        Simulations.run(6, FaultProfile.HOSTILE.withoutFailures(), sim -> {
            SimulatedReactor server = sim.host("server");
            listen(server, 80, Factory.forProtocol(AnswerAtEnd::new));
            HalfClosingClient client = new HalfClosingClient();
            sim.host("client").connectTcp(at(server, 80), new RecordingClientFactory(null) {
                @Override
                public Protocol buildProtocol(java.net.SocketAddress peer) {
                    return client;
                }
            }, OPTIONS);
            assertTrue(sim.runUntil(() -> client.lost != null, Duration.ofDays(1)));
            assertTrue(client.writeSideClosed);
            assertEquals("got 2000 chars", client.answer.toString());
            assertTrue(client.lost.isClean(), "clean: " + client.lost);
            sim.finish();
        });
    }

    @Test
    void aTinyWindowPausesAStreamingProducerAndResumesItAsThePeerReads() {
        Simulation sim = new Simulation(6, FaultProfile.NONE.withKernelBuffer(4, 4));
        SimulatedReactor server = sim.host("server");
        long[] received = new long[1];
        listen(server, 80, Factory.forProtocol(() -> new Protocol() {
            @Override
            public void dataReceived(ByteBuffer data) {
                received[0] += data.remaining();
            }
        }));
        int[] pauses = new int[1];
        int[] sentChunks = new int[1];
        Protocol writer = new Protocol() {
            boolean paused;

            @Override
            public void connectionMade() {
                transport.setWriteBufferLimits(100, 20);
                transport.registerProducer(new Producer() {
                    @Override
                    public void resumeProducing() {
                        paused = false;
                        produce();
                    }

                    @Override
                    public void pauseProducing() {
                        paused = true;
                        pauses[0]++;
                    }

                    @Override
                    public void stopProducing() {}
                }, true);
                produce();
            }

            void produce() {
                while (!paused && sentChunks[0] < 50) {
                    sentChunks[0]++;
                    transport.write(new byte[50]);
                    assertTrue(transport.getWriteBufferSize() <= 150, "paused before the buffer passes the high-water mark by more than a write");
                }
                if (sentChunks[0] == 50) {
                    transport.unregisterProducer();
                    transport.loseConnection();
                }
            }
        };
        sim.host("client").connectTcp(at(server, 80), new RecordingClientFactory(null) {
            @Override
            public Protocol buildProtocol(java.net.SocketAddress peer) {
                return writer;
            }
        }, OPTIONS);
        sim.runUntilIdle(Duration.ofMinutes(5));
        assertEquals(2_500, received[0]);
        assertTrue(pauses[0] >= 10, "paused again and again: " + pauses[0]);
        sim.finish();
    }

    @Test
    void anExceptionFromACallbackClosesOnlyThatConnectionAndIsReported() {
        Simulation sim = new Simulation(8);
        SimulatedReactor server = sim.host("server");
        listen(server, 80, Factory.forProtocol(() -> new Protocol() {
            @Override
            public void dataReceived(ByteBuffer data) {
                throw new IllegalStateException("bad input");
            }
        }));
        RecordingClientFactory factory = new RecordingClientFactory(payload(10, 0));
        server.connectTcp(at(server, 80), factory, OPTIONS);
        sim.runUntilIdle(Duration.ofMinutes(1));
        assertEquals(1, sim.errors().size());
        assertEquals(1, sim.network().endsWith(Reason.Kind.ERROR));
        assertEquals(Reason.Kind.RESET, factory.losses.get(0).kind());
        sim.finish();
    }

    @Test
    void bindingRefusesAPortInUseAndAnAddressOfAnotherHost() throws IOException {
        Simulation sim = new Simulation(9);
        SimulatedReactor server = sim.host("server");
        SimulatedReactor other = sim.host("other");
        ListeningPort port = server.listenTcp(new InetSocketAddress(0), echoServer(), OPTIONS);
        int bound = ((InetSocketAddress) port.getHost()).getPort();
        assertTrue(bound >= 49152);
        assertThrows(BindException.class, () -> server.listenTcp(new InetSocketAddress(bound), echoServer(), OPTIONS));
        assertThrows(BindException.class, () -> server.listenTcp(at(other, 80), echoServer(), OPTIONS));
        port.stopListening();
        assertNotNull(server.listenTcp(new InetSocketAddress(bound), echoServer(), OPTIONS));
    }

    @Test
    void anOutageResetsTheHostsConnectionsAndRefusesConnectsUntilItEnds() {
        Simulation sim = new Simulation(10);
        SimulatedReactor server = sim.host("server");
        SimulatedReactor client = sim.host("client");
        listen(server, 80, Factory.forProtocol(() -> new Protocol() {}));
        RecordingClientFactory first = new RecordingClientFactory(new byte[0]);
        client.connectTcp(at(server, 80), first, OPTIONS);
        sim.runFor(Duration.ofSeconds(1));
        sim.network().outage(server, Duration.ofSeconds(10));
        RecordingClientFactory during = new RecordingClientFactory(new byte[0]);
        client.connectTcp(at(server, 80), during, OPTIONS);
        sim.runFor(Duration.ofSeconds(1));
        assertEquals(Reason.Kind.RESET, first.losses.get(0).kind());
        assertInstanceOf(ConnectException.class, during.failures.get(0).cause());
        sim.runFor(Duration.ofSeconds(10));
        RecordingClientFactory after = new RecordingClientFactory(new byte[0]);
        client.connectTcp(at(server, 80), after, OPTIONS);
        sim.runFor(Duration.ofSeconds(1));
        assertTrue(after.failures.isEmpty());
        assertEquals(1, after.clients.size());
        sim.finish();
    }

    @Test
    void aPeerThatStopsReadingFillsItsWindowThenTheWritersQueueUntilTheCapEndsIt() {
        Simulation sim = new Simulation(11, FaultProfile.NONE.withKernelBuffer(1000, 1000));
        SimulatedReactor server = sim.host("server");
        SimulatedReactor client = sim.host("client");
        List<Reason> serverLost = new ArrayList<>();
        long[] queuedAtPause = new long[1];
        Factory flood = Factory.forProtocol(() -> new Protocol() {
            @Override
            public void connectionMade() {
                transport.setMaxWriteBufferSize(200_000);
                transport.registerProducer(new Producer() {
                    @Override
                    public void resumeProducing() {}

                    @Override
                    public void pauseProducing() {
                        queuedAtPause[0] = transport.getWriteBufferSize();
                    }

                    @Override
                    public void stopProducing() {}
                }, true);
                server.callLater(Duration.ofSeconds(1), () -> {
                    for (int i = 0; i < 300; i++) {
                        transport.write(new byte[1_000]);
                    }
                });
            }

            @Override
            public void connectionLost(Reason reason) {
                serverLost.add(reason);
            }
        });
        listen(server, 80, flood);
        client.connectTcp(at(server, 80), new RecordingClientFactory(new byte[0]), OPTIONS);
        sim.runFor(Duration.ofMillis(500));
        sim.network().stopReading(client);
        sim.runUntilIdle(Duration.ofMinutes(1));
        assertTrue(queuedAtPause[0] > 64 * 1024, "the producer was paused past the high-water mark: " + queuedAtPause[0]);
        assertEquals(Reason.Kind.LIMIT_EXCEEDED, serverLost.get(0).kind(), "the cap ended it");
        sim.finish();
    }

    static void listen(SimulatedReactor host, int port, Factory factory) {
        try {
            host.listenTcp(new InetSocketAddress(port), factory, OPTIONS);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
