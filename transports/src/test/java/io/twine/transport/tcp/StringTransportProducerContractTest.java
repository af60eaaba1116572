package io.twine.transport.tcp;

import io.twine.protocol.Reason;
import io.twine.protocol.Transport;
import io.twine.testing.StringTransport;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** The producer contract against the test kit's {@link StringTransport}: everything happens at once, on the test's thread. */
class StringTransportProducerContractTest extends ProducerContract {

    @Override
    Subject open() {
        StringTransport transport = new StringTransport().connect(new Loopback.Recording());
        transport.peerStopsReading();
        return new Subject() {
            @Override
            public Transport transport() {
                return transport;
            }

            @Override
            public <T> T onLoop(Callable<T> work) {
                try {
                    return work.call();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public void peerReadsEverything() {
                transport.peerReadsAgain();
            }

            @Override
            public byte[] awaitPeerReceived(int length) {
                return Arrays.copyOf(transport.value(), length);
            }

            @Override
            public byte[] peerReceivedUntilEnd() {
                return transport.value();
            }

            @Override
            public Reason awaitLost() {
                return transport.finish(Reason.closedByPeer());
            }

            @Override
            public void close() {
            }
        };
    }
}
