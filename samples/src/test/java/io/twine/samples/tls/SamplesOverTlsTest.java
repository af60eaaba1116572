package io.twine.samples.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.samples.Sample;
import io.twine.samples.SampleCatalog;
import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.ClientStarter;
import io.twine.samples.support.Console;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.GroupServerStarter;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.SampleTls;
import io.twine.samples.support.ScriptedLineSource;
import io.twine.samples.support.ServerStarter;
import io.twine.samples.support.UsageException;
import io.twine.samples.chat.ChatServer;
import io.twine.samples.echo.EchoServer;
import io.twine.samples.line.LineClient;
import io.twine.samples.line.LineServer;
import io.twine.samples.tcp.TcpClient;
import io.twine.samples.tcp.TcpServer;
import io.twine.samples.twisted.TwistedClient;
import io.twine.samples.twisted.TwistedServer;
import io.twine.reactor.ReactorGroup;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import io.twine.transport.tls.Tls;
import io.twine.transport.tls.TlsOptions;
import io.twine.transport.tls.TlsTransport;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server samples with --tls-cert/--tls-key, the client samples with --tls-ca, and tls-demo. */
@Timeout(120)
class SamplesOverTlsTest {

    /** The throw-away certificates of the transports module's tests (localhost and 127.0.0.1). */
    private static final Path CERTS = Path.of("..", "transports", "src", "test", "resources", "tls").toAbsolutePath();
    private static final String CHAIN = CERTS.resolve("localhost.pem").toString();
    private static final String KEY = CERTS.resolve("localhost-key.pem").toString();
    private static final String CA = CERTS.resolve("ca.pem").toString();
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final SampleCatalog CATALOG = SampleCatalog.standard();

    private static SampleArgs args(String sample, String... words) throws UsageException {
        Sample found = CATALOG.find(sample);
        return SampleArgs.parse(found.options(), List.of(words));
    }

