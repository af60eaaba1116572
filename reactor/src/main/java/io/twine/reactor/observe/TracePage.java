package io.twine.reactor.observe;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link LoopTrace} as one self-contained HTML page: an inline SVG timeline, one row per
 * iteration, with no script, stylesheet or font from anywhere else. The page is well-formed
 * XHTML, so an XML parser reads it as readily as a browser.
 *
 * <p>Each row reads left to right as the loop lived it: the row's number and start time; the
 * select wait, grey, on a logarithmic scale (waits run from microseconds to seconds); then the
 * work that followed, coloured by kind, on a linear scale shared by every row; then the same
 * callbacks in words. Hovering a block shows its details; clicking it jumps to the iteration's
 * entry in the table under the timeline.
 *
 * <p>The loops of a group ({@code ReactorGroup}) go on one page with {@link #renderGroup}: first
 * side by side, one lane per loop on one clock, so that what each loop did at the same moment
 * lines up; then each loop's own timeline as above.
 *
 * <p>Thread: any; the trace is immutable.
 */
public final class TracePage {

    private static final int WIDTH = 1340;
    private static final int ROW = 20;
    private static final int BAR = 14;
    private static final int TOP = 58;
    private static final int WAIT_X = 112;
    private static final int WAIT_W = 210;
    private static final int WORK_X = WAIT_X + WAIT_W + 28;
    private static final int WORK_W = 400;
    private static final int TEXT_X = WORK_X + WORK_W + 14;
    /** The wait scale: 1 µs at its left edge, {@value #DECADES} powers of ten across. */
    private static final int DECADES = 7;
    private static final int MAX_LABEL_CHARS = 96;

    private static final String WAIT_COLOUR = "#c9d3da";
    private static final String SLOW_COLOUR = "#d62728";

    private TracePage() {}

    /**
     * Writes the page for {@code trace} to {@code file} (UTF-8), replacing it.
     *
     * @param trace the recorded iterations, from {@code Reactor.trace()}
     * @param title the page's heading
     * @param file where to write; created or replaced
     * @throws IOException if the file cannot be written
     */
    public static void write(LoopTrace trace, String title, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(render(trace, title));
        }
    }

    /**
     * The page for {@code trace}, headed {@code title}.
     *
     * @param trace the recorded iterations, from {@code Reactor.trace()}
     * @param title the page's heading
     * @return a self-contained HTML page
     */
    public static String render(LoopTrace trace, String title) {
        StringBuilder out = new StringBuilder(64 * 1024);
        head(out, title);
        Drawing drawing = new Drawing(trace, out, "i");
        drawing.summary();
        legend(out, trace.slowThresholdNanos());
        drawing.timeline();
        drawing.details("Iterations");
        return tail(out);
    }

    /**
     * Writes the page for the loops of a group to {@code file} (UTF-8), replacing it.
     *
     * @param loops each loop's trace, loop 0 first
     * @param title the page's heading
     * @param file where the page goes
     * @throws IOException if the file cannot be written
     */
    public static void writeGroup(List<LoopTrace> loops, String title, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(renderGroup(loops, title));
        }
    }

    /**
     * The page for the loops of a group, {@code loops.get(i)} being loop {@code i}'s trace: the
     * loops side by side on one clock, then each loop's timeline. The traces must come from one
     * JVM (their times are {@code System.nanoTime()}).
     *
     * @param loops each loop's trace, loop 0 first
     * @param title the page's heading
     * @return the page, well-formed XHTML
     */
    public static String renderGroup(List<LoopTrace> loops, String title) {
        StringBuilder out = new StringBuilder(64 * 1024 * (1 + loops.size()));
        head(out, title);
        long slowest = 0;
        for (LoopTrace trace : loops) {
            slowest = Math.max(slowest, trace.slowThresholdNanos());
        }
        out.append("<p class=\"summary\">").append(loops.size()).append(loops.size() == 1 ? " loop" : " loops")
                .append(", each on its own thread; every connection lives on one of them.</p>\n");
        legend(out, slowest);
        Lanes.draw(out, loops);
        for (int i = 0; i < loops.size(); i++) {
            out.append("<h2 id=\"loop").append(i).append("\">Loop ").append(i).append("</h2>\n");
            Drawing drawing = new Drawing(loops.get(i), out, "l" + i + "i");
            drawing.summary();
            drawing.timeline();
            drawing.details("Iterations of loop " + i);
        }
        return tail(out);
    }

    private static void head(StringBuilder out, String title) {
        out.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"UTF-8\"/>\n<title>").append(esc(title)).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(esc(title)).append("</h1>\n");
    }

    private static String tail(StringBuilder out) {
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    private static void legend(StringBuilder out, long slowThresholdNanos) {
        out.append("<p class=\"legend\">");
        String[][] entries = {
            {WAIT_COLOUR, "select wait"}, {colour("accept"), "accept"}, {colour("connect"), "connect"},
            {colour("read"), "read"}, {colour("write"), "write ready"}, {colour("before select"), "before select (flush)"},
            {colour("timer"), "timer"}, {colour("task"), "task"},
        };
        for (String[] entry : entries) {
            out.append("<span class=\"key\"><span class=\"swatch\" style=\"background:").append(entry[0])
                    .append("\"></span>").append(entry[1]).append("</span>");
        }
        out.append("<span class=\"key\"><span class=\"swatch slow\"></span>slow (over ")
                .append(esc(Durations.format(slowThresholdNanos))).append(")</span>");
        out.append("<span class=\"key\"><span class=\"closed\">\u2715</span> a connection closed</span></p>\n");
    }

    /**
     * The loops of a group side by side: one lane per loop, time running left to right on one
     * linear scale from the first callback recorded to the end of the last (an idle loop's long
     * waits before and after would squeeze the work into a sliver), each select wait grey and
     * each callback in its colour at the moment it ran.
     */
    private static final class Lanes {
        private static final int LABEL_W = 70;
        private static final int LANE = 24;
        private static final int LANE_TOP = 34;

        static void draw(StringBuilder out, List<LoopTrace> loops) {
            long start = Long.MAX_VALUE;
            long end = Long.MIN_VALUE;
            for (LoopTrace trace : loops) {
                for (LoopTrace.Iteration it : trace.iterations()) {
                    for (LoopTrace.Callback cb : it.callbacks()) {
                        start = Math.min(start, cb.startNanos());
                        end = Math.max(end, cb.startNanos() + cb.durationNanos());
                    }
                }
            }
            out.append("<h2>The loops side by side</h2>\n");
            if (start > end) {
                out.append("<p>No loop recorded a callback.</p>\n");
                return;
            }
            long span = Math.max(1, end - start);
            int width = WIDTH - LABEL_W - 20;
            int height = LANE_TOP + loops.size() * LANE + 8;
            out.append("<p class=\"how\">One lane per loop, on one clock: ").append(esc(Durations.format(span)))
                    .append(" from the first callback recorded to the end of the last (each loop keeps only its "
                            + "last iterations, so a lane may start later than another). Grey: waiting in select; "
                            + "colour: a callback. Hover over a bar for its details; click it for its iteration "
                            + "below.</p>\n");
            out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                    .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                    .append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
            for (int q = 0; q <= 4; q++) {
                int x = LABEL_W + q * width / 4;
                out.append("<line x1=\"").append(x).append("\" y1=\"").append(LANE_TOP - 6).append("\" x2=\"").append(x)
                        .append("\" y2=\"").append(height - 4).append("\" class=\"grid\"/>\n")
                        .append("<text x=\"").append(x).append("\" y=\"").append(LANE_TOP - 10)
                        .append("\" text-anchor=\"middle\" class=\"tick\">+")
                        .append(esc(Durations.format(span * q / 4))).append("</text>\n");
            }
            for (int i = 0; i < loops.size(); i++) {
                int y = LANE_TOP + i * LANE;
                out.append("<g class=\"lane\">\n<a href=\"#loop").append(i).append("\"><text x=\"4\" y=\"")
                        .append(y + 12).append("\" class=\"num\">loop ").append(i).append("</text></a>\n");
                for (LoopTrace.Iteration it : loops.get(i).iterations()) {
                    out.append("<a href=\"#l").append(i).append('i').append(it.number()).append("\">");
                    bar(out, start, span, width, it.startNanos(), it.waitNanos(), y, "wait", WAIT_COLOUR,
                            "loop " + i + " #" + it.number() + " waited " + Durations.format(it.waitNanos()));
                    for (LoopTrace.Callback cb : it.callbacks()) {
                        bar(out, start, span, width, cb.startNanos(), cb.durationNanos(), y,
                                "cb cb-" + cb.kind().name().toLowerCase(Locale.ROOT), colour(cb.what()),
                                "loop " + i + " #" + it.number() + " " + describe(cb));
                    }
                    out.append("</a>\n");
                }
                out.append("</g>\n");
            }
            out.append("</svg>\n");
        }

        /** One bar of a lane: {@code nanos} from {@code from}, at least half a pixel wide. */
        private static void bar(StringBuilder out, long start, long span, int width, long from, long nanos, int y,
                String classes, String fill, String title) {
            long shownFrom = Math.max(from, start);
            long shownTo = Math.min(from + nanos, start + span);
            if (shownTo < shownFrom) {
                return;  // a wait wholly before the first callback or after the last
            }
            double x = LABEL_W + (double) (shownFrom - start) * width / span;
            double w = Math.max(0.5, (double) (shownTo - shownFrom) * width / span);
            out.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(y).append("\" width=\"").append(fmt(w))
                    .append("\" height=\"").append(BAR + 2).append("\" class=\"").append(classes).append("\" fill=\"")
                    .append(fill).append("\"><title>").append(esc(title)).append("</title></rect>");
        }
    }

    /** One loop's trace being drawn: the scales worked out once, then the rows. */
    private static final class Drawing {
        private final LoopTrace trace;
        private final List<LoopTrace.Iteration> rows;
        private final long origin;
        private final long workScaleNanos;
        private final StringBuilder out;
        /** What the ids of this trace's iterations start with, unique on the page: {@code i} or {@code l2i}. */
        private final String ids;

        Drawing(LoopTrace trace, StringBuilder out, String ids) {
            this.trace = trace;
            this.out = out;
            this.ids = ids;
            this.rows = trace.iterations();
            this.origin = rows.isEmpty() ? 0 : rows.get(0).startNanos();
            this.workScaleNanos = workScale(rows);
        }

        void summary() {
            long waited = 0;
            long busy = 0;
            long bytesIn = 0;
            long bytesOut = 0;
            long slow = 0;
            long longest = 0;
            for (LoopTrace.Iteration it : rows) {
                waited += it.waitNanos();
                busy += it.busyNanos();
                longest = Math.max(longest, it.busyNanos());
                for (LoopTrace.Callback cb : it.callbacks()) {
                    bytesIn += cb.bytesIn();
                    bytesOut += cb.bytesOut();
                    slow += cb.durationNanos() >= trace.slowThresholdNanos() ? 1 : 0;
                }
            }
            long total = Math.max(1, waited + busy);
            out.append("<p class=\"summary\">").append(rows.size()).append(" iterations");
            if (trace.droppedIterations() > 0) {
                out.append(" (the last of ").append(rows.size() + trace.droppedIterations())
                        .append("; older ones fell out of the window)");
            }
            out.append(", ").append(trace.callbackCount()).append(" callbacks. The loop waited in select for ")
                    .append(Durations.format(waited)).append(" (").append(percent(waited, total))
                    .append(") and worked for ").append(Durations.format(busy)).append(" (")
                    .append(percent(busy, total)).append("); its longest iteration worked for ")
                    .append(Durations.format(longest)).append(". ").append(bytesIn).append(" bytes in, ")
                    .append(bytesOut).append(" bytes out. ").append(slow).append(slow == 1 ? " callback" : " callbacks")
                    .append(" ran longer than ")
                    .append(Durations.format(trace.slowThresholdNanos())).append(".</p>\n")
                    .append("<p class=\"how\">One row per iteration, oldest at the top. Each row: the select wait "
                            + "(grey, logarithmic scale), then the work it led to (linear scale: the work area is ")
                    .append(esc(Durations.format(workScaleNanos)))
                    .append(" wide; a bar cut by the edge ran longer), then the callbacks in words. "
                            + "Hover over a bar for its details; click it for the iteration's entry below.</p>\n");
        }

        void timeline() {
            int height = TOP + rows.size() * ROW + 10;
            out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                    .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                    .append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
            axes(height);
            for (int r = 0; r < rows.size(); r++) {
                row(rows.get(r), TOP + r * ROW);
            }
            out.append("</svg>\n");
        }

        private void axes(int height) {
            out.append("<text x=\"").append(WAIT_X).append("\" y=\"14\" class=\"axis-title\">select wait (log scale)</text>\n")
                    .append("<text x=\"").append(WORK_X).append("\" y=\"14\" class=\"axis-title\">work after the wait (linear)</text>\n")
                    .append("<text x=\"").append(TEXT_X).append("\" y=\"14\" class=\"axis-title\">callbacks, in order</text>\n")
                    .append("<text x=\"4\" y=\"14\" class=\"axis-title\">iteration</text>\n");
            String[] waitTicks = {"1 \u00b5s", "10 \u00b5s", "100 \u00b5s", "1 ms", "10 ms", "100 ms", "1 s", "10 s"};
            for (int d = 0; d <= DECADES; d++) {
                int x = WAIT_X + d * WAIT_W / DECADES;
                gridLine(x, height);
                if (d % 2 == 0 || d == DECADES) {
                    tick(x, waitTicks[d]);
                }
            }
            for (int q = 0; q <= 4; q++) {
                int x = WORK_X + q * WORK_W / 4;
                gridLine(x, height);
                tick(x, q == 0 ? "0" : Durations.format(workScaleNanos * q / 4));
            }
        }

        private void gridLine(int x, int height) {
            out.append("<line x1=\"").append(x).append("\" y1=\"").append(TOP - 6).append("\" x2=\"").append(x)
                    .append("\" y2=\"").append(height - 8).append("\" class=\"grid\"/>\n");
        }

        private void tick(int x, String label) {
            out.append("<text x=\"").append(x).append("\" y=\"").append(TOP - 10)
                    .append("\" text-anchor=\"middle\" class=\"tick\">").append(esc(label)).append("</text>\n");
        }

        private void row(LoopTrace.Iteration it, int y) {
            String anchor = "#" + ids + it.number();
            out.append("<g class=\"iteration\">\n");
            if ((it.number() & 1) == 0) {
                out.append("<rect x=\"0\" y=\"").append(y - 3).append("\" width=\"").append(WIDTH)
                        .append("\" height=\"").append(ROW).append("\" class=\"band\"/>\n");
            }
            out.append("<a href=\"").append(anchor).append("\"><text x=\"4\" y=\"").append(y + 11)
                    .append("\" class=\"num\">#").append(it.number()).append("</text><text x=\"44\" y=\"")
                    .append(y + 11).append("\" class=\"when\">+").append(esc(relative(it.startNanos())))
                    .append("</text></a>\n");
            int waitWidth = waitWidth(it.waitNanos());
            out.append("<rect x=\"").append(WAIT_X).append("\" y=\"").append(y).append("\" width=\"").append(waitWidth)
                    .append("\" height=\"").append(BAR).append("\" class=\"wait\"><title>")
                    .append(esc(waitDescription(it))).append("</title></rect>\n");
            boolean inside = waitWidth > WAIT_W - 56;
            out.append("<text x=\"").append(inside ? WAIT_X + waitWidth - 4 : WAIT_X + waitWidth + 4).append("\" y=\"")
                    .append(y + 11).append("\" class=\"wait-text\"").append(inside ? " text-anchor=\"end\"" : "")
                    .append('>').append(esc(it.number() == 0 ? "start-up" : Durations.format(it.waitNanos())))
                    .append("</text>\n");
            long workStart = it.startNanos() + it.waitNanos();
            for (LoopTrace.Callback cb : it.callbacks()) {
                block(it, cb, workStart, y, anchor);
            }
            words(it, y);
            out.append("</g>\n");
        }

        private void block(LoopTrace.Iteration it, LoopTrace.Callback cb, long workStart, int y, String anchor) {
            double x = WORK_X + scaled(cb.startNanos() - workStart);
            double width = Math.max(2, scaled(cb.durationNanos()));
            boolean cut = x + width > WORK_X + WORK_W;
            x = Math.min(x, WORK_X + WORK_W - 2);
            width = Math.min(width, WORK_X + WORK_W - x);
            boolean slow = cb.durationNanos() >= trace.slowThresholdNanos();
            out.append("<a href=\"").append(anchor).append("\"><rect x=\"").append(fmt(x)).append("\" y=\"")
                    .append(y).append("\" width=\"").append(fmt(width)).append("\" height=\"").append(BAR)
                    .append("\" class=\"cb cb-").append(cb.kind().name().toLowerCase(Locale.ROOT))
                    .append(slow ? " slow" : "").append("\" fill=\"").append(colour(cb.what())).append("\"><title>#")
                    .append(it.number()).append(' ').append(esc(describe(cb)))
                    .append(cut ? " (cut at the edge of the work area)" : "").append("</title></rect></a>\n");
        }

        private void words(LoopTrace.Iteration it, int y) {
            out.append("<text x=\"").append(TEXT_X).append("\" y=\"").append(y + 11).append("\" class=\"words\">");
            int used = 0;
            if (it.callbacks().isEmpty()) {
                out.append("<tspan class=\"idle\">").append(it.readyKeys() == 0 ? "woken, nothing to do" : "nothing ran")
                        .append("</tspan>");
            }
            for (int i = 0; i < it.callbacks().size(); i++) {
                LoopTrace.Callback cb = it.callbacks().get(i);
                String text = shortDescription(cb);
                if (used + text.length() > MAX_LABEL_CHARS) {
                    out.append("<tspan class=\"more\"> \u2026 ").append(it.callbacks().size() - i).append(" more</tspan>");
                    break;
                }
                if (i > 0) {
                    out.append("<tspan class=\"sep\"> \u00b7 </tspan>");
                    used += 3;
                }
                out.append("<tspan fill=\"").append(textColour(cb)).append("\">").append(esc(text)).append("</tspan>");
                if (cb.closed() != null) {
                    out.append("<tspan class=\"closed\"> \u2715 ").append(cb.closed().name().toLowerCase(Locale.ROOT))
                            .append("</tspan>");
                    used += cb.closed().name().length() + 3;
                }
                used += text.length();
            }
            out.append("</text>\n");
        }

        void details(String heading) {
            out.append("<h2>").append(esc(heading)).append("</h2>\n<table>\n<thead><tr><th>iteration</th><th>start</th><th>select</th>"
                    + "<th>callbacks</th></tr></thead>\n<tbody>\n");
            for (LoopTrace.Iteration it : rows) {
                out.append("<tr id=\"").append(ids).append(it.number()).append("\"><td>#").append(it.number()).append("</td><td>+")
                        .append(esc(relative(it.startNanos()))).append("</td><td>").append(esc(waitDescription(it)))
                        .append("</td><td>");
                if (it.callbacks().isEmpty()) {
                    out.append("none");
                }
                for (int i = 0; i < it.callbacks().size(); i++) {
                    if (i > 0) {
                        out.append("<br/>");
                    }
                    LoopTrace.Callback cb = it.callbacks().get(i);
                    boolean slow = cb.durationNanos() >= trace.slowThresholdNanos();
                    out.append(slow ? "<strong class=\"slow-text\">" : "").append(esc(describe(cb)))
                            .append(slow ? "</strong>" : "");
                }
                out.append("</td></tr>\n");
            }
            out.append("</tbody>\n</table>\n");
        }

        private String waitDescription(LoopTrace.Iteration it) {
            if (it.number() == 0) {
                return "start-up: the callWhenRunning calls, before the first select; worked "
                        + Durations.format(it.busyNanos());
            }
            String allowed = it.selectTimeoutMillis() < 0 ? "selectNow (work was waiting)"
                    : it.selectTimeoutMillis() == 0 ? "select until woken" : "select for up to " + it.selectTimeoutMillis() + " ms";
            return allowed + ": waited " + Durations.format(it.waitNanos())
                    + (it.wokeBy() == null ? "" : ", woke because " + it.wokeBy().description()) + "; " + it.readyKeys()
                    + " key" + (it.readyKeys() == 1 ? "" : "s") + " ready; then worked " + Durations.format(it.busyNanos());
        }

        private String relative(long nanos) {
            return Durations.format(nanos - origin);
        }

        private double scaled(long nanos) {
            return (double) nanos * WORK_W / workScaleNanos;
        }
    }

    /**
     * The nanoseconds the work area spans: a round number (1, 2 or 5 times a power of ten) just
     * above the busy time of nine iterations in ten, so one slow iteration does not shrink every
     * other row to a sliver; its bars are cut at the edge instead.
     */
    static long workScale(List<LoopTrace.Iteration> rows) {
        if (rows.isEmpty()) {
            return 10_000;
        }
        long[] busy = new long[rows.size()];
        for (int i = 0; i < busy.length; i++) {
            busy[i] = rows.get(i).busyNanos();
        }
        Arrays.sort(busy);
        long p90 = busy[Math.min(busy.length - 1, (int) Math.ceil(busy.length * 0.9) - 1)];
        long wanted = Math.max(10_000, p90 + p90 / 4);
        long unit = 1;
        while (true) {
            for (long step : new long[] {1, 2, 5}) {
                if (step * unit >= wanted) {
                    return step * unit;
                }
            }
            unit *= 10;
        }
    }

    /** The width of a wait on the logarithmic scale: 1 µs or less is a sliver, 10 s fills it. */
    static int waitWidth(long nanos) {
        if (nanos <= 1_000) {
            return 1;
        }
        double decades = Math.log10(nanos / 1_000.0);
        return (int) Math.max(1, Math.min(WAIT_W, Math.round(decades * WAIT_W / DECADES)));
    }

    static String describe(LoopTrace.Callback cb) {
        StringBuilder text = new StringBuilder();
        text.append(cb.what()).append(" of ").append(cb.protocolClass());
        if (!cb.connection().isEmpty()) {
            text.append(" on ").append(cb.connection());
        }
        text.append(": ").append(Durations.format(cb.durationNanos()));
        if (cb.bytesIn() > 0) {
            text.append(", ").append(cb.bytesIn()).append(" B in");
        }
        if (cb.bytesOut() > 0) {
            text.append(", ").append(cb.bytesOut()).append(" B out");
        }
        if (cb.interestOps() >= 0) {
            text.append(", interest set now ").append(SlowCallback.operations(cb.interestOps()));
        }
        if (cb.closed() != null) {
            text.append(", connection closed (").append(cb.closed()).append(')');
        }
        return text.toString();
    }

    private static String shortDescription(LoopTrace.Callback cb) {
        StringBuilder text = new StringBuilder();
        text.append(cb.what()).append(' ').append(simpleName(cb.protocolClass()));
        String connection = compactConnection(cb.connection());
        if (!connection.isEmpty()) {
            text.append(' ').append(connection);
        }
        if (cb.bytesIn() > 0) {
            text.append(' ').append(cb.bytesIn()).append(" B in");
        }
        if (cb.bytesOut() > 0) {
            text.append(' ').append(cb.bytesOut()).append(" B out");
        }
        if (cb.interestOps() >= 0) {
            text.append(" \u2192 ").append(SlowCallback.operations(cb.interestOps()));
        }
        if (cb.durationNanos() >= 1_000_000) {
            text.append(" (").append(Durations.format(cb.durationNanos())).append(')');
        }
        return text.toString();
    }

    /**
     * A connection label cut to what tells connections apart in a row: the peer's port for a
     * connection ({@code ↔ :50412}), the port for a listener or connector; the full label is in
     * the block's details.
     */
    static String compactConnection(String label) {
        int arrow = label.indexOf(" <-> ");
        if (arrow >= 0) {
            return "\u2194 " + port(label.substring(arrow + 5));
        }
        if (label.startsWith("listening on ")) {
            return "on " + port(label);
        }
        if (label.startsWith("connecting to ")) {
            return "to " + port(label);
        }
        return label;
    }

    private static String port(String address) {
        int colon = address.lastIndexOf(':');
        return colon >= 0 ? address.substring(colon) : address;
    }

    /** {@code io.twine.samples.echo.EchoServer$Echo} as {@code EchoServer$Echo}; a lambda loses its hash. */
    static String simpleName(String className) {
        String name = className.substring(className.lastIndexOf('.') + 1);
        int lambda = name.indexOf("$$Lambda");
        return lambda >= 0 ? name.substring(0, lambda) + " (lambda)" : name;
    }

    private static String colour(String what) {
        if (what.contains("accept")) {
            return "#2ca02c";
        }
        if (what.contains("connect")) {
            return "#17becf";
        }
        if (what.contains("read")) {
            return "#1f77b4";
        }
        if (what.contains("write")) {
            return "#ff7f0e";
        }
        switch (what) {
            case "before select":
                return "#f2b134";
            case "timer":
                return "#9467bd";
            case "task":
                return "#8c564b";
            default:
                return "#7f7f7f";
        }
    }

    private static String textColour(LoopTrace.Callback cb) {
        return cb.kind() == CallbackKind.BEFORE_SELECT ? "#b07c10" : colour(cb.what());
    }

    private static String percent(long part, long total) {
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * part / total);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** Escapes for XML text and attributes; drops the control characters XML 1.0 cannot hold. */
    static String esc(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&':
                    escaped.append("&amp;");
                    break;
                case '<':
                    escaped.append("&lt;");
                    break;
                case '>':
                    escaped.append("&gt;");
                    break;
                case '"':
                    escaped.append("&quot;");
                    break;
                case '\'':
                    escaped.append("&#39;");
                    break;
                default:
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
                        escaped.append('?');
                    } else {
                        escaped.append(c);
                    }
            }
        }
        return escaped.toString();
    }

    private static final String STYLE = String.join("\n",
            "body { font-family: sans-serif; margin: 16px; color: #222; }",
            "h1 { font-size: 18px; margin: 0 0 6px; }",
            "h2 { font-size: 15px; margin: 24px 0 6px; }",
            "p { margin: 4px 0; font-size: 13px; max-width: 1400px; }",
            "p.how { color: #555; }",
            ".legend .key { margin-right: 14px; white-space: nowrap; }",
            ".swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; }",
            ".swatch.slow { background: #fff; outline: 2px solid " + SLOW_COLOUR + "; outline-offset: -2px; }",
            ".closed { fill: #000; color: #000; font-weight: bold; }",
            "svg { display: block; margin-top: 8px; }",
            "svg .band { fill: #f4f6f8; }",
            "svg .grid { stroke: #e3e6e8; stroke-width: 1; }",
            "svg .tick { fill: #666; font-size: 10px; }",
            "svg .axis-title { fill: #333; font-weight: bold; }",
            "svg .num { fill: #222; font-weight: bold; }",
            "svg .when { fill: #777; }",
            "svg .wait { fill: " + WAIT_COLOUR + "; }",
            "svg .wait-text { fill: #56646e; font-size: 10px; }",
            "svg .cb { stroke: #fff; stroke-width: 0.5; }",
            "svg .cb.slow { stroke: " + SLOW_COLOUR + "; stroke-width: 2; }",
            "svg .sep, svg .more, svg .idle { fill: #999; }",
            "svg a:hover rect { opacity: 0.75; }",
            "table { border-collapse: collapse; font-size: 12px; }",
            "td, th { border-bottom: 1px solid #e3e6e8; padding: 3px 8px; text-align: left; vertical-align: top; }",
            "tr:target { background: #fff3b0; }",
            ".slow-text { color: " + SLOW_COLOUR + "; }",
            "");
}
