package io.twine.samples.redis;

import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One client of mini-redis. The whole journey of a request is in this file:
 * {@link #dataReceived} gives the bytes to the {@link RespDecoder}, which cuts them into
 * requests; each request goes to the {@link CommandTable}, whose command writes its reply
 * through {@link #reply}; at the end of the batch the replies go to the transport in one write,
 * and the reactor sends them when this callback returns.
 *
 * <p><b>Flow control.</b> A client may pipeline requests whose replies are far larger than they
 * are (one 64 KiB read holds about 2,700 {@code GET}s; of a 64 KiB value each, that is 170 MiB of
 * replies). So this connection is the streaming producer of its own transport: when the replies
 * waiting to be sent pass the transport's high-water mark, {@link #pauseProducing} stops both
 * reading from the socket and running the requests already read, which wait here, undecoded;
 * when the client has read enough, {@link #resumeProducing} runs them and reads again. The memory
 * one client can hold is then about the high-water mark, plus the largest reply, plus one read.
 *
 * <p><b>Bad input</b> gets Redis's error reply, then the connection is closed once the replies
 * before it are sent.
 *
 * <p>Thread: loop only.
 */
final class RedisConnection extends Protocol implements Producer {

    private final CommandTable commands;
    private final PubSub pubSub;
    private final RespDecoder decoder = new RespDecoder();
    /** Bytes received and not yet decoded: the end of a line cut by a read, or requests waiting while paused. */
    private byte[] unconsumed = new byte[0];
    private int unconsumedSize;
    private boolean paused;
    private boolean closing;

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

    @Override
    public void dataReceived(ByteBuffer data) {
        if (unconsumedSize == 0) {
            serve(data);
            keep(data);
        } else {
            keep(data);
            serveUnconsumed();
        }
    }

    /** Runs the complete requests at the front of {@code in}, until it ends, or we pause or close. */
    private void serve(ByteBuffer in) {
        try {
            while (!paused && !closing) {
                List<byte[]> request = decoder.decode(in);
                if (request == null) {
                    break;
                }
                commands.execute(this, request);
            }
        } catch (RespDecoder.ProtocolError e) {
            reply.error("ERR " + e.getMessage());
            closing = true;
            reply.flush();
            transport.loseConnection(Reason.error("protocol error: " + e.getMessage(), null));
            return;
        }
        reply.flush();
        if (closing) {
            transport.loseConnection();
        }
    }

    /** Runs the requests in the unconsumed bytes, and keeps what is left of them. */
    private void serveUnconsumed() {
        ByteBuffer in = ByteBuffer.wrap(unconsumed, 0, unconsumedSize);
        serve(in);
        unconsumedSize = closing ? 0 : in.remaining();
        System.arraycopy(unconsumed, in.position(), unconsumed, 0, unconsumedSize);
    }

    /** Appends what is left of {@code in} to the unconsumed bytes. */
    private void keep(ByteBuffer in) {
        int length = in.remaining();
        if (length == 0 || closing) {
            return;
        }
        if (unconsumedSize + length > unconsumed.length) {
            unconsumed = Arrays.copyOf(unconsumed, Math.max(unconsumedSize + length, 2 * unconsumed.length));
        }
        in.get(unconsumed, unconsumedSize, length);
        unconsumedSize += length;
    }

    /** The transport's queue is above its high-water mark: stop reading, and stop running requests. */
    @Override
    public void pauseProducing() {
        paused = true;
        transport.pauseProducing();
    }

    /** The queue has drained to the low-water mark: run the requests waiting, then read again. */
    @Override
    public void resumeProducing() {
        paused = false;
        serveUnconsumed();
        if (!paused && !closing) {
            transport.resumeProducing();
        }
    }

    @Override
    public void stopProducing() {
        // The transport is closing; connectionLost follows.
    }

    /** True while the transport's queue is above its high-water mark: no request runs. */
    boolean isPaused() {
        return paused;
    }

    /** Bytes received and not yet decoded (requests waiting while paused, or part of a line). */
    int unconsumedBytes() {
        return unconsumedSize;
    }

    /** {@code QUIT}: close once the replies so far are sent, and run nothing more. */
    void closeAfterReply() {
        closing = true;
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
