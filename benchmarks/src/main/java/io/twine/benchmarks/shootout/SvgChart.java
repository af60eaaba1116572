package io.twine.benchmarks.shootout;

import io.twine.benchmarks.echo.EchoKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the shootout's results as one self-contained SVG file: a panel per scenario, a
 * horizontal bar per server. A, B and D show messages per second (longer is faster); C shows
 * p99 latency (shorter is better) with p50 in the label; E shows heap per connection (RSS for
 * the C server, which has no heap; shorter is smaller).
 */
final class SvgChart {

    private static final int WIDTH = 960;
    private static final int LABEL_WIDTH = 150;
    private static final int VALUE_WIDTH = 230;
    private static final int BAR_HEIGHT = 20;
    private static final int BAR_GAP = 6;
    private static final int PANEL_GAP = 26;

    private SvgChart() {}

    static void write(List<RunResult> results, Path file, String setup) throws IOException {
        StringBuilder body = new StringBuilder();
        int y = 56;
        for (Scenario scenario : Scenario.values()) {
            List<RunResult> rows = new ArrayList<>();
            for (RunResult r : results) {
                if (r.scenario == scenario) {
                    rows.add(r);
                }
            }
            if (rows.isEmpty()) {
                continue;
            }
            y = panel(body, scenario, rows, y);
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">%n", WIDTH, y + 10, WIDTH, y + 10));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, y + 10));
        svg.append("<text x=\"12\" y=\"24\" font-size=\"18\" font-weight=\"bold\">twine echo shootout</text>\n");
        svg.append("<text x=\"12\" y=\"42\" fill=\"#555\">").append(escape(setup)).append("</text>\n");
        svg.append(body);
        svg.append("</svg>\n");
        Files.write(file, svg.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static int panel(StringBuilder svg, Scenario scenario, List<RunResult> rows, int top) {
        String metric = scenario == Scenario.C ? "p99 latency, shorter is better"
                : scenario.idle() ? "heap per connection (C: RSS), shorter is smaller"
                : "messages per second, longer is faster";
        svg.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" font-weight=\"bold\">%s: %s</text>"
                + "<text x=\"%d\" y=\"%d\" fill=\"#555\" text-anchor=\"end\">%s</text>%n",
                top + 14, scenario.name(), escape(scenario.description()), WIDTH - 12, top + 14, escape(metric)));
        int y = top + 24;
        double max = 0;
        for (RunResult r : rows) {
            double v = value(r);
            if (!Double.isNaN(v) && v > max) {
                max = v;
            }
        }
        int barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 24;
        for (RunResult r : rows) {
            double v = value(r);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL_WIDTH, y + 15, escape(r.label() + (r.variant.tls() ? " tls" : ""))));
            if (Double.isNaN(v) || max <= 0) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#999\">%s</text>%n",
                        LABEL_WIDTH + 10, y + 15, escape(r.status.name().toLowerCase(Locale.ROOT) + ": " + r.note)));
            } else {
                int width = Math.max(1, (int) Math.round(barSpace * v / max));
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>%n",
                        LABEL_WIDTH + 10, y, width, BAR_HEIGHT, color(r.server), escape(Reports.summary(r))));
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n",
                        LABEL_WIDTH + 16 + width, y + 15, escape(label(r))));
            }
            y += BAR_HEIGHT + BAR_GAP;
        }
        return y + PANEL_GAP - BAR_GAP;
    }

    private static double value(RunResult r) {
        if (!r.ok()) {
            return Double.NaN;
        }
        if (r.scenario == Scenario.C) {
            return r.p99Micros;
        }
        return r.headline();
    }

    private static String label(RunResult r) {
        if (r.scenario == Scenario.C) {
            return String.format(Locale.ROOT, "p99 %s us (p50 %s us, %s msg/s)", Reports.num(r.p99Micros, 1),
                    Reports.num(r.p50Micros, 1), Reports.si(r.messagesPerSecond));
        }
        if (r.scenario.idle()) {
            String heap = Double.isNaN(r.heapBytesPerConnection) ? "no heap"
                    : Reports.num(r.heapBytesPerConnection, 0) + " B heap";
            return heap + ", " + Reports.num(r.rssBytesPerConnection, 0) + " B RSS per connection";
        }
        return String.format(Locale.ROOT, "%s msg/s, %s MB/s", Reports.si(r.messagesPerSecond),
                Reports.num(r.megabytesPerSecond, 1));
    }

    private static String color(EchoKind kind) {
        switch (kind) {
            case TWINE:
                return "#2b7bb9";
            case NETTY_NIO:
                return "#e07b39";
            case NETTY_EPOLL:
                return "#c9a227";
            case NETTY_OPENSSL:
                return "#a0522d";
            case BLOCKING:
                return "#7f7f7f";
            default:
                return "#3a9e5c";
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
