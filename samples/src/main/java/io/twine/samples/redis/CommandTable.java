package io.twine.samples.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * Every command mini-redis knows, and the checks Redis makes before running one: is the name
 * known, is the number of arguments right, is the command allowed while the connection is
 * subscribed. The errors are Redis 7's, word for word.
 *
 * <p>Each entry is Redis's own description of a command: its arity ({@code N} for exactly N
 * words, {@code -N} for at least N, the name counted), where its keys are (first, last, step, as
 * {@code COMMAND} reports them), its group and a one-line summary ({@code COMMAND DOCS}).
 *
 * <p>Thread: loop only.
 */
final class CommandTable {

    /** What a command does: reads its arguments (the name first) and writes one reply to {@code client}. */
    @FunctionalInterface
    interface Handler {
        void run(RedisConnection client, List<byte[]> args);
    }

    /** One command of the table. */
    record Command(String name, int arity, int firstKey, int lastKey, int keyStep, boolean allowedWhileSubscribed,
            String group, String summary, Handler handler) {

        boolean acceptsArgumentCount(int count) {
            return arity >= 0 ? count == arity : count >= -arity;
        }
    }

    /** The commands in the order {@code COMMAND} lists them. */
    private final List<Command> commands = new ArrayList<>();
    /**
     * The same commands by name, for {@link #find}: a hash table with open addressing (a command
     * sits in the first free slot from its name's hash on), at most half full.
     */
    private final Command[] byName = new Command[64];

    /** The table of mini-redis's commands, run by {@code commands}. */
    CommandTable(Commands c) {
        add("ping", -1, 0, 0, 0, true, "connection", "replies PONG, or the message given", c::ping);
        add("echo", 2, 0, 0, 0, false, "connection", "replies the message given", c::echo);
        add("quit", -1, 0, 0, 0, true, "connection", "replies OK and closes the connection", c::quit);
        add("get", 2, 1, 1, 1, false, "string", "the value of a key", c::get);
        add("set", -3, 1, 1, 1, false, "string", "sets a key's value [EX s | PX ms] [NX | XX]", c::set);
        add("mset", -3, 1, -1, 2, false, "string", "sets several keys' values", c::mset);
        add("incr", 2, 1, 1, 1, false, "string", "adds one to a key's integer value", c::incr);
        add("decr", 2, 1, 1, 1, false, "string", "subtracts one from a key's integer value", c::decr);
        add("incrby", 3, 1, 1, 1, false, "string", "adds a number to a key's integer value", c::incrby);
        add("decrby", 3, 1, 1, 1, false, "string", "subtracts a number from a key's integer value", c::decrby);
        add("del", -2, 1, -1, 1, false, "generic", "removes keys", c::del);
        add("exists", -2, 1, -1, 1, false, "generic", "how many of the keys given exist", c::exists);
        add("expire", -3, 1, 1, 1, false, "generic", "sets a key's time to live in seconds [NX | XX | GT | LT]",
                c::expire);
        add("ttl", 2, 1, 1, 1, false, "generic", "a key's time to live in seconds", c::ttl);
        add("lpush", -3, 1, 1, 1, false, "list", "adds values at the head of a list", c::lpush);
        add("rpush", -3, 1, 1, 1, false, "list", "adds values at the tail of a list", c::rpush);
        add("lpop", -2, 1, 1, 1, false, "list", "removes and returns values from the head of a list", c::lpop);
        add("rpop", -2, 1, 1, 1, false, "list", "removes and returns values from the tail of a list", c::rpop);
        add("lrange", 4, 1, 1, 1, false, "list", "the values of a list between two indexes", c::lrange);
        add("sadd", -3, 1, 1, 1, false, "set", "adds members to a set", c::sadd);
        add("spop", -2, 1, 1, 1, false, "set", "removes and returns members of a set", c::spop);
        add("hset", -4, 1, 1, 1, false, "hash", "sets fields of a hash", c::hset);
        add("publish", 3, 0, 0, 0, false, "pubsub", "sends a message to a channel's subscribers", c::publish);
        add("subscribe", -2, 0, 0, 0, true, "pubsub", "listens to channels", c::subscribe);
        add("unsubscribe", -1, 0, 0, 0, true, "pubsub", "stops listening to channels (all, if none given)",
                c::unsubscribe);
        add("config", -2, 0, 0, 0, false, "server", "CONFIG GET: the settings redis-benchmark asks for", c::config);
        add("command", -1, 0, 0, 0, false, "server", "describes the commands of this table", this::command);
    }

