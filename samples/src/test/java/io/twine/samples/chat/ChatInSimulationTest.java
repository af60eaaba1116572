package io.twine.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.basic.LineReceiver;
import io.twine.reactor.TcpOptions;
import io.twine.samples.support.CapturedOutput;
import io.twine.testing.sim.FaultProfile;
import io.twine.testing.sim.SimulatedReactor;
import io.twine.testing.sim.Simulation;
import io.twine.testing.sim.Simulations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chat server, as the program starts it, with 20 clients on 20 simulated hosts over a hostile
 * network: once everyone has joined, each client says a few lines at random moments; every other
 * client hears each of them once, in the order it was said, and nobody hears its own.
 */
class ChatInSimulationTest {

    private static final int CLIENTS = 20;

    private static final class Chatter extends LineReceiver {
        final String name;
        final List<String> heard = new ArrayList<>();
        final List<String> said = new ArrayList<>();
        int linesHeard;
        boolean welcomed;
        Reason lost;

        Chatter(String name) {
            this.name = name;
            setDelimiter(new byte[] {'\n'});
        }

        @Override
        public void lineReceived(String line) {
            line = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (!welcomed && line.startsWith("Welcome, " + name + "!")) {
                welcomed = true;
            } else if (!welcomed && line.endsWith("What is your name?")) {
                sendLine(name);
            } else if (welcomed) {
                heard.add(line);
                if (line.startsWith("<")) {
                    linesHeard++;
                }
            }
        }

        void say(String line) {
            said.add(line);
            sendLine(line);
        }

        @Override
        public void connectionLost(Reason reason) {
            lost = reason;
        }
    }

    static void scenario(Simulation sim) {
        SimulatedReactor server = sim.host("server");
        try {
            ChatServer.start(server, new InetSocketAddress(21567), new CapturedOutput().printStream(), 1 << 20,
                    TcpOptions.defaults());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Map<String, Chatter> chatters = new LinkedHashMap<>();
        List<SimulatedReactor> hosts = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            String name = "user" + i;
            SimulatedReactor host = sim.host("client" + i);
            hosts.add(host);
            host.connectTcp(new InetSocketAddress("server", 21567), new ClientFactory() {
                @Override
                public Protocol buildProtocol(SocketAddress peer) {
                    Chatter chatter = new Chatter(name);
                    chatters.put(name, chatter);
                    return chatter;
                }
            }, TcpOptions.defaults());
        }
        assertTrue(sim.runUntil(() -> chatters.size() == CLIENTS && chatters.values().stream().allMatch(c -> c.welcomed),
                Duration.ofDays(1)), "everyone joined");
        int[] toHear = new int[1];
        for (int i = 0; i < CLIENTS; i++) {
            Chatter chatter = chatters.get("user" + i);
            int lines = 1 + sim.random().nextInt(4);
            toHear[0] += lines * (CLIENTS - 1);
            for (int k = 0; k < lines; k++) {
                long at = sim.random().nextLong(10_000);
                String text = "line " + k + " from " + chatter.name + " " + "x".repeat(sim.random().nextInt(80));
                hosts.get(i).callLater(Duration.ofMillis(at), () -> chatter.say(text));
            }
        }
        // Windows of a byte or two make this slow in virtual time (a byte per trip); wait until all is heard.
        assertTrue(sim.runUntil(() -> chatters.values().stream().mapToInt(c -> c.linesHeard).sum() == toHear[0],
                Duration.ofDays(1)), "every line reached everyone else");
        for (Chatter chatter : chatters.values()) {
            chatter.heard.removeIf(line -> line.endsWith(" has joined"));  // the last ones joined after some were welcomed
            chatter.transport().loseConnection();
        }
        sim.runUntilIdle(Duration.ofMinutes(1));
        for (Chatter listener : chatters.values()) {
            assertEquals(Reason.Kind.CLOSED_BY_US, listener.lost.kind());
            Map<String, List<String>> bySpeaker = new LinkedHashMap<>();
            for (String line : listener.heard) {
                if (line.startsWith("<")) {
                    bySpeaker.computeIfAbsent(line.substring(1, line.indexOf('>')), k -> new ArrayList<>())
                            .add(line.substring(line.indexOf('>') + 2));
                }
            }
            for (Chatter speaker : chatters.values()) {
                List<String> expected = speaker == listener ? List.of() : speaker.said;
                assertEquals(expected, bySpeaker.getOrDefault(speaker.name, List.of()),
                        listener.name + " heard " + speaker.name);
            }
        }
        sim.finish();
    }

    @Test
    void twentyClientsHearEachOtherInOrderOnAHostileNetwork() {
        Simulations.run(4, FaultProfile.HOSTILE.withoutFailures(), ChatInSimulationTest::scenario);
    }

    @Test
    void aClientThatStopsReadingIsDroppedAtTheCapAndTheOthersAreTold() {
        // Windows of 1 to 16 KiB and a talker that says ten lines a second: a client that reads keeps
        // up, one that does not fills its window and then the server's 8 KiB cap.
        FaultProfile faults = FaultProfile.HOSTILE.withoutFailures().withKernelBuffer(1024, 16 * 1024);
        Simulations.run(4, faults, sim -> {
            SimulatedReactor server = sim.host("server");
            try {
                ChatServer.start(server, new InetSocketAddress(21567), new CapturedOutput().printStream(), 8_192,
                        TcpOptions.defaults());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            Map<String, Chatter> chatters = new LinkedHashMap<>();
            for (String name : List.of("talker", "listener", "stuck")) {
                sim.host(name).connectTcp(new InetSocketAddress("server", 21567), new ClientFactory() {
                    @Override
                    public Protocol buildProtocol(SocketAddress peer) {
                        Chatter chatter = new Chatter(name);
                        chatters.put(name, chatter);
                        return chatter;
                    }
                }, TcpOptions.defaults());
            }
            assertTrue(sim.runUntil(() -> chatters.size() == 3 && chatters.values().stream().allMatch(c -> c.welcomed),
                    Duration.ofDays(1)), "everyone joined");
            sim.network().stopReading(sim.host("stuck"));
            Chatter talker = chatters.get("talker");
            for (int i = 0; i < 300; i++) {
                String line = "line " + i + " " + "z".repeat(100);
                sim.host("talker").callLater(Duration.ofMillis(100L * i), () -> talker.say(line));
            }
            Chatter listener = chatters.get("listener");
            assertTrue(sim.runUntil(() -> listener.heard.contains("* stuck was dropped: too slow to read"), Duration.ofDays(1)),
                    "the others are told");
            assertTrue(sim.runUntil(() -> listener.linesHeard == 300, Duration.ofDays(1)), "the listener heard every line");
            talker.transport().loseConnection();
            listener.transport().loseConnection();
            sim.runUntilIdle(Duration.ofDays(1));
            sim.finish();
        });
    }
}
