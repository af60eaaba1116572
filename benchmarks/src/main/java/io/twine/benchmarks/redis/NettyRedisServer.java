package io.twine.benchmarks.redis;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Netty side of the mini-redis benchmark: the commands {@code redis-benchmark} sends
 * ({@code PING} inline and as an array, {@code SET}, {@code GET}, {@code INCR}, {@code LPUSH},
 * {@code LPOP}, and the {@code CONFIG GET} it starts with) on Netty 4.2, written the way a Netty
 * user would: one NIO event loop that accepts and serves, a {@link ByteToMessageDecoder} that
 * cuts requests out of the cumulated input, a handler that writes each reply and flushes on
 * read-complete, a plain {@code HashMap} as the store.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.twine.benchmarks.redis.NettyRedisServer PORT}.
 */
public final class NettyRedisServer {

    private NettyRedisServer() {}

    /** Listens on 127.0.0.1:{@code PORT} (default 6379) until the process is stopped. */
    public static void main(String[] args) throws InterruptedException {
        Channel server = start(args.length > 0 ? Integer.parseInt(args[0]) : 6379);
        System.out.println("listening on " + server.localAddress());
        server.closeFuture().sync();
    }

    /**
     * Listens on 127.0.0.1:{@code port} (0 picks a free one) with its own event loop; closing the
     * returned channel shuts that loop down.
     */
    public static Channel start(int port) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Map<String, Object> store = new HashMap<>();  // only the one loop thread touches it
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new RequestDecoder(), new CommandHandler(store));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .sync()
                .channel();
        server.closeFuture().addListener(closed -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
        return server;
    }

    /** RESP2 requests: arrays of bulk strings, or inline lines; emits each as a {@code List<byte[]>}. */
    static final class RequestDecoder extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.isReadable()) {
                int start = in.readerIndex();
                List<byte[]> request = in.getByte(start) == '*' ? array(in) : inline(in);
                if (request == null) {
                    in.readerIndex(start);
                    return;
                }
                out.add(request);
            }
        }

        private static List<byte[]> array(ByteBuf in) {
            long count = line(in);
            if (count < 0) {
                return null;
            }
            List<byte[]> args = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                long length = line(in);
                if (length < 0 || in.readableBytes() < length + 2) {
                    return null;
                }
                byte[] arg = new byte[(int) length];
                in.readBytes(arg);
                in.skipBytes(2);
                args.add(arg);
            }
            return args;
        }

        /** The number after the type byte of the line at the reader index, or -1 if the line is not all here. */
        private static long line(ByteBuf in) {
            int end = in.forEachByte(ByteProcessor.FIND_CR);
            if (end < 0 || end + 1 >= in.writerIndex()) {
                return -1;
            }
            long n = Long.parseLong(in.toString(in.readerIndex() + 1, end - in.readerIndex() - 1, StandardCharsets.US_ASCII));
            in.readerIndex(end + 2);
            return n;
        }

        private static List<byte[]> inline(ByteBuf in) {
            int end = in.forEachByte(ByteProcessor.FIND_LF);
            if (end < 0) {
                return null;
            }
            String text = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1).trim();
            in.readerIndex(end + 1);
            List<byte[]> args = new ArrayList<>();
            for (String word : text.split(" +")) {
                args.add(word.getBytes(StandardCharsets.ISO_8859_1));
            }
            return args;
        }
    }

    /** Runs one request against the store and writes its reply; flushes once per read batch. */
    static final class CommandHandler extends SimpleChannelInboundHandler<List<byte[]>> {
        private final Map<String, Object> store;

        CommandHandler(Map<String, Object> store) {
            this.store = store;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, List<byte[]> args) {
            ByteBuf reply = ctx.alloc().buffer();
            execute(args, reply);
            ctx.write(reply, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @SuppressWarnings("unchecked")
        private void execute(List<byte[]> args, ByteBuf reply) {
            String name = new String(args.get(0), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            String key = args.size() > 1 ? new String(args.get(1), StandardCharsets.ISO_8859_1) : null;
            switch (name) {
                case "ping" -> simple(reply, "+PONG");
                case "set" -> {
                    store.put(key, args.get(2));
                    simple(reply, "+OK");
                }
                case "get" -> {
                    Object value = store.get(key);
                    if (value == null) {
                        simple(reply, "$-1");
                    } else {
                        bulk(reply, (byte[]) value);
                    }
                }
                case "incr" -> {
                    Object value = store.get(key);
                    long n = value == null ? 1 : Long.parseLong(new String((byte[]) value, StandardCharsets.US_ASCII)) + 1;
                    store.put(key, Long.toString(n).getBytes(StandardCharsets.US_ASCII));
                    simple(reply, ":" + n);
                }
                case "lpush" -> {
                    ArrayDeque<byte[]> list = (ArrayDeque<byte[]>) store.computeIfAbsent(key, k -> new ArrayDeque<byte[]>());
                    for (int i = 2; i < args.size(); i++) {
                        list.addFirst(args.get(i));
                    }
                    simple(reply, ":" + list.size());
                }
                case "lpop" -> {
                    ArrayDeque<byte[]> list = (ArrayDeque<byte[]>) store.get(key);
                    byte[] value = list == null ? null : list.pollFirst();
                    if (value == null) {
                        simple(reply, "$-1");
                    } else {
                        bulk(reply, value);
                        if (list.isEmpty()) {
                            store.remove(key);
                        }
                    }
                }
                case "config" -> {
                    String parameter = new String(args.get(2), StandardCharsets.ISO_8859_1);
                    String value = parameter.equalsIgnoreCase("save") ? "" : parameter.equalsIgnoreCase("appendonly") ? "no" : null;
                    if (value == null) {
                        simple(reply, "*0");
                    } else {
                        simple(reply, "*2");
                        bulk(reply, args.get(2));
                        bulk(reply, value.getBytes(StandardCharsets.US_ASCII));
                    }
                }
                default -> simple(reply, "-ERR unknown command '" + name + "'");
            }
        }

        private static void simple(ByteBuf reply, String line) {
            reply.writeCharSequence(line, StandardCharsets.ISO_8859_1);
            reply.writeShort(('\r' << 8) | '\n');
        }

        private static void bulk(ByteBuf reply, byte[] value) {
            simple(reply, "$" + value.length);
            reply.writeBytes(value);
            reply.writeShort(('\r' << 8) | '\n');
        }
    }
}
