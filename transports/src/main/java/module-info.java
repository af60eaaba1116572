/**
 * Non-blocking TCP (and, later, UDP) transports for the twine reactor. No dependency beyond
 * {@code io.twine.reactor}; the channel code itself is package-private behind {@code Tcp}.
 */
module io.twine.transports {
    requires transitive io.twine.reactor;

    exports io.twine.transport.tcp;
}
