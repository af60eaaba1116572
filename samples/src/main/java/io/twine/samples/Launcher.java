package io.twine.samples;

import io.twine.samples.support.Console;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.OptionSpec;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.TraceFile;
import io.twine.samples.support.UsageException;
import java.util.Arrays;
import java.util.List;

/**
 * The samples' one entry point:
 * {@code java -jar twine-samples.jar NAME [--host H] [--port P] ...}, or {@code --help} for the
 * list. Bad options get one line on standard error and exit code 2. Every sample also takes
 * {@code --trace FILE}, which the launcher handles for all of them (see {@link TraceFile}).
 *
 * <p>{@link #run} does everything but exit, so tests drive the launcher in-process.
 */
public final class Launcher {

    private static final String PROGRAM = "twine-samples";

    private Launcher() {}

    /** Runs the sample named by {@code args[0]} on the real console, then exits with its code. */
    public static void main(String[] args) {
        System.exit(run(SampleCatalog.standard(), args, Console.system()));
    }

    /**
     * Runs the sample {@code args} names, on {@code console}.
     *
     * @return the exit code: the sample's, 0 for help, {@link ExitStatus#USAGE} for bad arguments
     */
    public static int run(SampleCatalog catalog, String[] args, Console console) {
        if (args.length == 0) {
            console.err().println(PROGRAM + ": name a sample to run, or --help to list them (try: demo)");
            return ExitStatus.USAGE;
        }
        String name = args[0];
        if (name.equals("--help") || name.equals("-h") || name.equals("help")) {
            catalog.printHelp(console.out());
            return ExitStatus.OK;
        }
        Sample sample = catalog.find(name);
        if (sample == null) {
            console.err().println(PROGRAM + ": no sample named '" + name + "'; --help lists them");
            return ExitStatus.USAGE;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        SampleArgs parsed;
        try {
            parsed = SampleArgs.parse(sample.options(), rest);
        } catch (UsageException e) {
            console.err().println(PROGRAM + " " + name + ": " + e.getMessage() + " (" + name + " --help lists its options)");
            return ExitStatus.USAGE;
        }
        if (parsed.helpRequested()) {
            SampleCatalog.printSample(console.out(), sample);
            return ExitStatus.OK;
        }
        Console forSample = TraceFile.forOption(parsed.string(OptionSpec.TRACE.name()), name, console);
        return sample.runner().run(parsed, forSample);
    }
}
