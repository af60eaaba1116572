package io.twine.samples.chat;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.basic.LineReceiver;
import io.twine.reactor.EventLoop;
import io.twine.reactor.Reactor;
import io.twine.reactor.ReactorGroup;
import io.twine.reactor.TcpOptions;
import io.twine.samples.support.Addresses;
import io.twine.samples.support.GroupServerStarter;
import io.twine.samples.support.OptionSpec;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.SampleTls;
import io.twine.samples.support.ServerStarter;
import io.twine.samples.support.StartedServer;
import io.twine.samples.support.StreamSockets;
import io.twine.samples.support.UsageException;
import io.twine.transport.tcp.TcpGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * {@code chat-server}: the classic Twisted broadcast chat. A client first gives a name; after
 * that every line it sends goes to every other client as {@code <name> line}. Try it with
 * {@code nc 127.0.0.1 21567} in two terminals.
 *
 * <p>Many clients, one thread, shared state and no locks: the room's member map lives in the
 * {@link ChatRoom} factory, and every protocol that touches it runs on the loop thread.
 *
 * <p>One stuck client must not grow the server's memory: each connection's outbound queue is
 * capped ({@code --max-queued}, 1 MiB by default) with the transport's own hard cap, so a client
 * that stops reading is disconnected with a limit-exceeded reason once that much is waiting for
 * it, and the others are told it was dropped. Keep the cap well above one read's worth of
 * broadcast (the reactor reads up to 64 KiB at a time), or a client that reads steadily can be
 * dropped by one burst from a fast talker. A line longer than {@value #MAX_LINE_BYTES} bytes
 * ends its sender's connection too.
 *
 * <p>Lines end with {@code \n} or {@code \r\n} and are UTF-8; the server sends {@code \r\n}.
 * The framing is the library's {@link LineReceiver}.
 */
public final class ChatServer {

    /** The longest line a client may send, in bytes, before its {@code \n} (a {@code \r} counts). */
    public static final int MAX_LINE_BYTES = 4096;
    /** The longest name, in characters. */
    public static final int MAX_NAME_LENGTH = 32;
    /** {@code --max-queued BYTES}: the per-client cap on queued outbound bytes. */
    public static final OptionSpec MAX_QUEUED = new OptionSpec("max-queued", "BYTES",
            "bytes waiting to be sent to one client before it is dropped as too slow", String.valueOf(1 << 20));

    private ChatServer() {}

    /** Listens on {@code address} with the {@code --max-queued} option. A {@link ServerStarter}. */
    public static StartedServer start(EventLoop reactor, SocketAddress address, PrintStream log, SampleArgs args)
            throws IOException, UsageException {
        long maxQueued = args.number(MAX_QUEUED.name(), MAX_LINE_BYTES + 2, 1L << 30);
        return listen(reactor, address, log, SampleTls.server(reactor, args, new ChatRoom(log, maxQueued)),
                TcpOptions.defaults());
    }

    /** Listens on {@code address} with a given per-client cap and socket options. Loop-only. */
    public static StartedServer start(EventLoop reactor, SocketAddress address, PrintStream log, long maxQueuedBytes,
            TcpOptions options) throws IOException {
        return listen(reactor, address, log, new ChatRoom(log, maxQueuedBytes), options);
    }

    private static StartedServer listen(EventLoop reactor, SocketAddress address, PrintStream log, Factory room,
            TcpOptions options) throws IOException {
        StartedServer server = StartedServer.of(StreamSockets.listen(reactor, address, room, options));
        ServerStarter.announce(log, server);
        return server;
    }

    /**
     * Listens from every loop of {@code group} ({@code --loops N}): a room per loop, and a line
     * said on one loop reaches the members of every other loop through that loop's
     * {@code callFromThread}: the lesson of this sample. A {@link GroupServerStarter}.
     */
    public static StartedServer start(ReactorGroup group, SocketAddress address, PrintStream log, SampleArgs args)
            throws IOException, UsageException {
        long maxQueued = args.number(MAX_QUEUED.name(), MAX_LINE_BYTES + 2, 1L << 30);
        return start(group, address, log, maxQueued, TcpGroup.Balancing.platformDefault(), SampleTls.serverLayer(args));
    }

    /** As above, plain TCP, with a given per-client cap and way of spreading the connections. */
    public static StartedServer start(ReactorGroup group, SocketAddress address, PrintStream log, long maxQueuedBytes,
            TcpGroup.Balancing balancing) throws IOException {
        return start(group, address, log, maxQueuedBytes, balancing, (loop, room) -> room);
    }

    /** Each loop's room goes through {@code layer} (TLS, with {@code --tls-cert}) for its loop. */
    private static StartedServer start(ReactorGroup group, SocketAddress address, PrintStream log, long maxQueuedBytes,
            TcpGroup.Balancing balancing, BiFunction<EventLoop, Factory, Factory> layer) throws IOException {
        Rooms rooms = new Rooms(group);
        AtomicInteger nextLoop = new AtomicInteger();  // TcpGroup asks for the factories in loop order
        StartedServer server = StartedServer.of(TcpGroup.listen(group, address, () -> {
            ChatRoom room = new ChatRoom(log, maxQueuedBytes, rooms, group.get(nextLoop.getAndIncrement()));
            rooms.byLoop.put(room.loop, room);
            return layer.apply(room.loop, room);
        }, TcpOptions.defaults(), balancing));
        log.println("listening on " + Addresses.hostPort(server.address()) + " with " + group.size() + " loops");
        return server;
    }

    /**
     * The rooms of a group's loops, one per loop, and the names taken on any of them. The map is
     * filled before the loops start and only read after; the names are the one thing the loops
     * share, so they are a concurrent set.
     */
    static final class Rooms {
        final ReactorGroup group;
        final Map<Reactor, ChatRoom> byLoop = new ConcurrentHashMap<>();
        final Set<String> names = ConcurrentHashMap.newKeySet();

        Rooms(ReactorGroup group) {
            this.group = group;
        }
    }

    /**
     * The room: who is here under which name. The factory of every member's protocol. In a
     * group, one room per loop holds that loop's members.
     *
     * <p>Thread: its loop only.
     */
    public static final class ChatRoom extends Factory {

        private final Map<String, Member> members = new LinkedHashMap<>();
        private final PrintStream log;
        private final long maxQueuedBytes;
        /** Null on a single loop. */
        private final Rooms rooms;
        private final Reactor loop;

        /** @param maxQueuedBytes the cap on each client's outbound queue */
        public ChatRoom(PrintStream log, long maxQueuedBytes) {
            this(log, maxQueuedBytes, null, null);
        }

        ChatRoom(PrintStream log, long maxQueuedBytes, Rooms rooms, Reactor loop) {
            this.rooms = rooms;
            this.loop = loop;
            this.log = Objects.requireNonNull(log, "log");
            if (maxQueuedBytes <= MAX_LINE_BYTES) {
                throw new IllegalArgumentException("the per-client cap must exceed one line ("
                        + MAX_LINE_BYTES + " bytes), got " + maxQueuedBytes);
            }
            this.maxQueuedBytes = maxQueuedBytes;
        }

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            return new Member(this);
        }

        /** The names of the members (of every loop's room, in a group), in the order they joined here. */
        public List<String> names() {
            if (rooms != null) {
                return new ArrayList<>(rooms.names);
            }
            return new ArrayList<>(members.keySet());
        }

        /**
         * Sends {@code line} to every member but {@code from}; in a group, also to every other
         * loop's members, on their own loop's thread (in the order this loop said them).
         */
        void broadcast(Member from, String line) {
            tellHere(from, line);
            if (rooms != null) {
                rooms.group.forEachOther(loop, other -> rooms.byLoop.get(other).tellHere(null, line));
            }
        }

        private void tellHere(Member from, String line) {
            // A copy: a send may drop a slow member, which leaves the map during the loop.
            for (Member member : new ArrayList<>(members.values())) {
                if (member != from) {
                    member.tell(line);
                }
            }
        }

        /** Takes {@code name} for a member, here and (in a group) on every loop; false if taken. */
        private boolean claim(String name) {
            if (rooms != null) {
                return rooms.names.add(name);
            }
            return !members.containsKey(name);
        }

        private void release(String name) {
            if (rooms != null) {
                rooms.names.remove(name);
            }
        }
    }

    /**
     * One client: first its name, then its lines. A {@link LineReceiver} splits what it sends
     * into lines at {@code \n}; the {@code \r} of a {@code \r\n} is dropped from the line.
     */
    static final class Member extends LineReceiver {

        private final ChatRoom room;
        private String name;
        private boolean lineTooLong;

        Member(ChatRoom room) {
            this.room = room;
            setDelimiter(new byte[] {'\n'});
            setMaxLength(MAX_LINE_BYTES);
        }

        @Override
        public void connectionMade() {
            transport.setMaxWriteBufferSize(room.maxQueuedBytes);
            room.log.println("...connected from: " + Addresses.pythonTuple(transport.getPeer()));
            tell("Welcome to the twine chat. What is your name?");
        }

        @Override
        public void lineReceived(String line) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (name == null) {
                chooseName(line.trim());
            } else {
                room.broadcast(this, "<" + name + "> " + line);
            }
        }

        /** Says why, then closes: the default would close without a word. */
        @Override
        public void lineLengthExceeded(int length) {
            lineTooLong = true;
            tell("* lines are limited to " + MAX_LINE_BYTES + " bytes; goodbye");
            transport.loseConnection();
        }

        private void chooseName(String wanted) {
            if (wanted.isEmpty() || wanted.length() > MAX_NAME_LENGTH) {
                tell("A name has 1 to " + MAX_NAME_LENGTH + " characters. What is your name?");
                return;
            }
            List<String> others = room.names();
            if (!room.claim(wanted)) {
                tell("The name " + wanted + " is taken. What is your name?");
                return;
            }
            name = wanted;
            room.members.put(name, this);
            room.log.println(name + " joined from " + Addresses.hostPort(transport.getPeer()));
            tell("Welcome, " + name + "! " + (others.isEmpty() ? "Nobody else is here yet." : "Here now: " + String.join(", ", others) + "."));
            room.broadcast(this, "* " + name + " has joined");
        }

        /** Sends {@code line} with the {@code \r\n} that telnet-style clients expect. */
        void tell(String line) {
            transport.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void connectionLost(Reason reason) {
            if (name == null || room.members.get(name) != this) {
                return;
            }
            room.members.remove(name);
            room.release(name);
            String why;
            if (reason.kind() == Reason.Kind.LIMIT_EXCEEDED) {
                why = " was dropped: too slow to read";
            } else if (lineTooLong) {
                why = " was dropped: line too long";
            } else {
                why = " has left";
            }
            room.log.println(name + why + " (" + reason.message() + ")");
            room.broadcast(this, "* " + name + why);
        }
    }
}
