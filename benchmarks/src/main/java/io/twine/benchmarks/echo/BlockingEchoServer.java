package io.twine.benchmarks.echo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classic blocking echo server: an accept thread and one thread per connection, each with
 * its own 8 KiB buffer (the size of a {@code BufferedInputStream}'s).
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

    /** Listens on 127.0.0.1:{@code port}; 0 picks a free port. */
    public static BlockingEchoServer start(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
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
    public int port() {
        return server.getLocalPort();
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
