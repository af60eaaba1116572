package io.twine.samples.support;

import java.io.PrintStream;
import java.util.Objects;

/**
 * The clients' {@code input('> ')}: prints the prompt, asks the {@link LineSource} for a line,
 * and, when nobody typed it at a terminal, prints the line after the prompt so the output reads
 * like the seed's transcripts ({@code > Hello}).
 *
 * <p>Thread: loop only.
 */
public final class Prompt {

    /** The seed's prompt. */
    public static final String PROMPT = "> ";

    private final LineSource source;
    private final PrintStream out;
    private boolean asking;

    /** A prompt on {@code out} for lines from {@code source}. */
    public Prompt(LineSource source, PrintStream out) {
        this.source = Objects.requireNonNull(source, "source");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Prompts and asks for one line for {@code listener}. Does nothing while an earlier question
     * is still waiting for its line, so a reply that arrives in two chunks prompts only once.
     */
    public void ask(LineSource.Listener listener) {
        if (asking) {
            return;
        }
        asking = true;
        out.print(PROMPT);
        out.flush();
        source.requestLine(new LineSource.Listener() {
            @Override
            public void lineRead(String line) {
                asking = false;
                if (!source.isTerminal()) {
                    out.println(line);
                }
                listener.lineRead(line);
            }

            @Override
            public void inputEnded() {
                asking = false;
                out.println();
                listener.inputEnded();
            }
        });
    }

    /** True while a line has been asked for and not yet delivered. */
    public boolean isAsking() {
        return asking;
    }

    /** Stops the line source: the conversation is over. */
    public void close() {
        source.close();
    }
}
