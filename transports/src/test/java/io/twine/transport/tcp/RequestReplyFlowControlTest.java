package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.basic.ByteLineReceiver;
import io.twine.protocol.basic.FrameReceiver;
import io.twine.testing.ReactorThread;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The request/reply recipe of {@link FrameReceiver} over real sockets: one client pipelines
 * 5,000 requests for 64 KiB replies (320 MiB in all) and does not read. With the recipe's one
 * line the server holds for it at most the high-water mark plus one reply outbound, and one read
 * plus an unfinished request inbound; another client is answered meanwhile; and the slow client,
 * once it reads, gets every reply, in order.
 */
@Timeout(120)
class RequestReplyFlowControlTest {

    private static final int REQUESTS = 5_000;
    private static final int REPLY = 64 * 1024;
    /** Each request is padded to this many bytes, newline included. */
    private static final int REQUEST = 16;

    /** Answers each line (a number, padded with spaces) with 64 KiB: the number, then filler. */
    static final class Replier extends ByteLineReceiver {
        private final byte[] reply = new byte[REPLY];
        long maxOutbound;
        long maxHeld;
        int pauses;

        Replier() {
            setDelimiter(new byte[] {'\n'});
        }

        @Override
        public void connectionMade() {
            transport.registerProducer(this, true);  // the recipe
        }

        @Override
        public void lineReceived(ByteBuffer line) {
            long number = Long.parseLong(StandardCharsets.US_ASCII.decode(line).toString().trim());
            ByteBuffer.wrap(reply).putLong(number);
            java.util.Arrays.fill(reply, 8, REPLY, (byte) number);
            transport.write(reply);
            maxOutbound = Math.max(maxOutbound, transport.getWriteBufferSize());
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            super.dataReceived(data);
            maxHeld = Math.max(maxHeld, bufferedBytes());
        }

        @Override
        public void pauseProducing() {
            pauses++;
            super.pauseProducing();
        }
    }

    @Test
    void aClientThatPipelinesAndNeverReadsCostsABoundedAmountAndGetsEveryReplyInOrder() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            Replier[] slowServer = new Replier[1];
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), Loopback.ANY_PORT, Factory.forProtocol(() -> {
                Replier replier = new Replier();
                if (slowServer[0] == null) {
                    slowServer[0] = replier;
                }
                return replier;
            })));
            int portNumber = ((InetSocketAddress) port.getHost()).getPort();
            try (Socket slow = new Socket("127.0.0.1", portNumber)) {
                slow.setSoTimeout(30_000);
                // Sent from another thread: however much the kernel's buffers take, this one never reads.
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> send(slow, 0, REQUESTS));
                awaitFirstPause(rt, slowServer);

                // Meanwhile another client is answered.
                try (Socket other = new Socket("127.0.0.1", portNumber)) {
                    other.setSoTimeout(30_000);
                    send(other, 424_242, 1);
                    DataInputStream in = new DataInputStream(other.getInputStream());
                    checkReply(in, 424_242);
                }

                DataInputStream in = new DataInputStream(slow.getInputStream());
                for (int i = 0; i < REQUESTS; i++) {
                    checkReply(in, i);
                }
                sent.get(30, TimeUnit.SECONDS);
            }
            long highWaterMark = TcpConnection.DEFAULT_HIGH_WATER_MARK;
            long maxOutbound = rt.call(() -> slowServer[0].maxOutbound);
            long maxHeld = rt.call(() -> slowServer[0].maxHeld);
            assertTrue(maxOutbound <= highWaterMark + REPLY, "outbound bytes reached " + maxOutbound
                    + ", above the high-water mark plus one reply (" + (highWaterMark + REPLY) + ")");
            long readBuffer = io.twine.reactor.Reactor.READ_BUFFER_SIZE;
            assertTrue(maxHeld <= readBuffer + REQUEST, "held " + maxHeld + " inbound bytes, above one read plus a request");
        }
    }

    /** Runs loop turns until the slow client's server protocol has been paused once. */
    private static void awaitFirstPause(ReactorThread rt, Replier[] server) {
        for (int turn = 0; turn < 100_000; turn++) {
            if (rt.call(() -> server[0] != null && server[0].pauses > 0)) {
                return;
            }
        }
        throw new AssertionError("the server never paused for the client that does not read");
    }

    private static void send(Socket socket, long first, int count) {
        byte[] requests = new byte[count * REQUEST];
        java.util.Arrays.fill(requests, (byte) ' ');
        for (int i = 0; i < count; i++) {
            byte[] number = Long.toString(first + i).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(number, 0, requests, i * REQUEST, number.length);
            requests[(i + 1) * REQUEST - 1] = '\n';
        }
        try {
            OutputStream out = socket.getOutputStream();
            out.write(requests);
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void checkReply(DataInputStream in, long number) throws IOException {
        byte[] reply = new byte[REPLY];
        in.readFully(reply);
        assertEquals(number, ByteBuffer.wrap(reply).getLong(), "replies out of order");
        for (int i = 8; i < REPLY; i++) {
            if (reply[i] != (byte) number) {
                throw new AssertionError("byte " + i + " of reply " + number + " differs");
            }
        }
    }
}
