package io.twine.testing.sim;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs a scenario over many seeds, each in a fresh {@link Simulation}, and turns a failure into a
 * message that names the seed and the one command that replays it:
 *
 * <pre>{@code
 * @Test
 * void echoSurvivesAHostileNetwork() {
 *     Simulations.run(20, FaultProfile.HOSTILE, sim -> { ... sim.finish(); });
 * }
 * }</pre>
 *
 * <p>Which seeds run: {@code -Dtwine.sim.seed=N} runs seed N alone (the replay);
 * {@code -Dtwine.sim.seeds=N} runs N random seeds (a long run); otherwise seeds 1 to the count the
 * test gives, so that {@code mvn verify} is the same on every machine.
 *
 * <p>Thread: runs the scenario on the caller's thread, which becomes the simulation's.
 */
public final class Simulations {

    /** The system property that replays one seed. */
    public static final String SEED_PROPERTY = "twine.sim.seed";
    /** The system property that asks for that many random seeds instead of the fixed ones. */
    public static final String SEEDS_PROPERTY = "twine.sim.seeds";

    private Simulations() {}

    /**
     * The seeds to run, as the class comment says.
     *
     * @param defaultCount how many fixed seeds (1, 2, ...) to run when no property is set
     * @return the seeds, in the order to run them
     */
    public static long[] seeds(int defaultCount) {
        String one = System.getProperty(SEED_PROPERTY);
        if (one != null && !one.isBlank()) {
            return new long[] {Long.parseLong(one.trim())};
        }
        String many = System.getProperty(SEEDS_PROPERTY);
        if (many != null && !many.isBlank()) {
            SplittableRandom source = new SplittableRandom();
            long[] seeds = new long[Integer.parseInt(many.trim())];
            for (int i = 0; i < seeds.length; i++) {
                seeds[i] = source.nextLong() & Long.MAX_VALUE;
            }
            return seeds;
        }
        long[] seeds = new long[defaultCount];
        for (int i = 0; i < defaultCount; i++) {
            seeds[i] = i + 1;
        }
        return seeds;
    }

    /**
     * Runs {@code scenario} once per seed of {@link #seeds(int)}, each on a new simulation with
     * {@code faults}.
     *
     * @param defaultCount how many fixed seeds to run when no property is set
     * @param faults the profile of every run
     * @param scenario builds and checks one run, on the calling thread
     * @return how many seeds ran
     * @throws SimulationFailure for the first seed that failed: its message has the seed, the
     *     command that replays it, what failed and the run's last events; the cause is what the
     *     scenario threw
     */
    public static int run(int defaultCount, FaultProfile faults, Consumer<Simulation> scenario) {
        StackWalker.StackFrame caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.filter(frame -> frame.getDeclaringClass() != Simulations.class).findFirst())
                .orElseThrow();
        long[] seeds = seeds(defaultCount);
        for (long seed : seeds) {
            Simulation simulation = new Simulation(seed, faults);
            try {
                scenario.accept(simulation);
            } catch (Throwable failure) {
                String what = failure instanceof SimulationFailure ? failure.getMessage()
                        : failure + "\nlast " + SimulationFailure.EVENTS_SHOWN + " events:\n"
                                + simulation.log().tail(SimulationFailure.EVENTS_SHOWN);
                throw new SimulationFailure("seed " + seed + " failed; replay with:\n  " + replayCommand(caller, seed)
                        + "\n" + what, failure);
            }
        }
        return seeds.length;
    }

    /** The Maven command that runs the calling test again with {@code seed} alone. */
    static String replayCommand(StackWalker.StackFrame caller, long seed) {
        Class<?> testClass = caller.getDeclaringClass();
        while (testClass.getEnclosingClass() != null) {
            testClass = testClass.getEnclosingClass();
        }
        String method = caller.getMethodName();
        if (method.startsWith("lambda$") && method.indexOf('$', 7) > 7) {
            method = method.substring(7, method.indexOf('$', 7));  // a lambda inside the test method: javac names it after it
        }
        String module = moduleDirectory(testClass);
        return "mvn -B" + (module == null ? "" : " -pl " + module + " -am") + " test -Dtest=" + testClass.getName()
                + "#" + method + " -Dsurefire.failIfNoSpecifiedTests=false -D" + SEED_PROPERTY + "=" + seed;
    }

    /** The Maven module the class was compiled in ({@code reactor} from {@code reactor/target/test-classes}), or null. */
    private static String moduleDirectory(Class<?> type) {
        try {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path classes = Path.of(source.getLocation().toURI());
            Path target = classes.getParent();
            if (target == null || !target.getFileName().toString().equals("target")) {
                return null;
            }
            Path module = target.getParent();
            boolean multiModule = module.getParent() != null && Files.exists(module.getParent().resolve("pom.xml"));
            return multiModule ? module.getFileName().toString() : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
