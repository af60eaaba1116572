package io.twine.testing.sim;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.policies.ProtocolWrapper;
import io.twine.protocol.policies.WrappingFactory;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Watches the protocols of a factory from just outside them, where the simulated transport cannot
 * see (inside layers such as an idle timeout or TLS): each protocol is made once before any other
 * callback, gets no callback after its {@code connectionLost}, and gets {@code connectionLost}
 * exactly once by the end of the run. A broken rule fails the simulation at once, or at
 * {@link Simulation#finish()}, with the run's last events. It also counts the bytes its protocols
 * received and wrote, for a test to check what the program promises (an echo writes back every
 * byte it received):
 *
 * <pre>{@code
 * CheckedFactory echo = new CheckedFactory(sim, "echo", echoFactory);
 * sim.eventually("echo returns every byte", () -> echo.bytesWritten() == echo.bytesReceived());
 * }</pre>
 *
 * <p>Works for servers and clients: it is a {@link io.twine.protocol.ClientFactory} that passes
 * the client callbacks on to a wrapped client factory.
 *
 * <p>Thread: the simulation's.
 */
public final class CheckedFactory extends WrappingFactory {

    private final Simulation simulation;
    private final String name;
    private long made;
    private long lost;
    private long bytesReceived;
    private long bytesWritten;

    /**
     * Watches the protocols {@code wrapped} builds in {@code simulation}; {@code name} appears in
     * failures.
     *
     * @param simulation the run whose failures it reports
     * @param name names this factory in failure messages
     * @param wrapped builds the protocols, which it wraps to watch
     */
    public CheckedFactory(Simulation simulation, String name, Factory wrapped) {
        super(wrapped);
        this.simulation = Objects.requireNonNull(simulation, "simulation");
        this.name = Objects.requireNonNull(name, "name");
        simulation.eventually(name + ": every protocol made got connectionLost exactly once", () -> made == lost);
    }

    /**
     * How many of its protocols were made.
     *
     * @return the count since the run began
     */
    public long connectionsMade() {
        return made;
    }

    /**
     * How many of its protocols got connectionLost.
     *
     * @return the count since the run began
     */
    public long connectionsLost() {
        return lost;
    }

    /**
     * Bytes given to its protocols' {@code dataReceived}, all together.
     *
     * @return bytes since the run began
     */
    public long bytesReceived() {
        return bytesReceived;
    }

    /**
     * Bytes its protocols asked to write while their transport was connected, all together.
     *
     * @return bytes since the run began
     */
    public long bytesWritten() {
        return bytesWritten;
    }

    @Override
    protected ProtocolWrapper wrapProtocol(Protocol inner) {
        return new Checked(inner);
    }

    private final class Checked extends ProtocolWrapper {
        private boolean isMade;
        private boolean isLost;

        Checked(Protocol wrapped) {
            super(wrapped);
        }

        private void requireLive(String callback) {
            if (!isMade || isLost) {
                throw simulation.violation(name + ": " + callback + " of " + wrapped.getClass().getName() + " "
                        + (isLost ? "after connectionLost" : "before connectionMade"));
            }
        }

        @Override
        public void makeConnection(io.twine.protocol.Transport transport) {
            if (isMade) {
                throw simulation.violation(name + ": makeConnection a second time");
            }
            isMade = true;
            made++;
            super.makeConnection(transport);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            requireLive("dataReceived");
            bytesReceived += data.remaining();
            super.dataReceived(data);
        }

        @Override
        public void readConnectionLost() {
            requireLive("readConnectionLost");
            super.readConnectionLost();
        }

        @Override
        public void writeConnectionLost() {
            requireLive("writeConnectionLost");
            super.writeConnectionLost();
        }

        @Override
        public void connectionLost(Reason reason) {
            if (isLost) {
                throw simulation.violation(name + ": connectionLost a second time, with " + reason);
            }
            requireLive("connectionLost");
            isLost = true;
            lost++;
            super.connectionLost(reason);
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            count(length);
            super.write(data, offset, length);
        }

        @Override
        public void write(ByteBuffer data) {
            count(data.remaining());
            super.write(data);
        }

        @Override
        public void writeSequence(ByteBuffer... data) {
            for (ByteBuffer buffer : data) {
                count(buffer.remaining());
            }
            super.writeSequence(data);
        }

        private void count(long length) {
            if (transport.isConnected()) {
                bytesWritten += length;
            }
        }
    }
}
