package io.twine.samples.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each command does: reads its arguments (the command table has checked their number),
 * works on the {@link Store} or {@link PubSub}, and writes one reply. Replies and errors are the
 * ones Redis 7 gives, byte for byte, down to the order of its checks.
 *
 * <p>Values by type: a string is a {@code byte[]}, a list an {@code ArrayDeque<byte[]>}, a set a
 * {@code LinkedHashSet<String>} and a hash a {@code HashMap<String, byte[]>}. {@code SPOP} takes
 * the set's oldest member where Redis picks one at random: no client may rely on which.
 *
 * <p>Thread: loop only.
 */
final class Commands {

    static final String WRONG_TYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    static final String NOT_AN_INTEGER = "ERR value is not an integer or out of range";
    static final String NOT_POSITIVE = "ERR value is out of range, must be positive";
    static final String SYNTAX_ERROR = "ERR syntax error";

    /** What {@code CONFIG GET} knows: enough for {@code redis-benchmark}, which checks persistence. */
    private static final Map<String, String> CONFIG = Map.of("save", "", "appendonly", "no");
    private static final byte[] PONG = "pong".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];

    private final Store store;
    private final PubSub pubSub;

    Commands(Store store, PubSub pubSub) {
        this.store = store;
        this.pubSub = pubSub;
    }

    // ------------------------------------------------------------------ connection

    void ping(RedisConnection client, List<byte[]> args) {
        if (args.size() > 2) {
            client.reply.error(CommandTable.wrongNumberOfArguments("ping"));
        } else if (client.isSubscribed()) {
            // A subscribed connection reads only pushes, so its PONG has their shape.
            client.reply.arrayHeader(2);
            client.reply.bulk(PONG);
            client.reply.bulk(args.size() == 2 ? args.get(1) : EMPTY);
        } else if (args.size() == 2) {
            client.reply.bulk(args.get(1));
        } else {
            client.reply.simpleString("PONG");
        }
    }

    void echo(RedisConnection client, List<byte[]> args) {
        client.reply.bulk(args.get(1));
    }

    void quit(RedisConnection client, List<byte[]> args) {
        client.reply.simpleString("OK");
        client.closeAfterReply();
    }

    // ------------------------------------------------------------------ strings

    void get(RedisConnection client, List<byte[]> args) {
        Object value = store.get(Keys.of(args.get(1)));
        if (value == null) {
            client.reply.nullBulk();
        } else if (value instanceof byte[]) {
            client.reply.bulk((byte[]) value);
        } else {
            client.reply.error(WRONG_TYPE);
        }
    }

    /** {@code SET key value [EX seconds | PX milliseconds] [NX | XX]}. */
    void set(RedisConnection client, List<byte[]> args) {
        boolean nx = false;
        boolean xx = false;
        boolean seconds = false;
        byte[] expire = null;
        for (int i = 3; i < args.size(); i++) {
            byte[] option = args.get(i);
            boolean hasValue = i + 1 < args.size();
            if (Keys.is(option, "nx") && !xx) {
                nx = true;
            } else if (Keys.is(option, "xx") && !nx) {
                xx = true;
            } else if (Keys.is(option, "ex") && (expire == null || seconds) && hasValue) {
                seconds = true;
                expire = args.get(++i);
            } else if (Keys.is(option, "px") && (expire == null || !seconds) && hasValue) {
                expire = args.get(++i);
            } else {
                client.reply.error(SYNTAX_ERROR);
                return;
            }
        }
        long deadline = Store.NO_DEADLINE;
        if (expire != null) {
            deadline = deadline(client, expire, seconds, "set");
            if (deadline == Store.NO_DEADLINE) {
                return;
            }
        }
        String key = Keys.of(args.get(1));
        boolean exists = store.contains(key);
        if ((nx && exists) || (xx && !exists)) {
            client.reply.nullBulk();
            return;
        }
        store.set(key, args.get(2));
        if (deadline != Store.NO_DEADLINE) {
            store.expireAt(key, deadline);
        }
        client.reply.simpleString("OK");
    }

    /** The epoch-millisecond deadline {@code SET}'s EX or PX asks for, or NO_DEADLINE after replying an error. */
    private long deadline(RedisConnection client, byte[] amount, boolean seconds, String command) {
        long millis;
        try {
            millis = RedisNumbers.parse(amount);
        } catch (NumberFormatException e) {
            client.reply.error(NOT_AN_INTEGER);
            return Store.NO_DEADLINE;
        }
        long now = store.nowMillis();
        if (millis <= 0 || (seconds && millis > Long.MAX_VALUE / 1000)
                || (seconds ? millis * 1000 : millis) > Long.MAX_VALUE - now) {
            client.reply.error("ERR invalid expire time in '" + command + "' command");
            return Store.NO_DEADLINE;
        }
        return now + (seconds ? millis * 1000 : millis);
    }

    void mset(RedisConnection client, List<byte[]> args) {
        if (args.size() % 2 == 0) {
            client.reply.error(CommandTable.wrongNumberOfArguments("mset"));
            return;
        }
        for (int i = 1; i < args.size(); i += 2) {
            store.set(Keys.of(args.get(i)), args.get(i + 1));
        }
        client.reply.simpleString("OK");
    }

    void incr(RedisConnection client, List<byte[]> args) {
        addToInteger(client, Keys.of(args.get(1)), 1);
    }

    void decr(RedisConnection client, List<byte[]> args) {
        addToInteger(client, Keys.of(args.get(1)), -1);
    }

    /** {@code INCRBY key n}: redis-py's {@code incr} sends it. */
    void incrby(RedisConnection client, List<byte[]> args) {
        try {
            addToInteger(client, Keys.of(args.get(1)), RedisNumbers.parse(args.get(2)));
        } catch (NumberFormatException e) {
            client.reply.error(NOT_AN_INTEGER);
        }
    }

    /** {@code DECRBY key n}: redis-py's {@code decr} sends it. */
    void decrby(RedisConnection client, List<byte[]> args) {
        long delta;
        try {
            delta = RedisNumbers.parse(args.get(2));
        } catch (NumberFormatException e) {
            client.reply.error(NOT_AN_INTEGER);
            return;
        }
        if (delta == Long.MIN_VALUE) {
            client.reply.error("ERR decrement would overflow");
            return;
        }
        addToInteger(client, Keys.of(args.get(1)), -delta);
    }

    /** INCR, DECR, INCRBY, DECRBY: the value must be a string spelling an integer; the key keeps its deadline. */
    private void addToInteger(RedisConnection client, String key, long delta) {
        Object value = store.get(key);
        long number = 0;
        if (value != null) {
            if (!(value instanceof byte[])) {
                client.reply.error(WRONG_TYPE);
                return;
            }
            try {
                number = RedisNumbers.parse((byte[]) value);
            } catch (NumberFormatException e) {
                client.reply.error(NOT_AN_INTEGER);
                return;
            }
        }
        if ((delta > 0 && number > Long.MAX_VALUE - delta) || (delta < 0 && number < Long.MIN_VALUE - delta)) {
            client.reply.error("ERR increment or decrement would overflow");
            return;
        }
        number += delta;
        byte[] digits = Long.toString(number).getBytes(StandardCharsets.US_ASCII);
        if (value == null) {
            store.set(key, digits);
        } else {
            store.replace(key, digits);
        }
        client.reply.integer(number);
    }

    // ------------------------------------------------------------------ keys

    void del(RedisConnection client, List<byte[]> args) {
        int removed = 0;
        for (int i = 1; i < args.size(); i++) {
            if (store.remove(Keys.of(args.get(i)))) {
                removed++;
            }
        }
        client.reply.integer(removed);
    }

    void exists(RedisConnection client, List<byte[]> args) {
        int found = 0;
        for (int i = 1; i < args.size(); i++) {
            if (store.contains(Keys.of(args.get(i)))) {
                found++;
            }
        }
        client.reply.integer(found);
    }

    /** {@code EXPIRE key seconds [NX | XX | GT | LT]}; a time in the past removes the key. */
    void expire(RedisConnection client, List<byte[]> args) {
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int i = 3; i < args.size(); i++) {
            byte[] option = args.get(i);
            if (Keys.is(option, "nx")) {
                nx = true;
            } else if (Keys.is(option, "xx")) {
                xx = true;
            } else if (Keys.is(option, "gt")) {
                gt = true;
            } else if (Keys.is(option, "lt")) {
                lt = true;
            } else {
                client.reply.error("ERR Unsupported option " + Keys.quoted(option, Integer.MAX_VALUE));
                return;
            }
        }
        if (nx && (xx || gt || lt)) {
            client.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if (gt && lt) {
            client.reply.error("ERR GT and LT options at the same time are not compatible");
            return;
        }
        long seconds;
        try {
            seconds = RedisNumbers.parse(args.get(2));
        } catch (NumberFormatException e) {
            client.reply.error(NOT_AN_INTEGER);
            return;
        }
        long now = store.nowMillis();
        // Negative times are allowed (they remove the key); only overflow is an error.
        if (seconds > Long.MAX_VALUE / 1000 || seconds < Long.MIN_VALUE / 1000 || seconds * 1000 > Long.MAX_VALUE - now) {
            client.reply.error("ERR invalid expire time in 'expire' command");
            return;
        }
        long when = now + seconds * 1000;
        String key = Keys.of(args.get(1));
        if (!store.contains(key)) {
            client.reply.integer(0);
            return;
        }
        long current = store.deadline(key);
        boolean none = current == Store.NO_DEADLINE;
        if ((nx && !none) || (xx && none) || (gt && (none || when <= current)) || (lt && !none && when >= current)) {
            client.reply.integer(0);
            return;
        }
        store.expireAt(key, when);
        client.reply.integer(1);
    }

    /** Seconds left, rounded: -2 for no key, -1 for a key without a deadline. */
    void ttl(RedisConnection client, List<byte[]> args) {
        String key = Keys.of(args.get(1));
        if (!store.contains(key)) {
            client.reply.integer(-2);
            return;
        }
        long deadline = store.deadline(key);
        if (deadline == Store.NO_DEADLINE) {
            client.reply.integer(-1);
            return;
        }
        long left = Math.max(deadline - store.nowMillis(), 0);
        client.reply.integer((left + 500) / 1000);
    }

    // ------------------------------------------------------------------ lists

    void lpush(RedisConnection client, List<byte[]> args) {
        push(client, args, true);
    }

    void rpush(RedisConnection client, List<byte[]> args) {
        push(client, args, false);
    }

    private void push(RedisConnection client, List<byte[]> args, boolean atHead) {
        String key = Keys.of(args.get(1));
        Object value = store.get(key);
        if (value != null && !(value instanceof ArrayDeque)) {
            client.reply.error(WRONG_TYPE);
            return;
        }
        @SuppressWarnings("unchecked")
        ArrayDeque<byte[]> list = (ArrayDeque<byte[]>) value;
        if (list == null) {
            list = new ArrayDeque<>();
            store.set(key, list);
        }
        for (int i = 2; i < args.size(); i++) {
            if (atHead) {
                list.addFirst(args.get(i));
            } else {
                list.addLast(args.get(i));
            }
        }
        client.reply.integer(list.size());
    }

    void lpop(RedisConnection client, List<byte[]> args) {
        pop(client, args, true, "lpop");
    }

    void rpop(RedisConnection client, List<byte[]> args) {
        pop(client, args, false, "rpop");
    }

    /** {@code LPOP key [count]}: one value, or (with a count) an array of up to count values. */
    private void pop(RedisConnection client, List<byte[]> args, boolean fromHead, String name) {
        if (args.size() > 3) {
            client.reply.error(CommandTable.wrongNumberOfArguments(name));
            return;
        }
        long count = -1;
        if (args.size() == 3) {
            count = positive(client, args.get(2));
            if (count < 0) {
                return;
            }
        }
        String key = Keys.of(args.get(1));
        Object value = store.get(key);
        if (value == null) {
            if (count < 0) {
                client.reply.nullBulk();
            } else {
                client.reply.nullArray();
            }
            return;
        }
        if (!(value instanceof ArrayDeque)) {
            client.reply.error(WRONG_TYPE);
            return;
        }
        @SuppressWarnings("unchecked")
        ArrayDeque<byte[]> list = (ArrayDeque<byte[]>) value;
        if (count < 0) {
            client.reply.bulk(fromHead ? list.pollFirst() : list.pollLast());
        } else {
            int n = (int) Math.min(count, list.size());
            client.reply.arrayHeader(n);
            for (int i = 0; i < n; i++) {
                client.reply.bulk(fromHead ? list.pollFirst() : list.pollLast());
            }
        }
        if (list.isEmpty()) {
            store.remove(key);
        }
    }

    /** {@code LRANGE key start stop}: negative indexes count from the end; the range is clamped. */
    void lrange(RedisConnection client, List<byte[]> args) {
        long start;
        long stop;
        try {
            start = RedisNumbers.parse(args.get(2));
            stop = RedisNumbers.parse(args.get(3));
        } catch (NumberFormatException e) {
            client.reply.error(NOT_AN_INTEGER);
            return;
        }
        Object value = store.get(Keys.of(args.get(1)));
        if (value == null) {
            client.reply.arrayHeader(0);
            return;
        }
        if (!(value instanceof ArrayDeque)) {
            client.reply.error(WRONG_TYPE);
            return;
        }
        @SuppressWarnings("unchecked")
        ArrayDeque<byte[]> list = (ArrayDeque<byte[]>) value;
        long size = list.size();
        start = Math.max(start < 0 ? size + start : start, 0);
        stop = stop < 0 ? size + stop : stop;
        if (start > stop || start >= size) {
            client.reply.arrayHeader(0);
            return;
        }
        stop = Math.min(stop, size - 1);
        client.reply.arrayHeader((int) (stop - start + 1));
        Iterator<byte[]> values = list.iterator();
        for (long i = 0; i <= stop; i++) {
            byte[] element = values.next();
            if (i >= start) {
                client.reply.bulk(element);
            }
        }
    }

    // ------------------------------------------------------------------ sets and hashes

    void sadd(RedisConnection client, List<byte[]> args) {
        String key = Keys.of(args.get(1));
        Object value = store.get(key);
        if (value != null && !(value instanceof Set)) {
            client.reply.error(WRONG_TYPE);
            return;
        }
        @SuppressWarnings("unchecked")
        Set<String> set = (Set<String>) value;
        if (set == null) {
            set = new LinkedHashSet<>();
            store.set(key, set);
        }
        int added = 0;
        for (int i = 2; i < args.size(); i++) {
            if (set.add(Keys.of(args.get(i)))) {
                added++;
            }
        }
        client.reply.integer(added);
    }

    /** {@code SPOP key [count]}: one member, or (with a count) an array of up to count members. */
    void spop(RedisConnection client, List<byte[]> args) {
        if (args.size() > 3) {
            client.reply.error(SYNTAX_ERROR);
            return;
        }
        long count = -1;
        if (args.size() == 3) {
            count = positive(client, args.get(2));
            if (count < 0) {
                return;
            }
        }
        String key = Keys.of(args.get(1));
        Object value = store.get(key);
        if (value == null) {
            if (count < 0) {
                client.reply.nullBulk();
            } else {
                client.reply.arrayHeader(0);
            }
            return;
        }
        if (!(value instanceof Set)) {
            client.reply.error(WRONG_TYPE);
            return;
        }
        @SuppressWarnings("unchecked")
        Set<String> set = (Set<String>) value;
        if (count < 0) {
            client.reply.bulk(removeOldest(set));
        } else {
            int n = (int) Math.min(count, set.size());
            client.reply.arrayHeader(n);
            for (int i = 0; i < n; i++) {
                client.reply.bulk(removeOldest(set));
            }
        }
        if (set.isEmpty()) {
            store.remove(key);
        }
    }

    private static String removeOldest(Set<String> set) {
        Iterator<String> members = set.iterator();
        String member = members.next();
        members.remove();
        return member;
    }

    /** {@code HSET key field value [field value ...]}: replies how many fields are new. */
    void hset(RedisConnection client, List<byte[]> args) {
        if (args.size() % 2 == 1) {
            client.reply.error(CommandTable.wrongNumberOfArguments("hset"));
            return;
        }
        String key = Keys.of(args.get(1));
        Object value = store.get(key);
        if (value != null && !(value instanceof Map)) {
            client.reply.error(WRONG_TYPE);
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, byte[]> hash = (Map<String, byte[]>) value;
        if (hash == null) {
            hash = new HashMap<>();
            store.set(key, hash);
        }
        int created = 0;
        for (int i = 2; i < args.size(); i += 2) {
            if (hash.put(Keys.of(args.get(i)), args.get(i + 1)) == null) {
                created++;
            }
        }
        client.reply.integer(created);
    }

    // ------------------------------------------------------------------ pub/sub

    void publish(RedisConnection client, List<byte[]> args) {
        client.reply.integer(pubSub.publish(args.get(1), args.get(2)));
    }

    void subscribe(RedisConnection client, List<byte[]> args) {
        for (int i = 1; i < args.size(); i++) {
            String channel = Keys.of(args.get(i));
            if (client.channels.add(channel)) {
                pubSub.subscribe(channel, client);
            }
            subscription(client, "subscribe", args.get(i), client.channels.size());
        }
    }

    /** {@code UNSUBSCRIBE [channel ...]}: from the channels given, or from all. */
    void unsubscribe(RedisConnection client, List<byte[]> args) {
        if (args.size() == 1 && client.channels.isEmpty()) {
            subscription(client, "unsubscribe", null, 0);
            return;
        }
        List<byte[]> channels = new ArrayList<>();
        if (args.size() == 1) {
            for (String channel : client.channels) {
                channels.add(Keys.bytes(channel));
            }
        } else {
            channels.addAll(args.subList(1, args.size()));
        }
        for (byte[] channel : channels) {
            String name = Keys.of(channel);
            if (client.channels.remove(name)) {
                pubSub.unsubscribe(name, client);
            }
            subscription(client, "unsubscribe", channel, client.channels.size());
        }
    }

    /** The confirmation of one (un)subscription: kind, channel (null for none), subscriptions left. */
    private static void subscription(RedisConnection client, String kind, byte[] channel, int count) {
        client.reply.arrayHeader(3);
        client.reply.bulk(kind);
        if (channel == null) {
            client.reply.nullBulk();
        } else {
            client.reply.bulk(channel);
        }
        client.reply.integer(count);
    }

    // ------------------------------------------------------------------ server

    /** {@code CONFIG GET parameter...}: the value of each parameter known, under the name given. */
    void config(RedisConnection client, List<byte[]> args) {
        if (!Keys.is(args.get(1), "get")) {
            client.reply.error(CommandTable.unknownSubcommand(args.get(1), "CONFIG"));
            return;
        }
        if (args.size() < 3) {
            client.reply.error(CommandTable.wrongNumberOfArguments("config|get"));
            return;
        }
        List<byte[]> found = new ArrayList<>();
        for (int i = 2; i < args.size(); i++) {
            String value = CONFIG.get(Keys.of(args.get(i)).toLowerCase(java.util.Locale.ROOT));
            if (value != null) {
                found.add(args.get(i));
                found.add(Keys.bytes(value));
            }
        }
        client.reply.arrayHeader(found.size());
        for (byte[] item : found) {
            client.reply.bulk(item);
        }
    }

    /** A count argument: 0 or more, or -1 after replying Redis's error. */
    private static long positive(RedisConnection client, byte[] text) {
        try {
            long count = RedisNumbers.parse(text);
            if (count >= 0) {
                return count;
            }
        } catch (NumberFormatException e) {
            // Redis gives the same error for both.
        }
        client.reply.error(NOT_POSITIVE);
        return -1;
    }
}
