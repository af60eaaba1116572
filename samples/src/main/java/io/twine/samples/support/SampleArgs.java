package io.twine.samples.support;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options given to one sample, checked against the {@link OptionSpec}s it declares: every
 * option known, every value present and well formed, defaults filled in.
 *
 * <p>Accepted forms: {@code --name value}, {@code --name=value}, and {@code --help} / {@code -h}.
 *
 * <p>Immutable once parsed.
 */
public final class SampleArgs {

    private final Map<String, String> values;
    private final boolean helpRequested;

    private SampleArgs(Map<String, String> values, boolean helpRequested) {
        this.values = values;
        this.helpRequested = helpRequested;
    }

    /**
     * Parses {@code args} (the words after the sample's name).
     *
     * @throws UsageException naming the option that is unknown, repeated or lacks its value
     */
    public static SampleArgs parse(List<OptionSpec> specs, List<String> args) throws UsageException {
        Map<String, OptionSpec> known = new LinkedHashMap<>();
        for (OptionSpec spec : specs) {
            known.put(spec.name(), spec);
        }
        Map<String, String> given = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String word = args.get(i);
            if (word.equals("--help") || word.equals("-h")) {
                help = true;
                continue;
            }
            if (!word.startsWith("--") || word.length() == 2) {
                throw new UsageException("unexpected argument '" + word + "'");
            }
            String name = word.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (!known.containsKey(name)) {
                throw new UsageException("unknown option --" + name);
            }
            if (value == null && known.get(name).isFlag()) {
                value = "true";
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("option --" + name + " needs a value (" + known.get(name).usage() + ")");
                }
                value = args.get(++i);
            }
            if (given.put(name, value) != null) {
                throw new UsageException("option --" + name + " given twice");
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (OptionSpec spec : specs) {
            values.put(spec.name(), given.getOrDefault(spec.name(), spec.defaultValue()));
        }
        SampleArgs parsed = new SampleArgs(values, help);
        if (!help) {
            parsed.validate();
        }
        return parsed;
    }

    /** Every option at its default: how the demo starts samples. */
    public static SampleArgs defaults(List<OptionSpec> specs) {
        try {
            return parse(specs, List.of());
        } catch (UsageException e) {
            throw new IllegalArgumentException("a default value is invalid: " + e.getMessage(), e);
        }
    }

    private void validate() throws UsageException {
        if (values.containsKey("port")) {
            port();
        }
    }

    /** True when {@code --help} was given: print the sample's help instead of running it. */
    public boolean helpRequested() {
        return helpRequested;
    }

    /** The value of option {@code name} (given or default). */
    public String string(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("this sample declares no option --" + name);
        }
        return value;
    }

    /** Whether the sample declares option {@code name} (so that {@link #string} answers for it). */
    public boolean declares(String name) {
        return values.containsKey(name);
    }

    /** Whether the flag option {@code name} was given. */
    public boolean flag(String name) {
        return Boolean.parseBoolean(string(name));
    }

    /**
     * The value of {@code name} as a number in {@code [min, max]}.
     *
     * @throws UsageException if it is not a whole number in that range
     */
    public long number(String name, long min, long max) throws UsageException {
        String text = string(name);
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + text + "'");
        }
        if (value < min || value > max) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** {@code --port}: 0 to 65535. */
    public int port() throws UsageException {
        return (int) number("port", 0, 65_535);
    }

    /**
     * Where a stream sample listens or connects: the Unix domain socket of {@code --unix} when
     * the sample declares it and it is given, else {@code --host} and {@code --port}.
     *
     * @throws UsageException as {@link #address()}
     */
    public SocketAddress streamAddress() throws UsageException {
        String unix = values.get("unix");
        if (unix != null && !unix.equals(TraceFile.OFF)) {
            if (unix.isEmpty()) {
                throw new UsageException("--unix needs a path");
            }
            return UnixDomainSocketAddress.of(unix);
        }
        return address();
    }

    /**
     * {@code --host} and {@code --port} as an address, the host resolved.
     *
     * @throws UsageException if the host cannot be resolved or the port is out of range
     */
    public InetSocketAddress address() throws UsageException {
        String host = string("host");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port());
        } catch (UnknownHostException e) {
            throw new UsageException("cannot resolve --host '" + host + "'");
        }
    }
}
