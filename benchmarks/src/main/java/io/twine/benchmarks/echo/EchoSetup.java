package io.twine.benchmarks.echo;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;

/**
 * Where and how an echo server listens: TCP on 127.0.0.1 or a Unix socket file, with how many
 * loops (event-loop threads), and with TLS or not. Every server of the benchmarks is started
 * from one of these, so that they differ only in their code.
 *
 * <p>Immutable; safe on any thread.
 */
public final class EchoSetup {

    /** The password of every key store the benchmarks make (a throw-away self-signed key). */
    public static final String KEY_STORE_PASSWORD = "twine-bench";

    private final SocketAddress address;
    private final int loops;
    private final Path keyStore;

    private EchoSetup(SocketAddress address, int loops, Path keyStore) {
        if (loops < 1) {
            throw new IllegalArgumentException("a server needs at least one loop, got " + loops);
        }
        this.address = address;
        this.loops = loops;
        this.keyStore = keyStore;
    }

    /** TCP on 127.0.0.1:{@code port} (0 picks a free port), one loop, no TLS. */
    public static EchoSetup tcp(int port) {
        return new EchoSetup(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1, null);
    }

    /** A Unix domain socket at {@code path} (which must not exist yet), one loop, no TLS. */
    public static EchoSetup unix(Path path) {
        return new EchoSetup(UnixDomainSocketAddress.of(path), 1, null);
    }

    /** The same with {@code loops} event-loop threads. */
    public EchoSetup withLoops(int loops) {
        return new EchoSetup(address, loops, keyStore);
    }

    /**
     * The same over TLS, with the first key of the PKCS#12 file {@code keyStore} (password
     * {@link #KEY_STORE_PASSWORD}) as the server's certificate and key.
     */
    public EchoSetup withTls(Path keyStore) {
        return new EchoSetup(address, loops, Objects.requireNonNull(keyStore, "keyStore"));
    }

    /** An {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}. */
    public SocketAddress address() {
        return address;
    }

    public boolean isUnix() {
        return address instanceof UnixDomainSocketAddress;
    }

    public int loops() {
        return loops;
    }

    public boolean isTls() {
        return keyStore != null;
    }

    /** The PKCS#12 file of the server's key, or null without TLS. */
    public Path keyStore() {
        return keyStore;
    }

    /** Key managers over {@link #keyStore()}, for servers that take a {@link KeyManagerFactory}. */
    public KeyManagerFactory keyManagers() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, KEY_STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(store, KEY_STORE_PASSWORD.toCharArray());
        return managers;
    }

    @Override
    public String toString() {
        return (isUnix() ? "unix:" + ((UnixDomainSocketAddress) address).getPath() : "tcp:" + address)
                + ", " + loops + " loop(s)" + (isTls() ? ", TLS" : "");
    }
}
