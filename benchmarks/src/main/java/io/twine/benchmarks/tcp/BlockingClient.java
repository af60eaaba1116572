package io.twine.benchmarks.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * The client side of the loopback benchmarks: one blocking {@code java.net} socket driven by the
 * JMH thread. Every server is measured against this same client, so the differences between
 * results are the servers'.
 *
 * <p>Thread: the JMH benchmark thread only. Allocation-free after construction.
 */
final class BlockingClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    BlockingClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        // A stuck server fails the benchmark instead of hanging it.
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void write(byte[] data, int length) throws IOException {
        out.write(data, 0, length);
    }

    /** Reads exactly {@code length} bytes into {@code into}. */
    void readFully(byte[] into, int length) throws IOException {
        int offset = 0;
        while (offset < length) {
            int n = in.read(into, offset, length - offset);
            if (n < 0) {
                throw new EOFException("the server closed after " + offset + " of " + length + " bytes");
            }
            offset += n;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
