package io.twine.samples.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleArgsTest {

    private static final OptionSpec LIMIT = new OptionSpec("limit", "N", "a limit", "10");
    private static final List<OptionSpec> SPECS = List.of(OptionSpec.SERVER_HOST, OptionSpec.SERVER_PORT, LIMIT);

    @Test
    void defaultsAreLoopbackAndTheSeedsPort() throws Exception {
        InetSocketAddress address = SampleArgs.parse(SPECS, List.of()).address();
        assertEquals("127.0.0.1", address.getAddress().getHostAddress());
        assertEquals(21567, address.getPort());
    }

    @Test
    void bothOptionFormsAreAccepted() throws Exception {
        SampleArgs args = SampleArgs.parse(SPECS, List.of("--port", "4000", "--limit=7"));
        assertEquals(4000, args.port());
        assertEquals(7, args.number("limit", 0, 100));
    }

    @Test
    void unknownOptionIsNamed() {
        UsageException e = assertThrows(UsageException.class, () -> SampleArgs.parse(SPECS, List.of("--prot", "1")));
        assertEquals("unknown option --prot", e.getMessage());
    }

    @Test
    void missingValueSaysWhatIsExpected() {
        UsageException e = assertThrows(UsageException.class, () -> SampleArgs.parse(SPECS, List.of("--port")));
        assertEquals("option --port needs a value (--port P)", e.getMessage());
    }

    @Test
    void portOutOfRangeOrNotANumberIsRefused() {
        assertEquals("--port must be between 0 and 65535, got 65536",
                assertThrows(UsageException.class, () -> SampleArgs.parse(SPECS, List.of("--port", "65536"))).getMessage());
        assertEquals("--port must be a whole number, got 'http'",
                assertThrows(UsageException.class, () -> SampleArgs.parse(SPECS, List.of("--port", "http"))).getMessage());
    }

    @Test
    void repeatedOptionAndStrayWordsAreRefused() {
        assertThrows(UsageException.class, () -> SampleArgs.parse(SPECS, List.of("--port", "1", "--port", "2")));
        assertThrows(UsageException.class, () -> SampleArgs.parse(SPECS, List.of("4000")));
    }

    @Test
    void helpSkipsValidation() throws Exception {
        assertTrue(SampleArgs.parse(SPECS, List.of("--port", "nope", "--help")).helpRequested());
    }
}
