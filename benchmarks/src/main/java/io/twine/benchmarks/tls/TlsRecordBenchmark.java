package io.twine.benchmarks.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.twine.benchmarks.echo.EchoSetup;
import io.twine.benchmarks.echo.NettyEchoServer;
import io.twine.benchmarks.echo.SelfSignedKeyStore;
import io.twine.benchmarks.echo.TwineEchoServer;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.testing.ReactorThread;
import io.twine.transport.tls.Tls;
import io.twine.transport.tls.TlsOptions;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The TLS record path of a server, without sockets: a client {@link SSLEngine} (the same for every
 * server) wraps a message of {@code size} bytes, the server's TLS layer unwraps it, its echo
 * protocol writes it back, the layer wraps that, and the client unwraps it. One operation is one
 * such echo: two wraps and two unwraps of {@code size} bytes, one of each in the server.
 *
 * <ul>
 *   <li>{@code twine}: {@link Tls#server} around twine's echo protocol, over a transport that keeps
 *       the records it is given. Its loop's work runs on a reactor thread, so each invocation hands
 *       {@value #BATCH} echoes to that thread at once (one hand-off per batch).</li>
 *   <li>{@code netty-jdk}: Netty's {@code SslHandler} on the JDK's engine and Netty's echo handler
 *       in an {@code EmbeddedChannel}, on the benchmark thread; each read is a pooled direct buffer,
 *       as a socket read would be.</li>
 *   <li>{@code netty-openssl}: the same with OpenSSL (netty-tcnative's BoringSSL).</li>
 *   <li>{@code jdk-engine}: a bare {@code SSLEngine} with buffers of its own and no framework, on
 *       the benchmark thread: the engine's own cost, which the JDK-based servers cannot go below
 *       (the client's engine is in every row).</li>
 * </ul>
 * TLS 1.3 with TLS_AES_128_GCM_SHA256 for all (the client offers only that), and a self-signed EC
 * P-256 key made with keytool. Run with {@code -prof gc} for bytes per echo.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class TlsRecordBenchmark {

    static final int BATCH = 16;
    private static final String PROTOCOL = "TLSv1.3";
    private static final String CIPHER = "TLS_AES_128_GCM_SHA256";
    private static final int NETWORK_BUFFER = 256 * 1024;

    @Param({"twine", "netty-jdk", "netty-openssl", "jdk-engine"})
    public String server;

    @Param({"64", "16384"})
    public int size;

    private Path folder;
    private Client client;
    private ServerSide side;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        folder = Files.createTempDirectory("twine-tls-bench");
        Path store = SelfSignedKeyStore.create(folder.resolve("server.p12"), folder.resolve("keytool.log"));
        EchoSetup setup = EchoSetup.tcp(0).withTls(store);
        switch (server) {
            case "twine":
                side = new TwineSide(setup);
                break;
            case "netty-jdk":
                side = new NettySide(setup, SslProvider.JDK);
                break;
            case "netty-openssl":
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException("OpenSSL is unavailable here: " + OpenSsl.unavailabilityCause());
                }
                side = new NettySide(setup, SslProvider.OPENSSL);
                break;
            case "jdk-engine":
                side = new EngineSide(setup);
                break;
            default:
                throw new IllegalArgumentException("unknown server " + server);
        }
        client = new Client(size);
        client.handshake(side);
        // The first echoes also carry what follows a TLS 1.3 handshake (session tickets).
        side.run(() -> client.echo(side));
        side.run(() -> client.echo(side));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (side != null) {
            side.close();
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long echo() throws Exception {
        long bytes = side.run(() -> {
            long echoed = 0;
            for (int i = 0; i < BATCH; i++) {
                echoed += client.echo(side);
            }
            return echoed;
        });
        if (bytes != (long) BATCH * size) {
            throw new IllegalStateException(server + " echoed " + bytes + " bytes of " + (long) BATCH * size);
        }
        return bytes;
    }

    /** The server's TLS layer and its echo, as the client sees it. */
    interface ServerSide extends AutoCloseable {
        /** Runs {@code work} where the server's callbacks must run, and returns its result. */
        long run(LongSupplier work) throws Exception;

        /** The server reads {@code records} (flipped; all of it is consumed); its answer goes to the end of {@code answer}. */
        void receive(ByteBuffer records, ByteBuffer answer);

        /** Ends the server; declares no exception, so that try-with-resources need not handle one. */
        @Override
        void close();
    }

    /** twine's layer on a reactor thread, over a {@link CapturingTransport}. */
    static final class TwineSide implements ServerSide {
        private final ReactorThread loop = ReactorThread.start();
        private final CapturingTransport transport = new CapturingTransport(NETWORK_BUFFER);
        private final Protocol layer;

        TwineSide(EchoSetup setup) {
            TlsOptions options = TlsOptions.serverFromPkcs12(setup.keyStore(),
                    EchoSetup.KEY_STORE_PASSWORD.toCharArray()).build();
            layer = loop.call(() -> {
                Protocol made = Tls.server(loop.reactor(), options, Factory.forProtocol(TwineEchoServer.Echo::new))
                        .buildProtocol(new InetSocketAddress("127.0.0.1", 0));
                made.makeConnection(transport);
                return made;
            });
        }

        @Override
        public long run(LongSupplier work) {
            return loop.call(work::getAsLong);
        }

        @Override
        public void receive(ByteBuffer records, ByteBuffer answer) {
            if (records.hasRemaining()) {
                layer.dataReceived(records);
            }
            transport.moveTo(answer);
        }

        @Override
        public void close() {
            loop.close();
        }
    }

    /** Netty's SslHandler and echo handler in an EmbeddedChannel, on the calling thread. */
    static final class NettySide implements ServerSide {
        private final EmbeddedChannel channel = new EmbeddedChannel();

        NettySide(EchoSetup setup, SslProvider provider) throws Exception {
            SslContext tls = SslContextBuilder.forServer(setup.keyManagers()).sslProvider(provider).build();
            channel.pipeline().addLast(tls.newHandler(channel.alloc()), NettyEchoServer.Echo.INSTANCE);
        }

        @Override
        public long run(LongSupplier work) {
            return work.getAsLong();
        }

        @Override
        public void receive(ByteBuffer records, ByteBuffer answer) {
            if (records.hasRemaining()) {
                ByteBuf read = channel.alloc().directBuffer(records.remaining());
                read.writeBytes(records);
                channel.writeInbound(read);
            }
            ByteBuf written;
            while ((written = channel.readOutbound()) != null) {
                answer.put(written.nioBuffer());
                written.release();
            }
        }

        @Override
        public void close() {
            channel.finishAndReleaseAll();
        }
    }

    /** A bare server SSLEngine that echoes: unwrap everything, wrap it back, nothing else. */
    static final class EngineSide implements ServerSide {
        private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
        private final SSLEngine engine;
        private final ByteBuffer plaintext = ByteBuffer.allocateDirect(NETWORK_BUFFER);

        EngineSide(EchoSetup setup) throws Exception {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(setup.keyManagers().getKeyManagers(), null, null);
            engine = context.createSSLEngine();
            engine.setUseClientMode(false);
        }

        @Override
        public long run(LongSupplier work) {
            return work.getAsLong();
        }

        @Override
        public void receive(ByteBuffer records, ByteBuffer answer) {
            try {
                while (true) {
                    SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
                    if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) {
                            task.run();
                        }
                    } else if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                        engine.wrap(NOTHING, answer);
                    } else if (!records.hasRemaining()
                            || engine.unwrap(records, plaintext).getStatus() != SSLEngineResult.Status.OK) {
                        break;  // the client always sends whole records: nothing is left half read
                    }
                }
                plaintext.flip();
                while (plaintext.hasRemaining()) {
                    engine.wrap(plaintext, answer);
                }
                plaintext.clear();
            } catch (SSLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {}
    }

    /** The client: a JDK SSLEngine with its four buffers, the same for every server. */
    static final class Client {
        private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
        private final SSLEngine engine;
        private final ByteBuffer message;
        private final ByteBuffer toServer = ByteBuffer.allocateDirect(NETWORK_BUFFER);
        private final ByteBuffer fromServer = ByteBuffer.allocateDirect(NETWORK_BUFFER);
        private final ByteBuffer echoed = ByteBuffer.allocateDirect(NETWORK_BUFFER);

        Client(int size) throws Exception {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustingManager()}, null);
            engine = context.createSSLEngine("localhost", 443);
            engine.setUseClientMode(true);
            engine.setEnabledProtocols(new String[] {PROTOCOL});
            engine.setEnabledCipherSuites(new String[] {CIPHER});
            message = ByteBuffer.allocateDirect(size);
            for (int i = 0; i < size; i++) {
                message.put(i, (byte) ('a' + i % 26));
            }
        }

        /** Shakes hands with the server, moving records both ways until both are done. */
        void handshake(ServerSide side) throws Exception {
            engine.beginHandshake();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
            while (status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                    && status != SSLEngineResult.HandshakeStatus.FINISHED) {
                if (System.nanoTime() - deadline > 0) {
                    throw new SSLException("no handshake within 30 s; stuck at " + status);
                }
                switch (status) {
                    case NEED_WRAP:
                        toServer.clear();
                        status = engine.wrap(NOTHING, toServer).getHandshakeStatus();
                        toServer.flip();
                        side.run(() -> {
                            side.receive(toServer, fromServer);
                            return 0;
                        });
                        break;
                    case NEED_TASK:
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) {
                            task.run();
                        }
                        status = engine.getHandshakeStatus();
                        break;
                    default:  // NEED_UNWRAP: what the server has said, or wait for it (it may be checking off its loop)
                        fromServer.flip();
                        SSLEngineResult result = engine.unwrap(fromServer, echoed);
                        fromServer.compact();
                        if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            toServer.clear().flip();
                            side.run(() -> {
                                side.receive(toServer, fromServer);
                                return 0;
                            });
                            Thread.onSpinWait();
                        }
                        status = engine.getHandshakeStatus();
                        break;
                }
            }
            echoed.clear();
        }

        /** One echo of the message; returns the bytes echoed (the message's size in steady state). */
        long echo(ServerSide side) {
            try {
                message.clear();
                toServer.clear();
                while (message.hasRemaining()) {
                    engine.wrap(message, toServer);
                }
                toServer.flip();
                side.receive(toServer, fromServer);
                fromServer.flip();
                long bytes = 0;
                while (fromServer.hasRemaining()) {
                    echoed.clear();
                    SSLEngineResult result = engine.unwrap(fromServer, echoed);
                    if (result.getStatus() != SSLEngineResult.Status.OK) {
                        break;
                    }
                    bytes += result.bytesProduced();
                }
                fromServer.compact();
                return bytes;
            } catch (SSLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Trusts the throw-away certificate: the benchmark measures records, not certificate checks. */
    private static final class TrustingManager implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
