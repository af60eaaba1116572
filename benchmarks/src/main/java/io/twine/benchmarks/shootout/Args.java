package io.twine.benchmarks.shootout;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --name value} and {@code --flag} command-line options, checked as they are read: an
 * option the program does not know is an error, not a silent default (a mistyped
 * {@code --round 3} must not run one round, nor {@code --help} a whole shootout).
 */
final class Args {

    /** An option at the start of a usage line: two spaces, then {@code --name}. */
    private static final Pattern USAGE_OPTION = Pattern.compile("(?m)^  (--[a-z-]+)");

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    /** Any {@code --option}: for the child programs, whose arguments the shootout itself writes. */
    Args(String[] argv) {
        this(argv, null);
    }

    /** Only the {@code known} options (null: any); anything else is an error naming them. */
    Args(String[] argv, Set<String> known) {
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': options start with --");
            }
            if (known != null && !known.contains(arg)) {
                throw new IllegalArgumentException("unknown option " + arg + "; the options are " + known);
            }
            if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                values.put(arg, argv[++i]);
            } else {
                flags.add(arg);
            }
        }
    }

    /** The options a usage text lists, one per line that starts with two spaces and {@code --}. */
    static Set<String> optionsIn(String usage) {
        Set<String> options = new TreeSet<>();
        Matcher matcher = USAGE_OPTION.matcher(usage);
        while (matcher.find()) {
            options.add(matcher.group(1));
        }
        return options;
    }

    String value(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int intValue(String name, int fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a whole number, got '" + value + "'", e);
        }
    }

    double doubleValue(String name, double fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, got '" + value + "'", e);
        }
    }

    boolean flag(String name) {
        return flags.contains(name);
    }
}
