package io.twine.transport.endpoints;

import java.math.BigDecimal;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The fields of one endpoint type, read from a {@link EndpointDescription}: positional values
 * take the names in order, named fields must be among the names, and each reader checks its
 * value and says what it expected when the value is wrong.
 */
final class EndpointFields {

    private final EndpointDescription description;
    private final String what;
    private final Map<String, String> values = new HashMap<>();

    /**
     * @param what the endpoint's kind for messages, such as "a tcp server"
     * @param names the fields it takes, positional ones first
     */
    EndpointFields(EndpointDescription description, String what, String... names) {
        this.description = description;
        this.what = what;
        List<String> known = Arrays.asList(names);
        List<String> positional = description.positional();
        if (positional.size() > names.length) {
            throw bad("expected at most " + names.length + " values without a name (" + String.join(", ", names)
                    + ") for " + what + ", got " + positional.size());
        }
        for (int i = 0; i < positional.size(); i++) {
            values.put(names[i], positional.get(i));
        }
        for (Map.Entry<String, String> field : description.fields().entrySet()) {
            String name = field.getKey();
            if (!known.contains(name)) {
                throw bad("unknown field '" + name + "' for " + what + ": expected " + String.join(", ", names));
            }
            if (values.put(name, field.getValue()) != null) {
                throw bad("field '" + name + "' is given twice (once by position, once by name)");
            }
        }
    }

    IllegalArgumentException bad(String message) {
        return new IllegalArgumentException("bad endpoint '" + description.text() + "': " + message);
    }

    private IllegalArgumentException badField(String name, String expected, String got) {
        return bad("field '" + name + "' expected " + expected + ", got '" + got + "'");
    }

    private String required(String name) {
        String value = values.get(name);
        if (value == null) {
            throw bad("field '" + name + "' is required for " + what);
        }
        return value;
    }

    /** A port number, 0 (any free port, for servers) to 65535. */
    int port(String name, boolean allowZero) {
        String value = required(name);
        int low = allowZero ? 0 : 1;
        String expected = "a port number from " + low + " to 65535";
        int port = parseInt(name, value, expected);
        if (port < low || port > 65535) {
            throw badField(name, expected, value);
        }
        return port;
    }

    /** A count, 0 or more, or {@code fallback} when absent. */
    int nonNegativeInt(String name, int fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        int n = parseInt(name, value, "a whole number, 0 or more");
        if (n < 0) {
            throw badField(name, "a whole number, 0 or more", value);
        }
        return n;
    }

    private int parseInt(String name, String value, String expected) {
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(Character::isDigit)) {
            throw badField(name, expected, value);
        }
        long n = Long.parseLong(value);
        if (n > Integer.MAX_VALUE) {
            throw badField(name, expected, value);
        }
        return (int) n;
    }

    /** Seconds, whole or decimal, above zero; {@code fallback} when absent. */
    Duration positiveSeconds(String name, Duration fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        String expected = "a number of seconds above 0, such as 5 or 0.5";
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw badField(name, expected, value);
        }
        if (seconds.signum() <= 0 || seconds.compareTo(BigDecimal.valueOf(365L * 24 * 3600)) > 0) {
            throw badField(name, expected + " (at most a year)", value);
        }
        return Duration.ofNanos(seconds.movePointRight(9).longValue());
    }

    /** A non-empty string, required. */
    String text(String name) {
        String value = required(name);
        if (value.isEmpty()) {
            throw badField(name, "a value", value);
        }
        return value;
    }

    /**
     * An IP address literal (never a host name: looking one up would block the loop), of the
     * given family, or {@code fallback} when absent.
     *
     * @param family {@code Inet4Address.class}, {@code Inet6Address.class}, or
     *     {@code InetAddress.class} for either
     */
    InetAddress address(String name, Class<? extends InetAddress> family, InetAddress fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        String expected = family == Inet4Address.class ? "an IPv4 address such as 127.0.0.1"
                : family == Inet6Address.class ? "an IPv6 address such as \\:\\:1 (colons escaped)"
                : "an IP address such as 127.0.0.1 or \\:\\:1 (colons escaped)";
        InetAddress address = IpLiterals.parse(value);
        if (address == null || !family.isInstance(address)) {
            throw badField(name, expected, value);
        }
        return address;
    }

    /** {@code 0} or {@code 1}; {@code fallback} when absent. */
    boolean flag(String name, boolean fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        if (!value.equals("0") && !value.equals("1")) {
            throw badField(name, "0 or 1", value);
        }
        return value.equals("1");
    }

    /** Permission bits written in octal, such as {@code 660}; empty when absent. */
    OptionalInt octalMode(String name) {
        String value = values.get(name);
        if (value == null) {
            return OptionalInt.empty();
        }
        if (value.isEmpty() || value.length() > 4 || !value.chars().allMatch(c -> c >= '0' && c <= '7')
                || Integer.parseInt(value, 8) > 0777) {
            throw badField(name, "permission bits in octal, such as 660", value);
        }
        return OptionalInt.of(Integer.parseInt(value, 8));
    }

    /** A file system path, or null when absent. */
    Path optionalPath(String name) {
        return values.containsKey(name) ? path(name) : null;
    }

    /** A file system path, required; colons in it are written {@code \:}. */
    Path path(String name) {
        String value = text(name);
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw badField(name, "a file path", value);
        }
    }
}
