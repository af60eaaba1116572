package io.twine.samples;

import io.twine.samples.support.ClientCommand;
import io.twine.samples.support.ClientStarter;
import io.twine.samples.support.Console;
import io.twine.samples.support.GroupServerCommand;
import io.twine.samples.support.GroupServerStarter;
import io.twine.samples.support.OptionSpec;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.ServerCommand;
import io.twine.samples.support.ServerStarter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the launcher: a name, a line of help, the options it takes, and what runs it.
 * {@link #server} and {@link #client} build the usual kinds from a starter, with {@code --host}
 * and {@code --port} already declared.
 *
 * <p>Immutable.
 */
public final class Sample {

    /** Runs a sample with its parsed options; returns the process exit code. */
    @FunctionalInterface
    public interface Runner {
        int run(SampleArgs args, Console console);
    }

    private final String name;
    private final String summary;
    private final List<OptionSpec> options;
    private final Runner runner;

    private Sample(String name, String summary, List<OptionSpec> options, Runner runner) {
        this.name = Objects.requireNonNull(name, "name");
        this.summary = Objects.requireNonNull(summary, "summary");
        List<OptionSpec> all = new ArrayList<>(options);
        all.add(OptionSpec.TRACE);  // every sample can be traced; the launcher acts on it
        this.options = List.copyOf(all);
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /** A server: {@code --host} (default 127.0.0.1), {@code --port} (default 21567), then {@code extra}. */
    public static Sample server(String name, String summary, ServerStarter starter, OptionSpec... extra) {
        return server(name, summary, OptionSpec.SERVER_PORT, starter, extra);
    }

    /** A server whose {@code --port} is {@code port} (another default), then {@code extra}. */
    public static Sample server(String name, String summary, OptionSpec port, ServerStarter starter,
            OptionSpec... extra) {
        Objects.requireNonNull(starter, "starter");
        List<OptionSpec> options = new ArrayList<>(List.of(OptionSpec.SERVER_HOST, port));
        options.addAll(Arrays.asList(extra));
        return new Sample(name, summary, options, (args, console) -> ServerCommand.run(name, starter, args, console));
    }

    /**
     * A server that can also serve on several loops: as {@link #server}, plus {@code --loops N},
     * which runs {@code group} on a reactor group when N is above 1.
     */
    public static Sample server(String name, String summary, ServerStarter starter, GroupServerStarter group,
            OptionSpec... extra) {
        Objects.requireNonNull(starter, "starter");
        Objects.requireNonNull(group, "group");
        List<OptionSpec> options = new ArrayList<>(List.of(OptionSpec.SERVER_HOST, OptionSpec.SERVER_PORT,
                GroupServerCommand.LOOPS));
        options.addAll(Arrays.asList(extra));
        return new Sample(name, summary, options,
                (args, console) -> GroupServerCommand.run(name, starter, group, args, console));
    }

    /** A client of a server: {@code --host}, {@code --port}, then {@code extra}; lines from standard input. */
    public static Sample client(String name, String summary, ClientStarter starter, OptionSpec... extra) {
        Objects.requireNonNull(starter, "starter");
        List<OptionSpec> options = new ArrayList<>(List.of(OptionSpec.CLIENT_HOST, OptionSpec.CLIENT_PORT));
        options.addAll(Arrays.asList(extra));
        return new Sample(name, summary, options, (args, console) -> ClientCommand.run(name, starter, args, console));
    }

    /** Anything else, with exactly the options given. */
    public static Sample other(String name, String summary, Runner runner, OptionSpec... options) {
        return new Sample(name, summary, Arrays.asList(options), runner);
    }

    /** The launcher name, e.g. {@code tcp-server}. */
    public String name() {
        return name;
    }

    /** One line for {@code --help}. */
    public String summary() {
        return summary;
    }

    /** The options it accepts, in the order the help shows them. */
    public List<OptionSpec> options() {
        return options;
    }

    /** What runs it. */
    public Runner runner() {
        return runner;
    }
}
