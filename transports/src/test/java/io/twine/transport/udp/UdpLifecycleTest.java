package io.twine.transport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.reactor.Reactor;
import io.twine.reactor.ShutdownPhase;
import io.twine.testing.ReactorThread;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class UdpLifecycleTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void listenStartsTheProtocolBeforeReturningAndBindsARealPort() throws Exception {
        Recorder recorder = new Recorder();
        try (ReactorThread rt = ReactorThread.start()) {
            DatagramTransport port = rt.call(() -> {
                DatagramTransport p = Udp.listen(rt.reactor(), ANY_LOOPBACK_PORT, recorder);
                assertTrue(recorder.started.isDone(), "startProtocol runs inside listen");
                return p;
            });
            assertSame(port, recorder.transport());
            assertTrue(port.getHost().getPort() > 0);
            assertEquals("127.0.0.1", port.getHost().getAddress().getHostAddress());
        }
    }

    @Test
    void stopListeningClosesTheSocketAndCallsStopProtocolOnceAfterTheCallback() throws Exception {
        Recorder recorder = new Recorder();
        try (ReactorThread rt = ReactorThread.start()) {
            Reactor reactor = rt.reactor();
            DatagramTransport port = rt.call(() -> Udp.listen(reactor, ANY_LOOPBACK_PORT, recorder));
            assertEquals(1, (int) rt.call(reactor::trackedCount));
            rt.run(() -> {
                port.stopListening();
                port.stopListening();
                assertFalse(port.isListening());
                assertEquals(0, recorder.stopCount, "stopProtocol never runs inside the caller's callback");
            });
            ReactorThread.await(recorder.stopped);
            assertEquals(0, (int) rt.call(reactor::trackedCount));
            // The address is free again: nothing holds it.
            try (DatagramChannel again = DatagramChannel.open(StandardProtocolFamily.INET)) {
                again.bind(port.getHost());
            }
            rt.run(() -> port.write(ByteBuffer.allocate(1), port.getHost()));  // ignored, not thrown
            IllegalStateException closed = assertThrows(IllegalStateException.class,
                    () -> rt.run(() -> port.connect(new InetSocketAddress("127.0.0.1", 9))));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        }
        assertEquals(1, recorder.stopCount);
    }

    @Test
    void stoppingTheReactorClosesEveryPort() throws Exception {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        DatagramTransport port;
        try (ReactorThread rt = ReactorThread.start()) {
            port = rt.call(() -> Udp.listen(rt.reactor(), ANY_LOOPBACK_PORT, first));
            rt.call(() -> Udp.listen(rt.reactor(), new InetSocketAddress("::1", 0), second));
        }
        assertEquals(1, first.stopCount);
        assertEquals(1, second.stopCount);
        assertFalse(port.isListening());
    }

    @Test
    void aProtocolServesOneOpenPortAtATime() throws Exception {
        Recorder recorder = new Recorder();
        try (ReactorThread rt = ReactorThread.start()) {
            DatagramTransport port = rt.call(() -> Udp.listen(rt.reactor(), ANY_LOOPBACK_PORT, recorder));
            IllegalStateException twice = assertThrows(IllegalStateException.class,
                    () -> rt.call(() -> Udp.listen(rt.reactor(), ANY_LOOPBACK_PORT, recorder)));
            assertTrue(twice.getMessage().contains("already attached"), twice.getMessage());
            assertEquals(1, (int) rt.call(rt.reactor()::trackedCount), "the refused port was never opened");
            rt.run(port::stopListening);
            ReactorThread.await(recorder.stopped);
            rt.call(() -> Udp.listen(rt.reactor(), ANY_LOOPBACK_PORT, recorder));  // free again
        }
    }

    @Test
    void aPortThatCannotBindSaysWhichAddress() throws Exception {
        try (ReactorThread rt = ReactorThread.start();
                DatagramChannel taken = DatagramChannel.open(StandardProtocolFamily.INET)) {
            taken.bind(ANY_LOOPBACK_PORT);
            InetSocketAddress busy = (InetSocketAddress) taken.getLocalAddress();
            IllegalStateException failure = assertThrows(IllegalStateException.class,
                    () -> rt.call(() -> Udp.listen(rt.reactor(), busy, new Recorder())));
            assertTrue(failure.getCause() instanceof IOException, String.valueOf(failure.getCause()));
            assertTrue(failure.getCause().getMessage().contains(busy.toString()), failure.getCause().getMessage());
        }
    }

    @Test
    void aPortOpenedWhileTheReactorStopsIsStartedThenStopped() throws Exception {
        Reactor reactor = new Reactor();
        List<String> events = new CopyOnWriteArrayList<>();
        DatagramProtocol protocol = new DatagramProtocol() {
            @Override
            public void startProtocol() {
                events.add("start");
            }

            @Override
            public void stopProtocol() {
                events.add("stop");
            }
        };
        reactor.addShutdownTrigger(ShutdownPhase.DURING, () -> {
            try {
                Udp.listen(reactor, ANY_LOOPBACK_PORT, protocol);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        ReactorThread.start(reactor).close();
        assertEquals(List.of("start", "stop"), events);
    }
}
