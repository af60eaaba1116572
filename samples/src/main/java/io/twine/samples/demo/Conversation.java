package io.twine.samples.demo;

import io.twine.samples.support.ClientStarter;
import io.twine.samples.support.ServerStarter;
import java.util.List;
import java.util.Objects;

/**
 * One act of the demo: a server sample, the client sample that talks to it, and the lines the
 * client is given, as if typed. The last line is usually empty, which ends the client as in the
 * seed's transcripts.
 *
 * <p>Immutable.
 */
public final class Conversation {

    private final String serverName;
    private final String clientName;
    private final String origin;
    private final ServerStarter server;
    private final ClientStarter client;
    private final List<String> lines;
    private final boolean overUnixSocket;

    /**
     * @param serverName the server's launcher name
     * @param clientName the client's launcher name
     * @param origin a few words on where the pair comes from, e.g. the seed's file names
     */
    public Conversation(String serverName, String clientName, String origin, ServerStarter server,
            ClientStarter client, List<String> lines) {
        this(serverName, clientName, origin, server, client, lines, false);
    }

    /**
     * @param overUnixSocket true to talk over a Unix domain socket in a temporary folder instead
     *     of a port of 127.0.0.1
     */
    public Conversation(String serverName, String clientName, String origin, ServerStarter server,
            ClientStarter client, List<String> lines, boolean overUnixSocket) {
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.clientName = Objects.requireNonNull(clientName, "clientName");
        this.origin = Objects.requireNonNull(origin, "origin");
        this.server = Objects.requireNonNull(server, "server");
        this.client = Objects.requireNonNull(client, "client");
        this.lines = List.copyOf(lines);
        this.overUnixSocket = overUnixSocket;
    }

    /** The server's launcher name. */
    public String serverName() {
        return serverName;
    }

    /** The client's launcher name. */
    public String clientName() {
        return clientName;
    }

    /** Where the pair comes from, in a few words. */
    public String origin() {
        return origin;
    }

    /** Starts the server. */
    public ServerStarter server() {
        return server;
    }

    /** Starts the client. */
    public ClientStarter client() {
        return client;
    }

    /** True when the pair talks over a Unix domain socket rather than TCP. */
    public boolean overUnixSocket() {
        return overUnixSocket;
    }

    /** The lines the client is given, in order. */
    public List<String> lines() {
        return lines;
    }
}
