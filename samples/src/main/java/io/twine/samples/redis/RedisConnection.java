package io.twine.samples.redis;

import io.twine.protocol.Reason;
import io.twine.protocol.basic.FrameReceiver;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One client of mini-redis. The whole journey of a request is in this file:
 * {@link #dataReceived} hands the bytes to the {@link FrameReceiver} base, which keeps what is
 * not yet decoded and calls {@link #decodeFrame} while requests are complete; the
 * {@link RespDecoder} cuts one request out; the {@link CommandTable} runs it, and its command
 * writes the reply through {@link #reply}; at the end of the read all the replies go to the
 * transport in one write, and the reactor sends them when this callback returns.
 *
 * <p><b>Flow control.</b> A client may pipeline requests whose replies are far larger than they
 * are (one 64 KiB read holds about 2,700 {@code GET}s; of a 64 KiB value each, that is 170 MiB of
 * replies). So this connection registers itself as the streaming producer of its own transport:
 * when the replies waiting to be sent pass the transport's high-water mark, the base stops both
 * reading from the socket and running the requests already read, which wait undecoded; when the
 * client has read enough, it runs them and reads again. The memory one client can hold is then
 * about the high-water mark, plus the largest reply, plus one read.
 *
 * <p><b>Bad input</b> gets Redis's error reply, then the connection is closed once the replies
 * before it are sent.
 *
 * <p>Thread: loop only.
 */
final class RedisConnection extends FrameReceiver {

    private final CommandTable commands;
    private final PubSub pubSub;
    private final RespDecoder decoder = new RespDecoder();

    /** Where commands write their replies; made when the connection is. */
    RespWriter reply;
    /** The channels this connection is subscribed to, in the order it subscribed. */
    final Set<String> channels = new LinkedHashSet<>();

    RedisConnection(CommandTable commands, PubSub pubSub) {
        this.commands = commands;
        this.pubSub = pubSub;
    }

    @Override
    public void connectionMade() {
        reply = new RespWriter(transport);
        transport.registerProducer(this, true);
    }

    /** Runs every complete request of {@code data} (until paused), then sends the replies together. */
    @Override
    public void dataReceived(ByteBuffer data) {
        super.dataReceived(data);
        reply.flush();
    }

    /** One request: decode it, run it. Called by the base while whole requests are waiting. */
    @Override
    protected void decodeFrame(ByteBuffer in) {
        List<byte[]> request;
        try {
            request = decoder.decode(in);
        } catch (RespDecoder.ProtocolError e) {
            reply.error("ERR " + e.getMessage());
            reply.flush();
            transport.loseConnection(Reason.error("protocol error: " + e.getMessage(), null));
            return;
        }
        if (request != null) {
            commands.execute(this, request);
        }
    }

    /** The client has read enough: run the requests that waited, and send their replies. */
    @Override
    public void resumeProducing() {
        super.resumeProducing();
        reply.flush();
    }

    /** {@code QUIT}: close once the replies so far are sent, and run nothing more. */
    void closeAfterReply() {
        reply.flush();
        transport.loseConnection();
    }

    /** True while subscribed to a channel: then only (UN)SUBSCRIBE, PING and QUIT may run. */
    boolean isSubscribed() {
        return !channels.isEmpty();
    }

    /** Writes a message pushed by {@link PubSub}; called from the publisher's callback. */
    void push(byte[] message) {
        transport.write(message);
    }

    @Override
    public void connectionLost(Reason reason) {
        for (String channel : channels) {
            pubSub.unsubscribe(channel, this);
        }
        channels.clear();
    }
}