    private void add(String name, int arity, int firstKey, int lastKey, int keyStep, boolean allowedWhileSubscribed,
            String group, String summary, Handler handler) {
        Command command = new Command(name, arity, firstKey, lastKey, keyStep, allowedWhileSubscribed, group, summary,
                handler);
        commands.add(command);
        if (2 * commands.size() > byName.length) {
            throw new IllegalStateException("more commands than the table of names has room for");
        }
        int slot = slotOf(Keys.bytes(name));
        while (byName[slot] != null) {
            slot = (slot + 1) % byName.length;
        }
        byName[slot] = command;
    }

    /**
     * The command called {@code name} in any letter case, as Redis matches names, or null. It
     * runs for every request, so it makes no String: the name's bytes are hashed and compared as
     * they came.
     */
    Command find(byte[] name) {
        for (int slot = slotOf(name); byName[slot] != null; slot = (slot + 1) % byName.length) {
            if (Keys.is(name, byName[slot].name())) {
                return byName[slot];
            }
        }
        return null;
    }

    /** Where the search for {@code name} starts: a hash of its letters, blind to their case. */
    private int slotOf(byte[] name) {
        int hash = 0;
        for (byte b : name) {
            hash = 31 * hash + Character.toLowerCase((char) (b & 0xff));
        }
        return Math.floorMod(hash, byName.length);
    }

    /** Runs one request: finds its command, checks it may run, runs it. It writes exactly one reply. */
    void execute(RedisConnection client, List<byte[]> args) {
        Command command = find(args.get(0));
        if (command == null) {
            client.reply.error(unknownCommand(args));
        } else if (!command.acceptsArgumentCount(args.size())) {
            client.reply.error(wrongNumberOfArguments(command.name()));
        } else if (client.isSubscribed() && !command.allowedWhileSubscribed()) {
            client.reply.error("ERR Can't execute '" + command.name() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE"
                    + " / PING / QUIT / RESET are allowed in this context");
        } else {
            command.handler().run(client, args);
        }
    }

    /** Redis's error for a wrong count of arguments; {@code name} is {@code get}, or {@code config|get}. */
    static String wrongNumberOfArguments(String name) {
        return "ERR wrong number of arguments for '" + name + "' command";
    }

    /** Redis's error for a subcommand its container does not know, e.g. {@code CONFIG FOO}. */
    static String unknownSubcommand(byte[] subcommand, String container) {
        return "ERR unknown subcommand '" + Keys.quoted(subcommand, 128) + "'. Try " + container + " HELP.";
    }

    /** Redis's error for an unknown command: the name, and the start of the arguments (128 characters in all). */
    private static String unknownCommand(List<byte[]> args) {
        StringBuilder quoted = new StringBuilder();
        for (int i = 1; i < args.size() && quoted.length() < 128; i++) {
            int room = 128 - quoted.length();
            quoted.append('\'').append(Keys.quoted(args.get(i), room)).append("' ");
        }
        return "ERR unknown command '" + Keys.quoted(args.get(0), 128) + "', with args beginning with: " + quoted;
    }

    /**
     * {@code COMMAND} (each command's name, arity, flags, key positions), {@code COMMAND COUNT},
     * and {@code COMMAND DOCS [name...]} (each command's summary and group: what {@code redis-cli}
     * asks for when it starts, to show help).
     */
    private void command(RedisConnection client, List<byte[]> args) {
        RespWriter reply = client.reply;
        if (args.size() == 1) {
            reply.arrayHeader(commands.size());
            for (Command command : commands) {
                reply.arrayHeader(6);
                reply.bulk(command.name());
                reply.integer(command.arity());
                reply.arrayHeader(0);
                reply.integer(command.firstKey());
                reply.integer(command.lastKey());
                reply.integer(command.keyStep());
            }
        } else if (Keys.is(args.get(1), "count") && args.size() == 2) {
            reply.integer(commands.size());
        } else if (Keys.is(args.get(1), "docs")) {
            List<Command> wanted = new ArrayList<>();
            if (args.size() == 2) {
                wanted.addAll(commands);
            }
            for (int i = 2; i < args.size(); i++) {
                Command command = find(args.get(i));
                if (command != null) {
                    wanted.add(command);
                }
            }
            reply.arrayHeader(2 * wanted.size());
            for (Command command : wanted) {
                reply.bulk(command.name());
                reply.arrayHeader(4);
                reply.bulk("summary");
                reply.bulk(command.summary());
                reply.bulk("group");
                reply.bulk(command.group());
            }
        } else if (Keys.is(args.get(1), "count")) {
            reply.error(wrongNumberOfArguments("command|count"));
        } else {
            reply.error(unknownSubcommand(args.get(1), "COMMAND"));
        }
    }
}
