package io.twine.transport.udp;

import io.twine.reactor.ErrorReporter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** An error reporter that keeps what it is told, so a test can assert an error was reported. */
final class ErrorCollector implements ErrorReporter {

    /** One report. */
    static final class Report {
        final String context;
        final Throwable error;

        Report(String context, Throwable error) {
            this.context = context;
            this.error = error;
        }
    }

    final BlockingQueue<Report> reports = new LinkedBlockingQueue<>();

    @Override
    public void report(String context, Throwable error) {
        reports.add(new Report(context, error));
    }
}
