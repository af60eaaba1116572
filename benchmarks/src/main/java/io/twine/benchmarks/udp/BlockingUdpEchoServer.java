package io.twine.benchmarks.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * The baseline: a plain blocking {@link DatagramSocket} echo on a thread of its own, one
 * receive and one send per datagram, reusing one packet.
 */
final class BlockingUdpEchoServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread thread;

    BlockingUdpEchoServer(InetSocketAddress address) throws SocketException {
        socket = new DatagramSocket(address);
        thread = new Thread(this::serve, "blocking-udp-echo");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void serve() {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        while (!socket.isClosed()) {
            try {
                packet.setLength(65_536);
                socket.receive(packet);
                socket.send(packet);  // back to the packet's sender, which receive() filled in
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    e.printStackTrace();
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();  // the socket is closed; the thread ends by itself
        }
    }
}
