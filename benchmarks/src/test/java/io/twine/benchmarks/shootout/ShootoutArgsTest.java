package io.twine.benchmarks.shootout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shootout's command line: {@code --help} runs nothing, and a mistyped option is refused. */
class ShootoutArgsTest {

    @Test
    void helpPrintsEveryOptionAndRunsNothing() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            Shootout.main(new String[] {"--help"});  // a run would compile C, start servers and take minutes
        } finally {
            System.setOut(original);
        }
        assertEquals(Shootout.USAGE, printed.toString(StandardCharsets.UTF_8));
        Set<String> options = Args.optionsIn(Shootout.USAGE);
        for (String option : new String[] {"--servers", "--scenarios", "--rounds", "--tls", "--classpath", "--help"}) {
            assertTrue(options.contains(option), option + " is missing from " + options);
        }
    }

    @Test
    void anUnknownOptionIsRefusedWithTheListOfOptions() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Shootout.run(new String[] {"--round", "3"}));
        assertTrue(error.getMessage().startsWith("unknown option --round; the options are ["), error.getMessage());
        assertTrue(error.getMessage().contains("--rounds"), error.getMessage());
    }

    @Test
    void knownOptionsTakeTheirValues() {
        Args args = new Args(new String[] {"--rounds", "3", "--tls"}, Args.optionsIn(Shootout.USAGE));
        assertEquals(3, args.intValue("--rounds", 1));
        assertTrue(args.flag("--tls"));
    }
}
