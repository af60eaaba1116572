package io.twine.samples.udp;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.reactor.Reactor;
import io.twine.samples.support.Addresses;
import io.twine.samples.support.Ctime;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.ServerStarter;
import io.twine.samples.support.StartedServer;
import io.twine.transport.udp.Udp;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code udp-server}: the seed's {@code tsUserv.py}, a UDP timestamp server. Every datagram that
 * arrives goes back to its sender as one datagram, {@code [ctime] text}, the time in Python's
 * {@code time.ctime()} layout ({@code [Mon Jun  4 12:42:07 2018] Hello}, local time). The log
 * repeats the seed's: {@code waiting for message...} before each datagram, and
 * {@code ...received from and returned to: ('127.0.0.1', 59736)} after answering it.
 *
 * <p>The reply carries the datagram's bytes unchanged. The seed's listing sends a {@code str}
 * (a {@code TypeError} under Python 3) made with {@code '%s' % data}, which would show Python's
 * {@code b'Hello'} repr: slips of the port from Python 2, not a format to copy. Unlike the seed's
 * {@code recvfrom(1024)}, which cuts longer datagrams, every datagram is answered whole; one so
 * large that the reply would not fit in a datagram (over 65,507 bytes with the stamp, to an IPv4
 * sender) is logged and not answered.
 *
 * <p>There are no connections: one {@link DatagramProtocol} serves every sender, on the loop
 * thread.
 */
public final class UdpServer {

    private UdpServer() {}

    /** Listens on {@code address} and logs to {@code log}, stamping with local time. A {@link ServerStarter}. */
    public static StartedServer start(Reactor reactor, SocketAddress address, PrintStream log, SampleArgs args)
            throws IOException {
        StartedServer server = StartedServer.of(Udp.listen(reactor, Addresses.internet(address), new TimestampDatagrams(log, Ctime.local())));
        ServerStarter.announce(log, server);
        log.println("waiting for message...");
        return server;
    }

    /**
     * The seed's loop body: a datagram in, {@code [ctime] datagram} back to where it came from.
     *
     * <p>Thread: loop only.
     */
    public static final class TimestampDatagrams extends DatagramProtocol {

        private final PrintStream log;
        private final Ctime ctime;
        /** The reply is assembled here, reused for every datagram. */
        private final ByteBuffer reply = ByteBuffer.allocate(DatagramTransport.MAX_IPV6_PAYLOAD);

        /**
         * @param log where each datagram is logged
         * @param ctime the clock of the replies
         */
        public TimestampDatagrams(PrintStream log, Ctime ctime) {
            this.log = Objects.requireNonNull(log, "log");
            this.ctime = Objects.requireNonNull(ctime, "ctime");
        }

        /** Answers {@code data} with the time before it, in one datagram to {@code sender}. */
        @Override
        public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
            byte[] stamp = ("[" + ctime.now() + "] ").getBytes(StandardCharsets.UTF_8);
            int limit = sender.getAddress() instanceof Inet4Address
                    ? DatagramTransport.MAX_IPV4_PAYLOAD
                    : DatagramTransport.MAX_IPV6_PAYLOAD;
            if (stamp.length + data.remaining() > limit) {
                log.println("...datagram of " + data.remaining() + " bytes from " + Addresses.pythonTuple(sender)
                        + " not answered: with the time it would exceed the " + limit + "-byte limit of a datagram");
            } else {
                reply.clear();
                reply.put(stamp).put(data).flip();
                transport.write(reply, sender);
                log.println("...received from and returned to: " + Addresses.pythonTuple(sender));
            }
            log.println("waiting for message...");
        }
    }
}
