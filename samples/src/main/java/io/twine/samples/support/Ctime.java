package io.twine.samples.support;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.Objects;

/**
 * The time in the layout of Python's {@code time.ctime()}: {@code Mon Jun  4 11:20:46 2018},
 * English names whatever the locale, the day of the month padded with a space to two characters,
 * in the clock's time zone (local time for {@link #local()}, as {@code ctime()} uses).
 *
 * <p>Immutable; safe on any thread.
 */
public final class Ctime {

    private static final DateTimeFormatter LAYOUT = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.US);

    private final Clock clock;

    /** A ctime that reads {@code clock}; tests pass a fixed clock. */
    public Ctime(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The system clock in the default time zone: what {@code time.ctime()} prints. Formats the
     * time once, so that the time-zone rules and the English day and month names are loaded now,
     * when a server is set up, and not by its first client's request on the loop thread (about
     * 60 ms, the first read of {@code tcp-server} in {@code demo --trace}).
     */
    public static Ctime local() {
        Ctime ctime = new Ctime(Clock.systemDefaultZone());
        ctime.now();
        return ctime;
    }

    /** The current time, as {@code time.ctime()} would print it. */
    public String now() {
        return format(ZonedDateTime.now(clock));
    }

    /** {@code time} (which needs a date and a time of day) in the ctime layout. */
    public static String format(TemporalAccessor time) {
        return LAYOUT.format(time);
    }

    /** Reads a ctime string back in {@code clock}'s zone; tests use it to check a server's clock. */
    public ZonedDateTime parse(String ctime) {
        return java.time.LocalDateTime.parse(ctime, LAYOUT).atZone(clock.getZone());
    }
}
