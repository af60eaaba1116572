package io.twine.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what one {@link System.Logger} logs (through its default backend,
 * {@code java.util.logging}) while open, instead of printing it: for tests that provoke a
 * warning on purpose and check it, without leaving it on the build's console. Shared with the
 * other modules' tests through this module's test jar, in a package of its own: in a package the
 * library also has, the library's module would hide it from them.
 */
public final class CapturedLog implements AutoCloseable {

    /** Held here: {@code java.util.logging} keeps loggers only weakly, and would drop the handler with it. */
    private final Logger logger;
    private final boolean usedParentHandlers;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() { }

        @Override
        public void close() { }
    };

    private CapturedLog(String name) {
        logger = Logger.getLogger(name);
        usedParentHandlers = logger.getUseParentHandlers();
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
    }

    /** Starts capturing the logger {@code name}. */
    public static CapturedLog of(String name) {
        return new CapturedLog(name);
    }

    /** The messages logged so far, oldest first. */
    public List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(usedParentHandlers);
    }
}
