package io.twine.reactor.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Reason;
import java.nio.channels.SelectionKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class TracePageTest {

    private static LoopTrace.Iteration iteration(long number, long busy, LoopTrace.Callback... callbacks) {
        return new LoopTrace.Iteration(number, number * 1_000_000, 5, WakeReason.TIMER, 900_000, busy, callbacks.length, List.of(callbacks));
    }

    private static LoopTrace.Callback read(String protocol, long nanos) {
        return new LoopTrace.Callback(CallbackKind.IO, SelectionKey.OP_READ, protocol, "127.0.0.1:1 <-> 127.0.0.1:2",
                0, nanos, 5, 0, null, -1);
    }

    @Test
    void escapesMarkupAndDropsWhatXmlCannotHold() {
        assertEquals("a&lt;b&gt;&amp;&quot;&#39;?c", TracePage.esc("a<b>&\"'\u0001c"));
        assertEquals("tab\tand\nnewline", TracePage.esc("tab\tand\nnewline"));
    }

    @Test
    void pageHasOneCallbackBlockPerCallbackAndEscapedNames() {
        LoopTrace trace = new LoopTrace(List.of(
                iteration(1, 10_000, read("pkg.Odd<Name>&Co", 4_000)),
                iteration(2, 20_000, read("pkg.Plain", 1_000), new LoopTrace.Callback(CallbackKind.BEFORE_SELECT, 0, "pkg.Plain",
                        "127.0.0.1:1 <-> 127.0.0.1:2", 0, 2_000, 0, 5, Reason.Kind.CLOSED_BY_US, SelectionKey.OP_WRITE))),
                3, 100_000_000);
        String page = TracePage.render(trace, "a <title>");
        assertEquals(3, count(page, "class=\"cb cb-"));
        assertEquals(2, count(page, "class=\"wait\""));
        assertTrue(page.contains("Odd&lt;Name&gt;&amp;Co"));
        assertTrue(page.contains("a &lt;title&gt;"));
        assertTrue(page.contains("closed_by_us"));
        assertTrue(page.contains("woke because the next timer fell due"), "why each select woke");
        assertTrue(page.contains("interest set now write"), "each change of an interest set");
        assertTrue(page.contains("the last of 5"), "says that older iterations fell out");
        assertTrue(!page.contains("<script"), "no script");
        assertTrue(!page.contains("http://") || onlyNamespaces(page), "nothing fetched from elsewhere");
    }

    @Test
    void groupPageShowsEveryLoopInALaneOnOneClockThenEachLoopsTimeline() {
        LoopTrace first = new LoopTrace(List.of(iteration(1, 10_000, read("pkg.OnLoopZero", 4_000))), 0, 100_000_000);
        LoopTrace second = new LoopTrace(List.of(iteration(1, 10_000, read("pkg.OnLoopOne", 3_000)),
                iteration(2, 10_000, read("pkg.OnLoopOne", 2_000))), 0, 100_000_000);
        String page = TracePage.renderGroup(List.of(first, second), "two <loops>");
        assertTrue(page.contains("The loops side by side"));
        assertEquals(2, count(page, "<g class=\"lane\">"), "one lane per loop");
        assertEquals(2 * 3, count(page, "class=\"cb cb-"), "each callback in its lane and in its loop's timeline");
        assertTrue(page.contains("loop 0 #1 read of pkg.OnLoopZero"), "a lane's bar names its loop and iteration");
        assertTrue(page.contains("loop 1 #2 read of pkg.OnLoopOne"));
        assertTrue(page.contains("id=\"loop1\"") && page.contains("id=\"l1i2\"") && page.contains("href=\"#l1i2\""),
                "ids are unique per loop and the lanes link to them");
        assertTrue(!page.contains("id=\"i1\""), "no id of a one-loop page that two loops would share");
        assertTrue(page.contains("two &lt;loops&gt;"));
        assertTrue(TracePage.renderGroup(List.of(), "none").contains("No loop recorded a callback"));
    }

    @Test
    void workScaleIsARoundNumberAboveMostIterationsSoOneSlowOneDoesNotFlattenTheRest() {
        List<LoopTrace.Iteration> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 19; i++) {
            rows.add(iteration(i, 30_000));
        }
        rows.add(iteration(19, 500_000_000));
        assertEquals(50_000, TracePage.workScale(rows));
        assertEquals(10_000, TracePage.workScale(List.of()));
    }

    @Test
    void waitsAreDrawnOnALogScale() {
        assertEquals(1, TracePage.waitWidth(0));
        assertEquals(30, TracePage.waitWidth(10_000));
        assertEquals(120, TracePage.waitWidth(10_000_000));
        assertEquals(210, TracePage.waitWidth(60_000_000_000L));
    }

    @Test
    void compactLabelsKeepWhatTellsConnectionsApart() {
        assertEquals("\u2194 :50412", TracePage.compactConnection("127.0.0.1:21567 <-> 127.0.0.1:50412"));
        assertEquals("on :21567", TracePage.compactConnection("listening on 127.0.0.1:21567"));
        assertEquals("to :80", TracePage.compactConnection("connecting to [::1]:80"));
        assertEquals("EchoServer$Echo", TracePage.simpleName("io.twine.samples.echo.EchoServer$Echo"));
        assertEquals("Demo (lambda)", TracePage.simpleName("io.twine.samples.demo.Demo$$Lambda$35/0x00007f"));
    }

    private static boolean onlyNamespaces(String page) {
        return page.replace("http://www.w3.org/1999/xhtml", "").replace("http://www.w3.org/2000/svg", "")
                .indexOf("http://") < 0;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
