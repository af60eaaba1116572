package io.twine.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.Reactor;
import io.twine.reactor.ReactorGroup;
import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.Console;
import io.twine.samples.support.OptionSpec;
import io.twine.testing.ReactorThread;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** {@code --trace FILE}, which the launcher gives every sample. */
@Timeout(60)
class TraceOptionTest {

    private final CapturedOutput out = new CapturedOutput();
    private final CapturedOutput err = new CapturedOutput();

    private Console console() {
        return Console.of(InputStream.nullInputStream(), out.printStream(), err.printStream());
    }

    @Test
    void everySampleTakesTheTraceOptionOffByDefault() {
        for (Sample sample : SampleCatalog.standard().all()) {
            assertTrue(sample.options().contains(OptionSpec.TRACE), sample.name());
        }
        assertEquals(0, Launcher.run(SampleCatalog.standard(), new String[] {"echo-server", "--help"}, console()));
        assertTrue(out.text().contains("--trace FILE"), out.text());
        assertTrue(out.text().contains("(default off)"), out.text());
    }

    @Test
    void serverWritesItsTimelineWhenItStops(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("echo.html");
        CompletableFuture<Reactor> reactor = new CompletableFuture<>();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Console console = console().onReactor(reactor::complete);
        Thread server = new Thread(() -> exit.complete(Launcher.run(SampleCatalog.standard(),
                new String[] {"echo-server", "--port", "0", "--trace", page.toString()}, console)));
        server.setDaemon(true);
        server.start();
        Matcher listening = out.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(20));
        int port = Integer.parseInt(listening.group(1));
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hello", new String(socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
        }
        ReactorThread.await(reactor).stop();
        assertEquals(0, ReactorThread.await(exit));

        assertTrue(err.text().startsWith("echo-server: wrote a timeline of the loop's last "), err.text());
        String html = Files.readString(page);
        assertTrue(html.contains("EchoServer$Echo"), "the echo protocol's callbacks are in the page");
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(page.toFile());
        assertEquals("html", document.getDocumentElement().getTagName());
    }

    @Test
    void serverOnSeveralLoopsWritesOnePageWithTheLoopsSideBySide(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("echo-loops.html");
        CompletableFuture<ReactorGroup> group = new CompletableFuture<>();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Console console = console().onGroup(group::complete);
        Thread server = new Thread(() -> exit.complete(Launcher.run(SampleCatalog.standard(),
                new String[] {"echo-server", "--port", "0", "--loops", "2", "--trace", page.toString()}, console)));
        server.setDaemon(true);
        server.start();
        Matcher listening = out.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+) with 2 loops", Duration.ofSeconds(20));
        int port = Integer.parseInt(listening.group(1));
        for (int i = 0; i < 4; i++) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                assertEquals("hello", new String(socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
            }
        }
        ReactorThread.await(group).stop();
        assertEquals(0, ReactorThread.await(exit));

        assertTrue(err.text().contains("echo-server: wrote a timeline of each of the 2 loops' last iterations"), err.text());
        String html = Files.readString(page);
        assertTrue(html.contains("The loops side by side"), "the lanes");
        assertTrue(html.contains("id=\"loop0\"") && html.contains("id=\"loop1\""), "each loop's own timeline");
        assertTrue(html.contains("EchoServer$Echo"), "the echo protocol's callbacks are in the page");
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(page.toFile());
        assertEquals("html", document.getDocumentElement().getTagName());
    }

    @Test
    void demoWritesATimelineToo(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("demo.html");
        assertEquals(0, Launcher.run(SampleCatalog.standard(),
                new String[] {"demo", "--pause", "0", "--trace", page.toString()}, console()));
        assertTrue(Files.readString(page).contains("TcpServer$Timestamper"), "the demo's servers are in the page");
    }

    @Test
    void withoutTheOptionNothingIsWritten(@TempDir Path dir) throws Exception {
        assertEquals(0, Launcher.run(SampleCatalog.standard(), new String[] {"demo", "--pause", "0"}, console()));
        assertFalse(err.text().contains("timeline"), err.text());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
