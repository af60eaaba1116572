package io.twine.samples.line;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.Ctime;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.ScriptedLineSource;
import io.twine.testing.sim.FaultProfile;
import io.twine.testing.sim.SimulatedReactor;
import io.twine.testing.sim.Simulations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code line-server} and {@code line-client}, started as the launcher starts them, on simulated
 * hosts: a connection per line through split reads, tiny windows and stalls gives every reply
 * whole; with refusals, lost SYNs and resets too, the client still ends, with every reply it
 * printed whole and a status that says what went wrong.
 */
class LinePairInSimulationTest {

    private static final Ctime FIXED = new Ctime(Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC));

    private static List<String> lines(int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add("line number " + i + "y".repeat(i * 37 % 300));
        }
        lines.add("");
        return lines;
    }

    /** Runs the pair; returns the client's status and output. */
    private static String[] converse(io.twine.testing.sim.Simulation sim, List<String> lines, ExitStatus[] status) {
        SimulatedReactor server = sim.host("server");
        SimulatedReactor client = sim.host("client");
        CapturedOutput log = new CapturedOutput();
        CapturedOutput out = new CapturedOutput();
        try {
            LineServer.start(server, new InetSocketAddress(21567), log.printStream(), FIXED);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        CompletableFuture<ExitStatus> outcome;
        try {
            outcome = LineClient.start(client, new InetSocketAddress("server", 21567),
                    new ScriptedLineSource(client, lines, Duration.ofMillis(10)), out.printStream(), null);
        } catch (io.twine.samples.support.UsageException e) {
            throw new AssertionError(e);
        }
        assertTrue(sim.runUntil(outcome::isDone, Duration.ofDays(1)), "the client ended");
        status[0] = outcome.join();
        sim.runUntilIdle(Duration.ofMinutes(1));
        sim.finish();
        return out.lines().toArray(String[]::new);
    }

    @Test
    void everyLineGetsItsWholeReplyThroughSplitsAndStalls() {
        Simulations.run(8, FaultProfile.HOSTILE.withoutFailures(), sim -> {
            List<String> lines = lines(12);
            ExitStatus[] status = new ExitStatus[1];
            String[] out = converse(sim, lines, status);
            assertEquals(ExitStatus.OK, status[0].code(), String.valueOf(status[0].message()));
            for (int i = 0; i < 12; i++) {
                assertEquals("> " + lines.get(i), out[2 * i]);
                assertEquals("[" + FIXED.now() + "] " + lines.get(i), out[2 * i + 1]);
            }
        });
    }

    @Test
    void withConnectionFailuresTheClientStillEndsAndNeverPrintsAPartialReply() {
        Simulations.run(8, FaultProfile.HOSTILE, sim -> {
            List<String> lines = lines(12);
            ExitStatus[] status = new ExitStatus[1];
            String[] out = converse(sim, lines, status);
            for (String line : out) {
                assertTrue(line.startsWith("> ") || line.equals(">") || line.startsWith("[" + FIXED.now() + "] line number "),
                        "a prompt or a whole reply: " + line);
            }
            if (status[0].code() == ExitStatus.OK) {
                assertEquals(24, out.length - 1, "all twelve replies");
            } else {
                assertTrue(status[0].message() != null && !status[0].message().isEmpty(), "says why it ended");
            }
        });
    }
}