    private static String converse(String serverName, ServerStarter server, String clientName, ClientStarter client,
            List<String> lines) throws Exception {
        CapturedOutput out = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            SampleArgs serverArgs = args(serverName, "--tls-cert", CHAIN, "--tls-key", KEY);
            SampleArgs clientArgs = args(clientName, "--tls-ca", CA);
            SocketAddress address = rt.call(() -> server.start(rt.reactor(), LOOPBACK_ANY_PORT,
                    new CapturedOutput().printStream(), serverArgs).address());
            CompletableFuture<CompletableFuture<ExitStatus>> started = new CompletableFuture<>();
            rt.run(() -> started.complete(client.start(rt.reactor(), address,
                    new ScriptedLineSource(rt.reactor(), lines, Duration.ZERO), out.printStream(), clientArgs)));
            ExitStatus status = ReactorThread.await(ReactorThread.await(started));
            assertEquals(ExitStatus.OK, status.code(), status.message() + "\n" + out.text());
        }
        return out.text();
    }

    @Test
    void tcpClientTalksToTcpServerOverTls() throws Exception {
        String out = converse("tcp-server", TcpServer::start, "tcp-client", TcpClient::start, List.of("Hello", ""));
        assertTrue(out.contains("Hello"), out);
    }

    @Test
    void twistedClientTalksToTwistedServerOverTls() throws Exception {
        String out = converse("twisted-server", TwistedServer::start, "twisted-client", TwistedClient::start,
                List.of("a", ""));
        assertTrue(out.contains("] a"), out);
    }

    @Test
    void lineClientTalksToLineServerOverTls() throws Exception {
        String out = converse("line-server", LineServer::start, "line-client", LineClient::start, List.of("x", "y", ""));
        assertTrue(out.contains("] x") && out.contains("] y"), out);
    }

    /** Sends one line over TLS and returns the first reply, seeing the TLS session too. */
    private static String askOverTls(ServerStarter server, String serverName, String line) throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            SampleArgs serverArgs = args(serverName, "--tls-cert", CHAIN, "--tls-key", KEY);
            SocketAddress address = rt.call(() -> server.start(rt.reactor(), LOOPBACK_ANY_PORT,
                    new CapturedOutput().printStream(), serverArgs).address());
            return askOverTls(rt, address, line);
        }
    }

    /** {@code --loops 2}: the group's server, asked {@code times} times over TLS; the replies. */
    private static List<String> askGroupOverTls(GroupServerStarter server, String serverName, String line, int times)
            throws Exception {
        ReactorGroup group = new ReactorGroup(2);
        SampleArgs serverArgs = args(serverName, "--tls-cert", CHAIN, "--tls-key", KEY, "--loops", "2");
        SocketAddress address = server.start(group, LOOPBACK_ANY_PORT, new CapturedOutput().printStream(), serverArgs)
                .address();
        group.start();
        try (ReactorThread rt = ReactorThread.start()) {
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < times; i++) {
                replies.add(askOverTls(rt, address, line));
            }
            return replies;
        } finally {
            group.stop();
            assertTrue(group.awaitTermination(Duration.ofSeconds(30)));
        }
    }

    private static String askOverTls(ReactorThread rt, SocketAddress address, String line) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        TlsOptions options = TlsOptions.client().trustRoots(Path.of(CA)).build();
        rt.run(() -> Tcp.connect(rt.reactor(), address, Tls.client(rt.reactor(), options, "localhost",
                Factory.forProtocol(() -> new Protocol() {
                    @Override
                    public void connectionMade() {
                        assertTrue(transport instanceof TlsTransport);
                        transport.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    }

                    @Override
                    public void dataReceived(ByteBuffer data) {
                        reply.complete(StandardCharsets.UTF_8.decode(data).toString());
                        transport.loseConnection();
                    }
                }))));
        return ReactorThread.await(reply);
    }

    @Test
    void echoServerEchoesOverTls() throws Exception {
        assertEquals("secret\n", askOverTls(EchoServer::start, "echo-server", "secret"));
    }

    @Test
    void chatServerGreetsOverTls() throws Exception {
        assertTrue(!askOverTls(ChatServer::start, "chat-server", "hi").isEmpty());
    }

    @Test
    void echoServerOnTwoLoopsEchoesOverTlsOnEveryConnection() throws Exception {
        assertEquals(List.of("secret\n", "secret\n", "secret\n", "secret\n"),
                askGroupOverTls(EchoServer::start, "echo-server", "secret", 4));
    }

    @Test
    void chatServerOnTwoLoopsGreetsOverTlsOnEveryConnection() throws Exception {
        for (String greeting : askGroupOverTls(ChatServer::start, "chat-server", "hi", 4)) {
            assertTrue(greeting.contains("name"), greeting);
        }
    }

    @Test
    void certificateWithoutKeyIsAUsageError() throws Exception {
        SampleArgs half = args("echo-server", "--tls-cert", CHAIN);
        UsageException error = assertThrows(UsageException.class,
                () -> SampleTls.server(null, half, Factory.forProtocol(() -> new Protocol() {})));
        assertTrue(error.getMessage().contains("--tls-key"), error.getMessage());
    }

    @Test
    void tlsFlagNeedsNoValue() throws Exception {
        assertTrue(args("tcp-client", "--tls", "--port", "1").flag("tls"));
        assertTrue(!args("tcp-client").flag("tls"));
    }

    @Test
    void tlsDemoPrintsTheSessionAndEndsCleanly() {
        CapturedOutput out = new CapturedOutput();
        CapturedOutput err = new CapturedOutput();
        int code = TlsDemo.run(null, Console.of(new ByteArrayInputStream(new byte[0]), out.printStream(), err.printStream()));
        assertEquals(ExitStatus.OK, code, out.text() + err.text());
        String text = out.text();
        assertTrue(text.contains("client | handshake done: TLSv1.3"), text);
        assertTrue(text.contains("ALPN twine-demo/1"), text);
        assertTrue(text.contains("client | got HELLO OVER TLS"), text);
        assertTrue(text.contains("server | connection ended: CLOSED_BY_PEER"), text);
    }
}
