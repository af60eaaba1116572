package io.twine.benchmarks.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Netty 4.2 echo server, written the way Netty's own echo example is: write on read, flush
 * on read-complete. One event loop group both accepts and serves (one thread unless the setup
 * asks for more loops, as twine's single reactor does), and buffers come from the pooled direct
 * allocator (4.2's default is the adaptive one). Over TLS an {@code SslHandler} sits before the
 * echo handler, on the JDK's engine or on OpenSSL.
 */
public final class NettyEchoServer implements EchoServer {

    /** Writes back what it reads; flushes once per batch of reads. Shared by every channel. */
    @ChannelHandler.Sharable
    public static final class Echo extends ChannelInboundHandlerAdapter {
        /** The one instance: the handler keeps no state. */
        public static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private final EventLoopGroup group;
    private final Channel server;
    private final SocketAddress address;

    private NettyEchoServer(EventLoopGroup group, Channel server, SocketAddress address) {
        this.group = group;
        this.server = server;
        this.address = address;
    }

    /**
     * Listens as {@code setup} says with the NIO transport, or the native epoll one when {@code
     * epoll} is true; over TLS with OpenSSL when {@code openssl} is true, else the JDK's engine.
     *
     * @throws IllegalStateException if epoll or OpenSSL is asked for and Netty cannot load it here
     */
    public static NettyEchoServer start(EchoSetup setup, boolean epoll, boolean openssl) throws Exception {
        if (epoll && !Epoll.isAvailable()) {
            throw new IllegalStateException("Netty's native epoll transport is unavailable here: "
                    + Epoll.unavailabilityCause());
        }
        if (openssl && !OpenSsl.isAvailable()) {
            throw new IllegalStateException("Netty's OpenSSL provider is unavailable here: " + OpenSsl.unavailabilityCause());
        }
        ChannelHandler child = Echo.INSTANCE;
        if (setup.isTls()) {
            SslContext tls = SslContextBuilder.forServer(setup.keyManagers())
                    .sslProvider(openssl ? SslProvider.OPENSSL : SslProvider.JDK).build();
            child = new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel channel) {
                    channel.pipeline().addLast(tls.newHandler(channel.alloc()), Echo.INSTANCE);
                }
            };
        }
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(setup.loops(), io);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(channelType(epoll, setup.isUnix()))
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childHandler(child);
            SocketAddress bind = setup.address();
            if (setup.isUnix()) {
                if (epoll) {
                    bind = new DomainSocketAddress(((UnixDomainSocketAddress) bind).getPath().toString());
                }
            } else {
                // TCP options only on TCP: a domain socket channel would warn about each one
                bootstrap.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
            }
            Channel server = bootstrap.bind(bind).sync().channel();
            return new NettyEchoServer(group, server, setup.isUnix() ? setup.address() : server.localAddress());
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static Class<? extends ServerChannel> channelType(boolean epoll, boolean unix) {
        if (unix) {
            return epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
        }
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    @Override
    public SocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
