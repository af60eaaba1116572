package io.twine.benchmarks.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Servers that read and count what they receive and send nothing back: the read path under
 * test in {@link ReadPathBenchmark}.
 */
final class DiscardServers {

    private DiscardServers() {}

    /** A running discard server. */
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
                throw new IllegalArgumentException("unknown server '" + kind + "'; expected twine, netty-nio or blocking");
        }
    }

    /** Counts and consumes what {@code dataReceived} is given. */
    static final class TwineDiscard extends Protocol {
        long received;

        @Override
        public void dataReceived(ByteBuffer data) {
            received += data.remaining();
            data.position(data.limit());
        }
    }

    /** Counts and releases what {@code channelRead} is given. */
    @ChannelHandler.Sharable
    static final class NettyDiscard extends ChannelInboundHandlerAdapter {
        long received;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received += buf.readableBytes();
            buf.release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static Running twine() {
        ReactorThread loop = ReactorThread.start();
        ListeningPort listening = loop.call(() -> Tcp.listen(loop.reactor(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Factory.forProtocol(TwineDiscard::new)));
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

    private static Running netty() throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new NettyDiscard())
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

    /** One thread that accepts one client and reads into a 64 KiB array (twine's read size) until it ends. */
    private static Running blocking() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                while (in.read(buffer) >= 0) {
                    // discard
                }
            } catch (IOException closed) {
                // the benchmark closed its end or the server: the reader is done
            }
        }, "blocking-discard");
        reader.setDaemon(true);
        reader.start();
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
