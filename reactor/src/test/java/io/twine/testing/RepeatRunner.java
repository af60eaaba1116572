package io.twine.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs test classes many times in one JVM, as an IDE's "repeat until failure" does, to find
 * tests that depend on timing, order or state left behind by an earlier run. Not a test itself.
 *
 * <p>{@code java -cp CLASSPATH io.twine.testing.RepeatRunner TIMES CLASS...}, where CLASSPATH
 * is the test class path of the module that holds the classes followed by this module's (which
 * holds this runner and the launcher): Surefire writes each into the module's reports, as the
 * property {@code surefire.test.class.path} of {@code target/surefire-reports/TEST-*.xml}. It
 * prints one line per class and every failure of each failed run, and exits with 1 if any run
 * failed.
 */
public final class RepeatRunner {

    private RepeatRunner() {}

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: RepeatRunner TIMES CLASS...");
            System.exit(2);
        }
        int times = Integer.parseInt(args[0]);
        Launcher launcher = LauncherFactory.create();
        boolean allPassed = true;
        for (int c = 1; c < args.length; c++) {
            int failedRuns = 0;
            long tests = 0;
            long skipped = 0;
            List<String> failures = new ArrayList<>();
            long started = System.nanoTime();
            for (int run = 1; run <= times; run++) {
                SummaryGeneratingListener listener = new SummaryGeneratingListener();
                launcher.execute(request().selectors(selectClass(args[c])).build(), listener);
                TestExecutionSummary summary = listener.getSummary();
                tests += summary.getTestsFoundCount();
                skipped += summary.getTestsSkippedCount() + summary.getTestsAbortedCount();
                if (summary.getTotalFailureCount() > 0 || summary.getTestsFoundCount() == 0) {
                    failedRuns++;
                    for (TestExecutionSummary.Failure failure : summary.getFailures()) {
                        failures.add("  run " + run + ": " + failure.getTestIdentifier().getDisplayName() + ": "
                                + failure.getException());
                    }
                }
            }
            allPassed &= failedRuns == 0;
            System.out.printf("%s: %d of %d runs passed (%d tests, %d skipped or aborted, %.1f s)%n", args[c],
                    times - failedRuns, times, tests, skipped, (System.nanoTime() - started) / 1e9);
            failures.forEach(System.out::println);
            System.out.flush();
        }
        System.exit(allPassed ? 0 : 1);
    }
}
