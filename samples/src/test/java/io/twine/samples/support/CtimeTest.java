package io.twine.samples.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class CtimeTest {

    @Test
    void singleDigitDayIsPaddedWithASpaceAsInPythonsCtime() {
        assertEquals("Mon Jun  4 11:20:46 2018", Ctime.format(LocalDateTime.of(2018, 6, 4, 11, 20, 46)));
    }

    @Test
    void twoDigitDayAndSingleDigitHourKeepTheirWidths() {
        assertEquals("Tue Dec 25 09:05:07 2018", Ctime.format(LocalDateTime.of(2018, 12, 25, 9, 5, 7)));
    }

    @Test
    void namesAreEnglishWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("Sat Sep  1 00:00:00 2018", Ctime.format(LocalDateTime.of(2018, 9, 1, 0, 0, 0)));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void nowIsInTheClocksZoneLikeLocalTime() {
        Instant instant = LocalDateTime.of(2018, 6, 4, 11, 20, 46).toInstant(ZoneOffset.UTC);
        Ctime tokyo = new Ctime(Clock.fixed(instant, ZoneId.of("Asia/Tokyo")));
        assertEquals("Mon Jun  4 20:20:46 2018", tokyo.now());
        assertEquals(instant, tokyo.parse(tokyo.now()).toInstant());
    }
}
