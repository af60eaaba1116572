package io.twine.transport.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * How one side speaks TLS: its certificates, whom it trusts, the protocol versions, ALPN, client
 * certificates, and how long a handshake may take. Built once with a {@link Builder} and shared
 * by every connection (it makes one {@link SSLEngine} per connection).
 *
 * <pre>{@code
 * TlsOptions server = TlsOptions.server(Path.of("chain.pem"), Path.of("key.pem")).build();
 * TlsOptions client = TlsOptions.client().trustRoots(Path.of("ca.pem")).build();
 * }</pre>
 *
 * <p>Defaults: TLS 1.3 and 1.2 only, the JDK's default cipher suites, a 10 second handshake
 * timeout. A client checks the server's certificate against the JDK's trust store (or
 * {@link Builder#trustRoots}) and its host name as HTTPS does, and sends the host name with SNI.
 *
 * <p>Thread: immutable and safe on any thread.
 */
public final class TlsOptions {

    /** What a server asks of a client's certificate (mutual TLS). */
    public enum ClientAuth {
        /** The server does not ask for one. */
        NONE,
        /** The server asks; a client without one is still accepted. */
        WANTED,
        /** The server asks and refuses a client without a valid one. */
        REQUIRED
    }

    /** How long a handshake may take unless set otherwise: 10 seconds. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final boolean client;
    private final SSLContext context;
    private final String[] protocols;
    private final String[] applicationProtocols;
    private final ClientAuth clientAuth;
    private final boolean verifyPeer;
    private final Duration handshakeTimeout;

    private TlsOptions(Builder builder, SSLContext context) {
        this.client = builder.client;
        this.context = context;
        this.protocols = builder.protocols.toArray(new String[0]);
        this.applicationProtocols = builder.applicationProtocols.toArray(new String[0]);
        this.clientAuth = builder.clientAuth;
        this.verifyPeer = builder.verifyPeer;
        this.handshakeTimeout = builder.handshakeTimeout;
    }

    /**
     * A server with the certificate chain (its own certificate first) and PKCS#8 key of two PEM
     * files.
     *
     * @param certificateChainPem the chain, its own certificate first
     * @param privateKeyPem the PKCS#8 key
     * @return a builder for server options
     */
    public static Builder server(Path certificateChainPem, Path privateKeyPem) {
        Builder builder = new Builder(false);
        builder.certificate(LocalCertificates.DEFAULT_ALIAS, certificateChainPem, privateKeyPem);
        return builder;
    }

    /**
     * A server with the first key entry of a PKCS#12 file.
     *
     * @param pkcs12 the key store file
     * @param password the store's password; the caller may clear the array once this returns
     * @return a builder for server options
     */
    public static Builder serverFromPkcs12(Path pkcs12, char[] password) {
        Builder builder = new Builder(false);
        builder.pkcs12(pkcs12, password);
        return builder;
    }

    /**
     * A server, or a client, from a ready {@link SSLContext}: its key and trust managers are used
     * as they are.
     *
     * @param context the context to use as it is
     * @param client true for a client's options, false for a server's
     * @return a builder
     */
    public static Builder fromContext(SSLContext context, boolean client) {
        Builder builder = new Builder(client);
        builder.context = Objects.requireNonNull(context, "context");
        return builder;
    }

    /**
     * A client that trusts the JDK's trust store unless {@link Builder#trustRoots} says otherwise.
     *
     * @return a builder for client options
     */
    public static Builder client() {
        return new Builder(true);
    }

    /**
     * True for a client's options.
     *
     * @return true for a client, false for a server
     */
    public boolean isClient() {
        return client;
    }

    /**
     * The handshake timeout.
     *
     * @return the timeout; 10 seconds unless set
     */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * The protocols offered with ALPN, in preference order; empty if none.
     *
     * @return an unmodifiable list
     */
    public List<String> applicationProtocols() {
        return List.of(applicationProtocols);
    }

    /**
     * True unless {@link Builder#insecureSkipCertificateVerification()} was called.
     *
     * @return true if the peer's certificate is checked
     */
    public boolean verifiesPeer() {
        return verifyPeer;
    }

    /**
     * A new engine for one connection. For a client, {@code serverHostName} is checked against the
     * server's certificate and sent with SNI (unless it is an IP address, which SNI does not carry).
     */
    SSLEngine newEngine(String serverHostName, SocketAddress peer) {
        int port = peer instanceof InetSocketAddress ? ((InetSocketAddress) peer).getPort() : -1;
        SSLEngine engine = serverHostName != null ? context.createSSLEngine(serverHostName, port) : context.createSSLEngine();
        engine.setUseClientMode(client);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols);
        if (applicationProtocols.length > 0) {
            parameters.setApplicationProtocols(applicationProtocols);
        }
        if (client) {
            if (verifyPeer) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (serverHostName != null && !isIpLiteral(serverHostName)) {
                parameters.setServerNames(List.of(new SNIHostName(serverHostName)));
            }
        } else {
            // Each of the two setters clears what the other set: call only the one that applies.
            if (clientAuth == ClientAuth.REQUIRED) {
                parameters.setNeedClientAuth(true);
            } else if (clientAuth == ClientAuth.WANTED) {
                parameters.setWantClientAuth(true);
            }
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** SNI carries host names only; an IPv6 literal has a colon, an IPv4 one only digits and dots. */
    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** Builds {@link TlsOptions}; each setter returns the builder. Thread: one thread at a time. */
    public static final class Builder {
        private final boolean client;
        private final LocalCertificates certificates = new LocalCertificates();
        private SSLContext context;
        private List<X509Certificate> trustRoots;
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private List<String> applicationProtocols = List.of();
        private ClientAuth clientAuth = ClientAuth.NONE;
        private boolean verifyPeer = true;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

        private Builder(boolean client) {
            this.client = client;
        }

        private void certificate(String hostName, Path chainPem, Path keyPem) {
            try {
                X509Certificate[] chain = PemFiles.certificates(chainPem);
                PrivateKey key = PemFiles.privateKey(keyPem);
                certificates.put(hostName, key, chain);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + chainPem + " or " + keyPem + ": " + e.getMessage(), e);
            }
        }

        private void pkcs12(Path file, char[] password) {
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(in, password);
                for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements();) {
                    String alias = aliases.nextElement();
                    if (store.isKeyEntry(alias)) {
                        Certificate[] chain = store.getCertificateChain(alias);
                        certificates.put(LocalCertificates.DEFAULT_ALIAS, (PrivateKey) store.getKey(alias, password),
                                Arrays.copyOf(chain, chain.length, X509Certificate[].class));
                        return;
                    }
                }
                throw new IllegalArgumentException(file + " holds no private key entry");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the PKCS#12 file " + file + ": " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(file + " is not a usable PKCS#12 file: " + e.getMessage(), e);
            }
        }

        /**
         * Server: a different certificate for clients that ask for {@code hostName} with SNI
         * (others get the default one).
         *
         * @param hostName the name clients ask for
         * @param certificateChainPem that name's chain, its own certificate first
         * @param privateKeyPem that name's PKCS#8 key
         * @return this builder
         */
        public Builder serverName(String hostName, Path certificateChainPem, Path privateKeyPem) {
            requireServer("serverName");
            Objects.requireNonNull(hostName, "hostName");
            certificate(hostName, certificateChainPem, privateKeyPem);
            return this;
        }

        /**
         * Client: the certificate (and PKCS#8 key) this client shows a server that asks for one.
         *
         * @param certificateChainPem the client's chain, its own certificate first
         * @param privateKeyPem the client's PKCS#8 key
         * @return this builder
         */
        public Builder clientCertificate(Path certificateChainPem, Path privateKeyPem) {
            if (!client) {
                throw new IllegalStateException("clientCertificate is for client options");
            }
            certificate(LocalCertificates.DEFAULT_ALIAS, certificateChainPem, privateKeyPem);
            return this;
        }

        /**
         * Trusts only the CA certificates of this PEM file instead of the JDK's trust store: a
         * client checks servers against them, a server checks client certificates.
         *
         * @param caCertificatesPem one or more CA certificates
         * @return this builder
         */
        public Builder trustRoots(Path caCertificatesPem) {
            try {
                trustRoots = List.of(PemFiles.certificates(caCertificatesPem));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + caCertificatesPem + ": " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * Server: whether to ask for a client certificate (default {@link ClientAuth#NONE}).
         *
         * @param clientAuth none, wanted or required
         * @return this builder
         */
        public Builder clientAuth(ClientAuth clientAuth) {
            requireServer("clientAuth");
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /**
         * ALPN: a client offers these protocols in this order; a server picks the first of its own
         * list that the client offered. The result is {@link TlsTransport#applicationProtocol()}.
         *
         * @param protocols ALPN names, such as {@code "h2"}
         * @return this builder
         */
        public Builder applicationProtocols(String... protocols) {
            this.applicationProtocols = List.of(protocols);
            return this;
        }

        /**
         * The protocol versions allowed, for instance {@code "TLSv1.3"} alone; default TLS 1.3 and
         * 1.2.
         *
         * @param versions the JDK's names of the versions
         * @return this builder
         */
        public Builder protocols(String... versions) {
            if (versions.length == 0) {
                throw new IllegalArgumentException("at least one protocol version is needed");
            }
            this.protocols = List.of(versions);
            return this;
        }

        /**
         * How long a handshake may take before the connection is closed with a timed-out reason.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("the handshake timeout must be positive, got " + timeout);
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Client: accept ANY certificate for ANY host name. The connection is encrypted but not
         * authenticated, so anyone on the path can read and change it. For tests against
         * throw-away certificates only.
         *
         * @return this builder
         */
        public Builder insecureSkipCertificateVerification() {
            if (!client) {
                throw new IllegalStateException("insecureSkipCertificateVerification is for client options");
            }
            this.verifyPeer = false;
            return this;
        }

        /**
         * The options.
         *
         * @return immutable options, usable by any number of factories
         * @throws IllegalStateException if a server has no certificate
         * @throws IllegalArgumentException if the JDK refuses the keys or a protocol version
         */
        public TlsOptions build() {
            if (context == null && !client && !certificates.hasDefault()) {
                throw new IllegalStateException("a server needs a certificate and key");
            }
            try {
                SSLContext built = context != null ? context : newContext();
                TlsOptions options = new TlsOptions(this, built);
                options.newEngine(null, null);  // fail here, not in the first handshake, on a bad version
                return options;
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
            }
        }

        private SSLContext newContext() throws GeneralSecurityException {
            KeyManager[] keys = certificates.hasDefault() ? new KeyManager[] {certificates} : null;
            TrustManager[] trust;
            if (!verifyPeer) {
                trust = new TrustManager[] {new TrustEverything()};
            } else if (trustRoots != null) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                try {
                    store.load(null, null);
                } catch (IOException e) {
                    throw new AssertionError("an empty key store loads without I/O", e);
                }
                for (int i = 0; i < trustRoots.size(); i++) {
                    store.setCertificateEntry("root-" + i, trustRoots.get(i));
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trust = factory.getTrustManagers();
            } else {
                trust = null;  // the JDK's default trust store
            }
            SSLContext built = SSLContext.getInstance("TLS");
            built.init(keys, trust, null);
            return built;
        }

        private void requireServer(String method) {
            if (client) {
                throw new IllegalStateException(method + " is for server options");
            }
        }
    }
}
