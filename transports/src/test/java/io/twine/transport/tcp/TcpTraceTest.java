package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Reason;
import io.twine.reactor.observe.CallbackKind;
import io.twine.reactor.observe.LoopTrace;
import io.twine.reactor.observe.TracePage;
import io.twine.testing.ReactorThread;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

@Timeout(30)
class TcpTraceTest {

    /** A trace of a scripted echo conversation, and where in it each step happened. */
    private LoopTrace traceOfEchoConversation() throws Exception {
        CompletableFuture<Loopback.Echo> server = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> {
                rt.reactor().startTracing(256);
                return Tcp.listen(rt.reactor(), Loopback.ANY_PORT, Factory.forProtocol(() -> {
                    Loopback.Echo echo = new Loopback.Echo();
                    server.complete(echo);
                    return echo;
                }));
            });
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(10_000);
                InputStream in = socket.getInputStream();
                for (String word : List.of("hello", "twine")) {
                    socket.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
                    assertArrayEquals(word.getBytes(StandardCharsets.US_ASCII), in.readNBytes(word.length()));
                }
            }
            Reason reason = ReactorThread.await(server.thenCompose(e -> e.lost));
            assertEquals(Reason.Kind.CLOSED_BY_PEER, reason.kind());
            return rt.call(() -> rt.reactor().trace());
        }
    }

    @Test
    void echoConversationIsTracedAsAcceptTwoReadsWithTheirEchoesAndClose() throws Exception {
        LoopTrace trace = traceOfEchoConversation();
        List<String> steps = new ArrayList<>();
        long previousIteration = -1;
        for (LoopTrace.Iteration iteration : trace.iterations()) {
            assertTrue(iteration.number() > previousIteration, "iterations in order");
            previousIteration = iteration.number();
            for (LoopTrace.Callback cb : iteration.callbacks()) {
                boolean echoConnection = cb.protocolClass().equals(Loopback.Echo.class.getName());
                if (cb.kind() == CallbackKind.IO && (cb.readyOps() & SelectionKey.OP_ACCEPT) != 0) {
                    steps.add("accept@" + iteration.number());
                    assertTrue(cb.connection().startsWith("listening on 127.0.0.1:"), cb.connection());
                } else if (echoConnection && cb.kind() == CallbackKind.IO && cb.closed() != null) {
                    steps.add("close@" + iteration.number());
                    assertEquals(Reason.Kind.CLOSED_BY_PEER, cb.closed());
                } else if (echoConnection && cb.kind() == CallbackKind.IO && cb.bytesIn() > 0) {
                    steps.add("read" + cb.bytesIn() + (cb.bytesOut() > 0 ? "+write" + cb.bytesOut() : "")
                            + "@" + iteration.number());
                    assertTrue(cb.connection().contains(" <-> 127.0.0.1:"), cb.connection());
                } else if (echoConnection && cb.kind() == CallbackKind.BEFORE_SELECT && cb.bytesOut() > 0) {
                    steps.add("write" + cb.bytesOut() + "@" + iteration.number());
                }
            }
        }
        // A read event ends with its connection's flush, so each echo leaves inside the callback
        // that read it, and no separate flush is traced.
        List<String> kinds = new ArrayList<>();
        for (String step : steps) {
            kinds.add(step.substring(0, step.indexOf('@')));
        }
        assertEquals(List.of("accept", "read5+write5", "read5+write5", "close"), kinds, steps.toString());
        assertTrue(iterationOf(steps.get(0)) < iterationOf(steps.get(1)));
        assertTrue(iterationOf(steps.get(1)) < iterationOf(steps.get(2)));
        assertTrue(iterationOf(steps.get(2)) < iterationOf(steps.get(3)));
    }

    @Test
    void tracePageIsWellFormedXmlWithOneBlockPerCallback() throws Exception {
        LoopTrace trace = traceOfEchoConversation();
        String page = TracePage.render(trace, "echo <conversation> & friends");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)));
        assertEquals("html", document.getDocumentElement().getLocalName());
        NodeList rects = document.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        int callbackBlocks = 0;
        int waitBlocks = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            String classes = " " + ((Element) rects.item(i)).getAttribute("class") + " ";
            callbackBlocks += classes.contains(" cb ") ? 1 : 0;
            waitBlocks += classes.contains(" wait ") ? 1 : 0;
        }
        assertTrue(trace.callbackCount() >= 4, "callbacks recorded: " + trace.callbackCount());
        assertEquals(trace.callbackCount(), callbackBlocks);
        assertEquals(trace.iterations().size(), waitBlocks);
        assertEquals(0, document.getElementsByTagName("script").getLength(), "no script");
        assertTrue(page.contains("Loopback$Echo"), "callbacks are labelled with their protocol");
    }

    private static long iterationOf(String step) {
        return Long.parseLong(step.substring(step.indexOf('@') + 1));
    }
}
