package io.twine.transport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramTransport;
import io.twine.reactor.UdpOptions;
import io.twine.testing.ReactorThread;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The queue a full kernel send buffer fills, through the {@link FakeKernel} seam: loopback UDP
 * never reports a full send buffer by itself.
 */
@Timeout(60)
class UdpSendQueueTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFullKernelBufferQueuesUpToTheBoundThenDropsAndCountsAndTheQueueLeavesInOrder() throws Exception {
        Recorder receiver = new Recorder();
        FakeKernel kernel = new FakeKernel();
        try (ReactorThread rt = ReactorThread.start()) {
            DatagramTransport sink = rt.call(() -> Udp.listen(rt.reactor(), ANY_LOOPBACK_PORT, receiver));
            InetSocketAddress target = sink.getHost();
            DatagramTransport port = rt.call(() -> UdpPort.open(((UdpPort) sink).loop, ANY_LOOPBACK_PORT, new Recorder(),
                    UdpOptions.defaults().withMaxQueuedDatagrams(3), kernel::wrap));
            rt.run(() -> {
                kernel.full = true;
                byte[] reused = bytes("one");
                port.write(reused, target);
                System.arraycopy(bytes("XXX"), 0, reused, 0, 3);  // the queue holds a copy
                ByteBuffer two = ByteBuffer.wrap(bytes("two"));
                port.write(two, target);
                assertEquals(two.limit(), two.position(), "a queued buffer is consumed like a sent one");
                kernel.full = false;
                // The kernel has room again, yet this one must wait behind the queue: order holds.
                int callsBefore = kernel.sendCalls;
                port.write(bytes("three"), target);
                assertEquals(callsBefore, kernel.sendCalls, "a write behind a queue must not jump it");
                assertEquals(3, port.getQueuedDatagrams());
                port.write(bytes("dropped 1"), target);
                port.write(ByteBuffer.wrap(bytes("dropped 2")), target);
                assertEquals(3, port.getQueuedDatagrams());
                assertEquals(2, port.getDroppedDatagrams());
            });
            assertEquals("one", receiver.next().text());
            assertEquals("two", receiver.next().text());
            assertEquals("three", receiver.next().text());
            assertEquals(0, (int) rt.call(port::getQueuedDatagrams));
            assertEquals(2L, (long) rt.call(port::getDroppedDatagrams));
        }
        assertTrue(receiver.datagrams.isEmpty(), "dropped datagrams must not arrive");
    }

    @Test
    void aZeroBoundDropsWhateverTheKernelCannotTakeAtOnce() throws Exception {
        FakeKernel kernel = new FakeKernel();
        try (ReactorThread rt = ReactorThread.start()) {
            DatagramTransport sink = rt.call(() -> Udp.listen(rt.reactor(), ANY_LOOPBACK_PORT, new Recorder()));
            DatagramTransport port = rt.call(() -> UdpPort.open(((UdpPort) sink).loop, ANY_LOOPBACK_PORT, new Recorder(),
                    UdpOptions.defaults().withMaxQueuedDatagrams(0), kernel::wrap));
            rt.run(() -> {
                kernel.full = true;
                port.write(bytes("gone"), port.getHost());
                kernel.full = false;
            });
            assertEquals(0, (int) rt.call(port::getQueuedDatagrams));
            assertEquals(1L, (long) rt.call(port::getDroppedDatagrams));
        }
    }

    @Test
    void stopListeningSendsWhatIsQueuedBeforeClosing() throws Exception {
        Recorder receiver = new Recorder();
        Recorder sender = new Recorder();
        FakeKernel kernel = new FakeKernel();
        try (ReactorThread rt = ReactorThread.start()) {
            DatagramTransport sink = rt.call(() -> Udp.listen(rt.reactor(), ANY_LOOPBACK_PORT, receiver));
            DatagramTransport port = rt.call(() ->
                    UdpPort.open(((UdpPort) sink).loop, ANY_LOOPBACK_PORT, sender, UdpOptions.defaults(), kernel::wrap));
            rt.run(() -> {
                kernel.full = true;
                port.write(bytes("last words"), sink.getHost());
                port.stopListening();
                port.write(bytes("after stop"), sink.getHost());
                assertEquals(1, port.getQueuedDatagrams(), "a write after stopListening is ignored");
            });
            assertEquals(0, sender.stopCount, "closing waits for the queue");
            rt.run(() -> kernel.full = false);
            assertEquals("last words", receiver.next().text());
            ReactorThread.await(sender.stopped);
            assertEquals(1, sender.stopCount);
        }
        assertTrue(receiver.datagrams.isEmpty());
    }

    @Test
    void queueReusesSmallSlotsAndLetsLargeOnesGo() {
        SendQueue queue = new SendQueue(4);
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", 9);
        queue.offer(ByteBuffer.wrap(new byte[10]), target);
        ByteBuffer small = queue.peekPayload();
        queue.remove();
        queue.offer(ByteBuffer.wrap(new byte[20]), target);
        queue.remove();
        queue.offer(ByteBuffer.wrap(new byte[30]), target);
        queue.remove();
        queue.offer(ByteBuffer.wrap(new byte[40]), target);
        queue.remove();
        queue.offer(ByteBuffer.wrap(new byte[50]), target);  // back in the first slot
        assertTrue(small == queue.peekPayload(), "a small slot's buffer is reused");
        assertEquals(50, queue.peekPayload().remaining());
        queue.remove();

        queue.offer(ByteBuffer.wrap(new byte[SendQueue.RETAINED_BYTES + 1]), target);
        ByteBuffer large = queue.peekPayload();
        queue.remove();
        for (int i = 0; i < 3; i++) {
            queue.offer(ByteBuffer.wrap(new byte[1]), target);
            queue.remove();
        }
        queue.offer(ByteBuffer.wrap(new byte[1]), target);  // the large one's slot again
        assertTrue(large != queue.peekPayload(), "a large buffer is not kept");
    }
}
