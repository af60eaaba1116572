package io.twine.samples.support;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Factory;
import io.twine.reactor.EventLoop;
import io.twine.transport.tls.Tls;
import io.twine.transport.tls.TlsOptions;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The TLS options every TCP sample takes: a server serves TLS with {@code --tls-cert CHAIN.pem
 * --tls-key KEY.pem}; a client speaks TLS with {@code --tls} (trusting the JDK's trust store) or
 * {@code --tls-ca CA.pem} (trusting that CA), checking that the certificate names {@code --host}.
 * {@code samples/make-throwaway-certs.sh} makes a CA and a localhost certificate to try it with.
 * Options without these (tests and the demo start samples without them, or with none) mean plain TCP.
 */
public final class SampleTls {

    /** Servers: the certificate chain, its own certificate first. */
    public static final OptionSpec CERT = new OptionSpec("tls-cert", "CHAIN.pem",
            "serve TLS with this certificate chain (PEM); needs --tls-key", "");
    /** Servers: the private key, PKCS#8 PEM. */
    public static final OptionSpec KEY = new OptionSpec("tls-key", "KEY.pem",
            "the private key of --tls-cert (PKCS#8 PEM)", "");
    /** Clients: speak TLS. */
    public static final OptionSpec TLS = OptionSpec.flag("tls",
            "connect with TLS, checking the server's certificate names --host");
    /** Clients: whom to trust. */
    public static final OptionSpec CA = new OptionSpec("tls-ca", "CA.pem",
            "trust this CA (PEM) instead of the JDK's trust store; implies --tls", "");

    private SampleTls() {}

    /**
     * {@code factory}, behind TLS when {@code --tls-cert} was given.
     *
     * @throws UsageException if only one of the two files was given, or they cannot be used
     */
    public static Factory server(EventLoop reactor, SampleArgs args, Factory factory) throws UsageException {
        return serverLayer(args).apply(reactor, factory);
    }

    /**
     * What {@link #server} does to a factory, for a server on several loops ({@code --loops N}):
     * the options are read and checked once, and each loop's factory is wrapped for its own loop.
     *
     * @throws UsageException if only one of the two files was given, or they cannot be used
     */
    public static BiFunction<EventLoop, Factory, Factory> serverLayer(SampleArgs args) throws UsageException {
        if (args == null || !args.declares(CERT.name())) {
            return (loop, factory) -> factory;  // a test or the demo starting the sample without these options
        }
        String cert = args.string(CERT.name());
        String key = args.string(KEY.name());
        if (cert.isEmpty() && key.isEmpty()) {
            return (loop, factory) -> factory;
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw new UsageException("--tls-cert and --tls-key go together");
        }
        try {
            TlsOptions options = TlsOptions.server(Path.of(cert), Path.of(key)).build();
            return (loop, factory) -> Tls.server(loop, options, factory);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new UsageException("cannot serve TLS: " + e.getMessage());
        }
    }

    /**
     * {@code factory}, behind TLS to {@code --host} when {@code --tls} or {@code --tls-ca} was given.
     *
     * @throws UsageException if the CA file cannot be used
     */
    public static ClientFactory client(EventLoop reactor, SampleArgs args, ClientFactory factory) throws UsageException {
        return clientLayer(reactor, args).apply(factory);
    }

    /**
     * What {@link #client} does to a factory, for a client that connects many times: the options
     * are read once.
     *
     * @throws UsageException if the CA file cannot be used
     */
    public static UnaryOperator<ClientFactory> clientLayer(EventLoop reactor, SampleArgs args) throws UsageException {
        if (args == null || !args.declares(CA.name())) {
            return UnaryOperator.identity();
        }
        String ca = args.string(CA.name());
        if (!args.flag(TLS.name()) && ca.isEmpty()) {
            return UnaryOperator.identity();
        }
        try {
            TlsOptions.Builder builder = TlsOptions.client();
            if (!ca.isEmpty()) {
                builder.trustRoots(Path.of(ca));
            }
            TlsOptions options = builder.build();
            String host = args.string("host");
            return factory -> Tls.client(reactor, options, host, factory);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new UsageException("cannot connect with TLS: " + e.getMessage());
        }
    }
}
