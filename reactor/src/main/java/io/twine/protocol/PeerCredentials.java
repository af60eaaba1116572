package io.twine.protocol;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;

/**
 * Who runs the process at the other end of a local connection: the user and group the kernel
 * recorded when the peer connected (Linux's {@code SO_PEERCRED}). Only a Unix domain socket
 * carries them; see {@link Transport#getPeerCredentials()}.
 *
 * <p>A server that must refuse a user checks them in {@code connectionMade} and calls
 * {@code loseConnection()}: the kernel vouches for them, so the peer cannot forge them.
 *
 * @param user  the peer process's effective user when it connected
 * @param group the peer process's effective group when it connected
 */
public record PeerCredentials(UserPrincipal user, GroupPrincipal group) {

    /**
     * Credentials as the kernel reported them; both are required.
     *
     * @param user the peer process's effective user when it connected
     * @param group the peer process's effective group when it connected
     */
    public PeerCredentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(group, "group");
    }
}
