package io.twine.samples.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test helper: the layout of the seed's {@code [ctime] text} replies, checked exactly. */
public final class SeedReplies {

    /** A ctime in Python's layout, as a capturing group. */
    public static final String CTIME = "([A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3]\\d \\d{2}:\\d{2}:\\d{2} \\d{4})";

    private SeedReplies() {}

    /** The regular expression of a reply to {@code text}: {@code [ctime] text}. */
    public static String reply(String text) {
        return "\\[" + CTIME + "\\] " + Pattern.quote(text);
    }

    /**
     * Asserts that {@code line} is exactly {@code [ctime] text} and that the ctime is the local
     * time of now, give or take a minute (both sides run on this machine).
     */
    public static void assertReply(String text, String line) {
        Matcher matcher = Pattern.compile(reply(text)).matcher(line);
        assertTrue(matcher.matches(), "expected [ctime] " + text + ", got: " + line);
        ZonedDateTime stamped = Ctime.local().parse(matcher.group(1));
        Duration off = Duration.between(stamped, ZonedDateTime.now()).abs();
        assertTrue(off.compareTo(Duration.ofMinutes(1)) < 0, "the ctime " + matcher.group(1) + " is not local now");
    }
}
