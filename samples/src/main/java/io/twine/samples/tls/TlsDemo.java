package io.twine.samples.tls;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
import io.twine.samples.support.Console;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.SampleArgs;
import io.twine.transport.tcp.Tcp;
import io.twine.transport.tls.Tls;
import io.twine.transport.tls.TlsOptions;
import io.twine.transport.tls.TlsTransport;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code tls-demo}: one TLS conversation inside this process. It makes a throw-away certificate
 * for localhost with the JDK's {@code keytool}, serves TLS with it on a free loopback port,
 * connects a client that trusts exactly that certificate, and prints what each side sees of the
 * session (version, cipher suite, ALPN, SNI, the server's certificate), one line each way, and
 * how each side's connection ended (the client's {@code loseConnection} sends close_notify, so
 * both ends are clean).
 */
public final class TlsDemo {

    private static final String ALPN = "twine-demo/1";

    private TlsDemo() {}

    /** A {@link io.twine.samples.Sample.Runner}. */
    public static int run(SampleArgs args, Console console) {
        PrintStream out = console.out();
        ThrowawayCertificate certificate;
        try {
            certificate = ThrowawayCertificate.make();
        } catch (IOException e) {
            console.err().println("tls-demo: " + e.getMessage());
            return ExitStatus.FAILED;
        }
        try {
            return converse(certificate, out, console);
        } finally {
            certificate.delete();
        }
    }

    private static int converse(ThrowawayCertificate certificate, PrintStream out, Console console) {
        out.println("tls-demo: made a throw-away certificate for localhost with keytool: " + certificate.pem());
        TlsOptions serverOptions = TlsOptions.serverFromPkcs12(certificate.pkcs12(), ThrowawayCertificate.PASSWORD)
                .applicationProtocols(ALPN).build();
        TlsOptions clientOptions = TlsOptions.client().trustRoots(certificate.pem()).applicationProtocols(ALPN).build();
        Reactor reactor = new Reactor();
        console.reactorReady(reactor);
        int[] status = {ExitStatus.FAILED};
        reactor.callWhenRunning(() -> {
            try {
                ListeningPort port = Tcp.listen(reactor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        Tls.server(reactor, serverOptions, Factory.forProtocol(() -> new ServerSide(out))));
                out.println("server | listening with TLS on " + port.getHost());
                Tcp.connect(reactor, port.getHost(), Tls.client(reactor, clientOptions, "localhost", new ClientFactory() {
                    @Override
                    public Protocol buildProtocol(SocketAddress peer) {
                        return new ClientSide(out, () -> {
                            status[0] = ExitStatus.OK;
                            reactor.stop();
                        });
                    }

                    @Override
                    public void clientConnectionFailed(Connector connector, Reason reason) {
                        out.println("client | could not connect: " + reason.message());
                        reactor.stop();
                    }
                }));
            } catch (IOException e) {
                out.println("tls-demo: cannot listen: " + e.getMessage());
                reactor.stop();
            }
        });
        reactor.run();
        return status[0];
    }

    /** What a side prints once the handshake is done. */
    static String describe(TlsTransport tls) {
        return tls.protocolVersion() + ", " + tls.cipherSuite() + ", ALPN " + tls.applicationProtocol()
                + ", server name " + tls.serverName();
    }

    /** Answers each message in capitals. */
    static final class ServerSide extends Protocol {
        private final PrintStream out;

        ServerSide(PrintStream out) {
            this.out = out;
        }

        @Override
        public void connectionMade() {
            out.println("server | handshake done: " + describe((TlsTransport) transport));
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            String text = StandardCharsets.UTF_8.decode(data).toString();
            out.println("server | got " + text.strip() + "; answering in capitals");
            transport.write(text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void connectionLost(Reason reason) {
            out.println("server | connection ended: " + reason);
        }
    }

    /** Sends one line, prints the answer, closes with close_notify. */
    static final class ClientSide extends Protocol {
        private final PrintStream out;
        private final Runnable done;

        ClientSide(PrintStream out, Runnable done) {
            this.out = out;
            this.done = done;
        }

        @Override
        public void connectionMade() {
            TlsTransport tls = (TlsTransport) transport;
            out.println("client | handshake done: " + describe(tls));
            out.println("client | server certificate: " + tls.peerCertificates().get(0).getSubjectX500Principal().getName());
            out.println("client | sending: hello over tls");
            transport.write("hello over tls\n".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            out.println("client | got " + StandardCharsets.UTF_8.decode(data).toString().strip() + "; closing with close_notify");
            transport.loseConnection();
        }

        @Override
        public void connectionLost(Reason reason) {
            out.println("client | connection ended: " + reason);
            done.run();
        }
    }
}
