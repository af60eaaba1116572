package io.twine.samples.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Channels and the connections subscribed to them: {@code PUBLISH} writes the message to every
 * subscriber of its channel, there and then, from the publisher's callback (every connection of
 * the loop runs on its thread, so no lock is needed).
 *
 * <p>A message is encoded once and the same bytes are written to each subscriber. A subscriber
 * that does not read is bounded by its transport: past the hard cap on its outbound buffer it is
 * closed with a limit-exceeded reason (Redis's {@code client-output-buffer-limit pubsub}).
 *
 * <p>Thread: loop only.
 */
final class PubSub {

    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, Set<RedisConnection>> subscribers = new HashMap<>();

    /** Adds {@code subscriber} to {@code channel}. */
    void subscribe(String channel, RedisConnection subscriber) {
        subscribers.computeIfAbsent(channel, name -> new LinkedHashSet<>()).add(subscriber);
    }

    /** Removes {@code subscriber} from {@code channel}; forgets a channel nobody listens to. */
    void unsubscribe(String channel, RedisConnection subscriber) {
        Set<RedisConnection> listeners = subscribers.get(channel);
        if (listeners != null && listeners.remove(subscriber) && listeners.isEmpty()) {
            subscribers.remove(channel);
        }
    }

    /** Sends {@code message} to every subscriber of {@code channel}; returns how many there were. */
    int publish(byte[] channel, byte[] message) {
        Set<RedisConnection> listeners = subscribers.get(Keys.of(channel));
        if (listeners == null) {
            return 0;
        }
        byte[] push = RespWriter.encodeArrayOfBulks(MESSAGE, channel, message);
        // A copy: a write past a subscriber's cap closes it, and closing unsubscribes it.
        List<RedisConnection> receivers = new ArrayList<>(listeners);
        for (RedisConnection receiver : receivers) {
            receiver.push(push);
        }
        return receivers.size();
    }
}
