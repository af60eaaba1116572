package io.twine.samples.twisted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.samples.support.CapturedOutput;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.LineSource;
import io.twine.samples.support.SeedReplies;
import io.twine.testing.sim.FaultProfile;
import io.twine.testing.sim.SimulatedReactor;
import io.twine.testing.sim.Simulations;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The Twisted pair ({@code twisted-server}, {@code twisted-client}), started as the launcher
 * starts them, on simulated hosts. Like the seed's Twisted programs, the server stamps every read
 * it gets, so a split read gives a reply in several stamped pieces; what must hold is that, stamps
 * taken out, the client printed every byte it sent, in order, and ended cleanly.
 */
class TwistedPairInSimulationTest {

    /** Keeps every {@code println(String)}, which is how the client prints a line it read and each piece of a reply. */
    private static final class PrintedLines extends PrintStream {
        final List<String> lines = new ArrayList<>();

        PrintedLines() {
            super(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        }

        @Override
        public void println(String line) {
            lines.add(line);
        }
    }

    /**
     * Types the lines half a second after each question, as a person would, and the empty line
     * that ends the client only once everything sent has been printed back: the seed's client
     * stops reading when its input ends.
     */
    private static final class Typist implements LineSource {
        private final SimulatedReactor host;
        private final List<String> lines;
        private final BooleanSupplier allPrinted;
        private int next;
        private boolean closed;

        Typist(SimulatedReactor host, List<String> lines, BooleanSupplier allPrinted) {
            this.host = host;
            this.lines = lines;
            this.allPrinted = allPrinted;
        }

        @Override
        public void requestLine(Listener listener) {
            host.callLater(Duration.ofMillis(500), () -> {
                if (closed) {
                    return;
                }
                if (next < lines.size()) {
                    listener.lineRead(lines.get(next++));
                } else if (allPrinted.getAsBoolean()) {
                    listener.lineRead("");
                } else {
                    requestLine(listener);
                }
            });
        }

        @Override
        public boolean isTerminal() {
            return false;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The reply pieces the client printed, in order: every println but a line read and its "...sending LINE...". */
    private static String replies(List<String> printed) {
        StringBuilder replies = new StringBuilder();
        for (int i = 0; i < printed.size(); i++) {
            String line = printed.get(i);
            if (i + 1 < printed.size() && printed.get(i + 1).equals("...sending " + line + "...")) {
                i++;
            } else if (!(i + 1 == printed.size() && line.startsWith("...sending "))) {
                replies.append(line);
            }
        }
        return replies.toString().replaceAll("\\[" + SeedReplies.CTIME + "\\] ", "");
    }

    @Test
    void stampsTakenOutTheRepliesAreExactlyWhatWasSent() {
        Simulations.run(8, FaultProfile.HOSTILE.withoutFailures(), sim -> {
            SimulatedReactor server = sim.host("server");
            SimulatedReactor client = sim.host("client");
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                lines.add("words" + i + "z".repeat(sim.random().nextInt(100)));
            }
            String sent = String.join("", lines);
            PrintedLines out = new PrintedLines();
            CompletableFuture<ExitStatus> outcome;
            try {
                TwistedServer.start(server, new InetSocketAddress(21567), new CapturedOutput().printStream(), null);
                outcome = TwistedClient.start(client, new InetSocketAddress("server", 21567),
                        new Typist(client, lines, () -> replies(out.lines).startsWith(sent)), out, null);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertTrue(sim.runUntil(outcome::isDone, Duration.ofDays(1)), "the client ended");
            assertEquals(ExitStatus.OK, outcome.join().code(), String.valueOf(outcome.join().message()));
            assertEquals(sent, replies(out.lines), "printed back exactly what was sent, in order");
            sim.runUntilIdle(Duration.ofMinutes(1));
            sim.finish();
        });
    }
}
