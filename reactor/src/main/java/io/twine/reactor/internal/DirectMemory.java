package io.twine.reactor.internal;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * How much direct memory this JVM may allocate: {@code -XX:MaxDirectMemorySize} when it was
 * given, else the JVM's default, which is the maximum heap size. The JDK keeps the real figure
 * in an internal class; the command line and {@link Runtime#maxMemory()} give it with public API.
 */
public final class DirectMemory {

    private static final String OPTION = "-XX:MaxDirectMemorySize=";
    private static volatile long max;

    private DirectMemory() {}

    /** The limit in bytes, read once. */
    public static long max() {
        long known = max;
        if (known == 0) {
            known = read();
            max = known;
        }
        return known;
    }

    private static long read() {
        long found = 0;
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith(OPTION)) {
                found = parseSize(argument.substring(OPTION.length()));  // the last one wins, as in the JVM
            }
        }
        return found > 0 ? found : Runtime.getRuntime().maxMemory();
    }

    /** {@code 64m}, {@code 1G}, {@code 65536}: the JVM's size syntax; 0 if it cannot be read. */
    static long parseSize(String size) {
        String s = size.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k': unit = 1L << 10; break;
                case 'm': unit = 1L << 20; break;
                case 'g': unit = 1L << 30; break;
                case 't': unit = 1L << 40; break;
                default: unit = 0; break;
            }
            if (unit != 0) {
                s = s.substring(0, s.length() - 1);
            } else {
                unit = 1;
            }
        }
        try {
            return Long.parseLong(s) * unit;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
