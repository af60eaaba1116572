package io.twine.benchmarks.echo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * The classic blocking echo server: an accept thread and one thread per connection, each with
 * its own 8 KiB buffer (the size of a {@code BufferedInputStream}'s); over TLS the same with the
 * JDK's {@code SSLSocket}s.
 */
public final class BlockingEchoServer implements EchoServer {

    private static final int BUFFER_SIZE = 8 * 1024;

    private final ServerSocket server;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private BlockingEchoServer(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "blocking-echo-accept");
        this.acceptor.setDaemon(true);
    }

    /** Listens on the TCP address of {@code setup}, over TLS ({@code SSLServerSocket}) if it says so. */
    public static BlockingEchoServer start(EchoSetup setup) throws IOException, GeneralSecurityException {
        ServerSocket socket;
        if (setup.isTls()) {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(setup.keyManagers().getKeyManagers(), null, null);
            socket = tls.getServerSocketFactory().createServerSocket();
        } else {
            socket = new ServerSocket();
        }
        socket.setReuseAddress(true);
        socket.bind(setup.address(), BACKLOG);
        BlockingEchoServer server = new BlockingEchoServer(socket);
        server.acceptor.start();
        return server;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
                socket.setTcpNoDelay(true);
            } catch (IOException e) {
                continue;  // closed (the loop ends) or a connection that died before accept
            }
            connections.add(socket);
            // Small stacks: 10,000 idle connections mean 10,000 threads.
            Thread serving = new Thread(null, () -> serve(socket), "blocking-echo", 256 * 1024);
            serving.setDaemon(true);
            serving.start();
        }
    }

    private void serve(Socket socket) {
        byte[] buffer = new byte[BUFFER_SIZE];
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketException closed) {
            // reset by the client, or closed by close(): either way this connection is over
        } catch (IOException e) {
            // same: nothing to report for an echo connection that ended badly
        } finally {
            connections.remove(socket);
        }
    }

    @Override
    public SocketAddress address() {
        return server.getLocalSocketAddress();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listening socket has nothing useful to fail with
        }
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the serving thread sees the close and ends
            }
        }
    }
}
