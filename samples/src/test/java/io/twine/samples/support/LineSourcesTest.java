package io.twine.samples.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.testing.ManualClock;
import io.twine.testing.ReactorThread;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LineSourcesTest {

    /** Records what a source delivers. */
    private static final class Recorder implements LineSource.Listener {
        final List<String> lines = new ArrayList<>();
        boolean ended;
        Thread thread;

        @Override
        public void lineRead(String line) {
            lines.add(line);
            thread = Thread.currentThread();
        }

        @Override
        public void inputEnded() {
            ended = true;
            thread = Thread.currentThread();
        }
    }

    @Test
    void scriptedLinesArriveOnePauseAfterEachRequestThenInputEnds() {
        ManualClock clock = new ManualClock();
        ScriptedLineSource source = new ScriptedLineSource(clock, List.of("a", ""), Duration.ofMillis(100));
        Recorder recorder = new Recorder();
        source.requestLine(recorder);
        clock.advance(Duration.ofMillis(99));
        assertEquals(List.of(), recorder.lines);
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of("a"), recorder.lines);
        source.requestLine(recorder);
        clock.advance(Duration.ofMillis(100));
        source.requestLine(recorder);
        clock.advance(Duration.ofMillis(100));
        assertEquals(List.of("a", ""), recorder.lines);
        assertTrue(recorder.ended);
    }

    @Test
    void closedScriptedSourceDeliversNothing() {
        ManualClock clock = new ManualClock();
        ScriptedLineSource source = new ScriptedLineSource(clock, List.of("a"), Duration.ZERO);
        Recorder recorder = new Recorder();
        source.requestLine(recorder);
        source.close();
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), recorder.lines);
        assertFalse(recorder.ended);
    }

    @Test
    void stdinLinesAreDeliveredOnTheLoopThreadOnlyWhenAsked() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            StdinLineSource source = new StdinLineSource(
                    new ByteArrayInputStream("héllo\r\nworld\n".getBytes(StandardCharsets.UTF_8)), rt.reactor(), false);
            Recorder recorder = new Recorder();
            for (int i = 0; i < 3; i++) {
                CompletableFuture<Void> delivered = new CompletableFuture<>();
                rt.run(() -> source.requestLine(new LineSource.Listener() {
                    @Override
                    public void lineRead(String line) {
                        recorder.lineRead(line);
                        delivered.complete(null);
                    }

                    @Override
                    public void inputEnded() {
                        recorder.inputEnded();
                        delivered.complete(null);
                    }
                }));
                ReactorThread.await(delivered);
                assertEquals(rt.thread(), recorder.thread);
            }
            assertEquals(List.of("héllo", "world"), recorder.lines);
            assertTrue(recorder.ended);
            rt.run(source::close);
        }
    }

    @Test
    void promptEchoesLinesThatNobodyTyped() {
        ManualClock clock = new ManualClock();
        CapturedOutput out = new CapturedOutput();
        PrintStream stream = out.printStream();
        Prompt prompt = new Prompt(new ScriptedLineSource(clock, List.of("Hello"), Duration.ZERO), stream);
        Recorder recorder = new Recorder();
        prompt.ask(recorder);
        prompt.ask(recorder);  // a second ask while waiting is ignored: one prompt, one line
        assertTrue(prompt.isAsking());
        clock.advance(Duration.ZERO);
        prompt.ask(recorder);
        clock.advance(Duration.ZERO);
        assertEquals("> Hello\n> \n", out.text());
        assertEquals(List.of("Hello"), recorder.lines);
        assertTrue(recorder.ended);
    }
}
