package io.twine.benchmarks.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * Servers that, once a client connects, send to it for ever in callbacks of {@value #WRITES}
 * writes of {@value #WRITE_SIZE} bytes each, as fast as the client reads: the write path under
 * test in {@link WritePathBenchmark}.
 */
final class StreamingWriters {

    static final int WRITES = 16;
    static final int WRITE_SIZE = 64;

    private StreamingWriters() {}

    /** A running writer server. */
    interface Running extends AutoCloseable {
        int port();

        @Override
        void close();
    }

    static Running start(String kind) throws Exception {
        switch (kind) {
            case "twine":
                return twine();
            case "netty-nio":
                return netty();
            case "blocking":
                return blocking();
            default:
                throw new IllegalArgumentException("unknown writer '" + kind + "'; expected twine, netty-nio or blocking");
        }
    }

    private static byte[] payload() {
        byte[] payload = new byte[WRITE_SIZE];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        return payload;
    }

    // ------------------------------------------------------------------ twine

    /**
     * Registered as a pull producer of its own transport: the transport calls
     * {@code resumeProducing} each time its queue has drained below the low-water mark, and each
     * call makes 16 writes, which leave in one gathering write before the next select.
     */
    static final class TwineBurstWriter extends Protocol implements Producer {
        private final byte[] payload = payload();

        @Override
        public void connectionMade() {
            transport.registerProducer(this, false);
        }

        @Override
        public void resumeProducing() {
            for (int i = 0; i < WRITES; i++) {
                transport.write(payload, 0, WRITE_SIZE);
            }
        }

        @Override
        public void pauseProducing() {}

        @Override
        public void stopProducing() {}
    }

    private static Running twine() {
        ReactorThread loop = ReactorThread.start();
        ListeningPort listening = loop.call(() -> Tcp.listen(loop.reactor(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Factory.forProtocol(TwineBurstWriter::new)));
        int port = ((InetSocketAddress) listening.getHost()).getPort();
        return new Running() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void close() {
                loop.close();
            }
        };
    }

    // ------------------------------------------------------------------ Netty

    /**
     * The Netty way to stream: write 16 pooled buffers, flush, and run again as a task while the
     * channel stays writable; when it is not, wait for {@code channelWritabilityChanged}.
     */
    static final class NettyBurstWriter extends ChannelInboundHandlerAdapter implements Runnable {
        private final byte[] payload = payload();
        private ChannelHandlerContext ctx;
        private boolean waitingForWritable;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            ctx.channel().eventLoop().execute(this);
        }

        @Override
        public void run() {
            if (!ctx.channel().isActive()) {
                return;
            }
            for (int i = 0; i < WRITES; i++) {
                ctx.write(ctx.alloc().directBuffer(WRITE_SIZE).writeBytes(payload), ctx.voidPromise());
            }
            ctx.flush();
            if (ctx.channel().isWritable()) {
                ctx.channel().eventLoop().execute(this);
            } else {
                waitingForWritable = true;
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (waitingForWritable && ctx.channel().isWritable()) {
                waitingForWritable = false;
                run();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static Running netty() throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new NettyBurstWriter());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
        return new Running() {
            @Override
            public int port() {
                return ((InetSocketAddress) server.localAddress()).getPort();
            }

            @Override
            public void close() {
                server.close().syncUninterruptibly();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        };
    }

    // ------------------------------------------------------------------ blocking

    /** A thread that accepts one client and writes 16 x 64 bytes into a 1 KiB buffer, then flushes, for ever. */
    private static Running blocking() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread writer = new Thread(() -> {
            byte[] payload = payload();
            try (Socket socket = server.accept()) {
                socket.setTcpNoDelay(true);
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), WRITES * WRITE_SIZE);
                while (true) {
                    for (int i = 0; i < WRITES; i++) {
                        out.write(payload, 0, WRITE_SIZE);
                    }
                    out.flush();
                }
            } catch (IOException closed) {
                // the benchmark closed its end or the server: the writer is done
            }
        }, "blocking-burst-writer");
        writer.setDaemon(true);
        writer.start();
        return new Running() {
            @Override
            public int port() {
                return server.getLocalPort();
            }

            @Override
            public void close() {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // nothing to do about a listening socket that fails to close
                }
            }
        };
    }
}
