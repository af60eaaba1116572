package io.twine.samples.support;

import java.util.Objects;

/**
 * One {@code --name VALUE} option a sample accepts, with its default and a line of help.
 *
 * <p>Immutable; safe on any thread.
 */
public final class OptionSpec {

    /** Servers: where to listen. The seed binds every interface; we bind loopback unless told. */
    public static final OptionSpec SERVER_HOST = new OptionSpec("host", "H",
            "address to listen on; 0.0.0.0 or :: lets other machines connect", "127.0.0.1");
    /** Clients: the server to connect to. */
    public static final OptionSpec CLIENT_HOST = new OptionSpec("host", "H", "server to connect to", "127.0.0.1");
    /** Servers: the port to listen on; 0 picks a free one. */
    public static final OptionSpec SERVER_PORT = serverPort(21567);
    /**
     * Every sample: record the reactor's last iterations and write them to FILE as a timeline
     * page when the sample ends (see {@link TraceFile}); {@value TraceFile#OFF}, the default,
     * records nothing.
     */
    public static final OptionSpec TRACE = new OptionSpec("trace", "FILE",
            "when the sample ends, write a timeline of the loop's last " + TraceFile.ITERATIONS
                    + " iterations to FILE (one HTML page)", TraceFile.OFF);
    /** Stream servers: a Unix domain socket instead of --host/--port ("off" for none). */
    public static final OptionSpec SERVER_UNIX = new OptionSpec("unix", "PATH",
            "listen on a Unix domain socket at PATH instead of --host/--port", "off");
    /** Stream clients: connect to a Unix domain socket instead of --host/--port ("off" for none). */
    public static final OptionSpec CLIENT_UNIX = new OptionSpec("unix", "PATH",
            "connect to the Unix domain socket at PATH instead of --host/--port", "off");
    /** Clients: the server's port. */
    public static final OptionSpec CLIENT_PORT = new OptionSpec("port", "P", "server port", "21567");

    private final String name;
    private final String valueName;
    private final String description;
    private final String defaultValue;
    private final boolean flag;

    /** Servers: {@code --port}, with {@code defaultPort} when not given (mini-redis listens on Redis's). */
    public static OptionSpec serverPort(int defaultPort) {
        return new OptionSpec("port", "P", "port to listen on (0 picks a free one)", String.valueOf(defaultPort));
    }

    /**
     * @param name without the leading dashes, e.g. {@code "port"}
     * @param valueName how the help shows the value, e.g. {@code "P"}
     * @param defaultValue the value when the option is not given
     */
    public OptionSpec(String name, String valueName, String description, String defaultValue) {
        this(name, valueName, description, defaultValue, false);
    }

    private OptionSpec(String name, String valueName, String description, String defaultValue, boolean flag) {
        this.flag = flag;
        this.name = Objects.requireNonNull(name, "name");
        this.valueName = Objects.requireNonNull(valueName, "valueName");
        this.description = Objects.requireNonNull(description, "description");
        this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
    }

    /** An option without a value, such as {@code --tls}: "true" when given, "false" when not. */
    public static OptionSpec flag(String name, String description) {
        return new OptionSpec(name, "", description, "false", true);
    }

    /** True for an option without a value. */
    public boolean isFlag() {
        return flag;
    }

    /** The name without its dashes. */
    public String name() {
        return name;
    }

    /** How the help names the value. */
    public String valueName() {
        return valueName;
    }

    /** One line for the help. */
    public String description() {
        return description;
    }

    /** The value when the option is not given. */
    public String defaultValue() {
        return defaultValue;
    }

    /** {@code --port P}, as the help shows it. */
    public String usage() {
        return flag ? "--" + name : "--" + name + " " + valueName;
    }
}
