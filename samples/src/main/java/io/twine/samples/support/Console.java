package io.twine.samples.support;

import io.twine.reactor.Reactor;
import io.twine.reactor.ReactorGroup;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The world outside a sample: where its input comes from, where its output and errors go, and
 * who wants to know about the reactor it runs (or its group of loops, with {@code --loops N}).
 * The launcher passes {@link #system()}; tests pass their own streams and take the reactor (or
 * the group) to stop a server.
 *
 * <p>Immutable; the streams themselves are used from the loop thread (and the input from its
 * reader thread).
 */
public final class Console {

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final Consumer<Reactor> reactorListener;
    private final Consumer<ReactorGroup> groupListener;

    private Console(InputStream in, PrintStream out, PrintStream err, boolean terminal, Consumer<Reactor> reactorListener,
            Consumer<ReactorGroup> groupListener) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.terminal = terminal;
        this.reactorListener = Objects.requireNonNull(reactorListener, "reactorListener");
        this.groupListener = Objects.requireNonNull(groupListener, "groupListener");
    }

    /**
     * Standard input, output and error, in UTF-8 (Java 17 would otherwise follow the locale,
     * and a POSIX locale turns every non-ASCII character into '?'). Input counts as typed at a
     * terminal when the JVM has a console.
     */
    public static Console system() {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        return new Console(System.in, out, err, System.console() != null, reactor -> { }, group -> { });
    }

    /** Given streams, input not from a terminal: what tests use. */
    public static Console of(InputStream in, PrintStream out, PrintStream err) {
        return new Console(in, out, err, false, reactor -> { }, group -> { });
    }

    /**
     * A copy whose samples hand {@code listener} their reactor just before running it, so that
     * the caller (a test) can stop a server with {@link Reactor#stop()}. Called on the sample's
     * thread.
     */
    public Console onReactor(Consumer<Reactor> listener) {
        return new Console(in, out, err, terminal, listener, groupListener);
    }

    /** Where input lines come from (read by a line source's thread). */
    public InputStream in() {
        return in;
    }

    /** Where the sample's output goes. */
    public PrintStream out() {
        return out;
    }

    /** Where one-line errors go. */
    public PrintStream err() {
        return err;
    }

    /** True when a person types the input at a terminal (see {@link LineSource#isTerminal()}). */
    public boolean isTerminal() {
        return terminal;
    }

    /**
     * A copy that tells {@code listener} about the reactor too, after the listeners this console
     * already has.
     */
    public Console alsoOnReactor(Consumer<Reactor> listener) {
        Objects.requireNonNull(listener, "listener");
        return new Console(in, out, err, terminal, reactorListener.andThen(listener), groupListener);
    }

    /** Tells the listener given to {@link #onReactor} about {@code reactor}. */
    public void reactorReady(Reactor reactor) {
        reactorListener.accept(reactor);
    }

    /**
     * A copy whose server samples on several loops ({@code --loops N}) hand {@code listener} their
     * group just before starting it (a test stops it with {@link ReactorGroup#stop()}).
     */
    public Console onGroup(Consumer<ReactorGroup> listener) {
        return new Console(in, out, err, terminal, reactorListener, listener);
    }

    /** A copy that tells {@code listener} about the group too, after the listeners this console already has. */
    public Console alsoOnGroup(Consumer<ReactorGroup> listener) {
        Objects.requireNonNull(listener, "listener");
        return new Console(in, out, err, terminal, reactorListener, groupListener.andThen(listener));
    }

    /** Tells the listeners given to {@link #onGroup} and {@link #alsoOnGroup} about {@code group}, before it starts. */
    public void groupReady(ReactorGroup group) {
        groupListener.accept(group);
    }
}
