package dev.eio4j.bench.raw;

import dev.eio4j.bench.server.ServerSupport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling: plain Netty, no Engine.IO. A WebSocket upgrade on any path opens an echo WebSocket that
 * first sends one greeting frame (about the size of an Engine.IO open packet, so that a "connection" costs
 * the same round trips); {@code POST} on any path answers 200 with the request body; {@code GET
 * /bench/stats} as for the other benchmark servers; a text frame {@code broadcast:<count>:<size>} sends
 * {@code count} frames of {@code size} bytes to every WebSocket (one buffer shared by all). Writes are
 * flushed once per read burst ({@code channelReadComplete}), the idiomatic Netty way. Same socket options
 * and I/O thread default as {@code EngineIoNettyServer}. Prints {@code LISTENING <port>}.
 */
public final class RawEchoServer implements AutoCloseable {
  /** The greeting, 100 bytes like a typical open packet. */
  static final String GREETING =
      "0{\"sid\":\"raw-echo-server-0000\",\"upgrades\":[],\"pingInterval\":0,\"pingTimeout\":0,\"maxPayload\":1000000}";

  private static final int MAX_PAYLOAD = 1_000_000;

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;
  private final ChannelGroup sockets = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final ConcurrentHashMap<Integer, ByteBuf> payloads = new ConcurrentHashMap<>();
  private final boolean epoll;

  /** Binds and starts. */
  public RawEchoServer(String host, int port, int ioThreads) throws InterruptedException {
    epoll = Epoll.isAvailable();
    IoHandlerFactory f = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    boss = new MultiThreadIoEventLoopGroup(1, f);
    workers = new MultiThreadIoEventLoopGroup(ioThreads, f);
    Class<? extends ServerChannel> type =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(type)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast("http", new HttpServerCodec(4096, 16 * 1024, 64 * 1024))
                        .addLast("agg", new HttpObjectAggregator(MAX_PAYLOAD))
                        .addLast("handler", new HttpHandler());
                  }
                });
    channel = b.bind(host, port).sync().channel();
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** True with native epoll. */
  public boolean nativeTransport() {
    return epoll;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    sockets.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }

  private final class HttpHandler extends ChannelInboundHandlerAdapter {
    private boolean dirty;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof FullHttpRequest req)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      try {
        if ("websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
          upgrade(ctx, req);
          return;
        }
        FullHttpResponse res;
        if (req.method().equals(HttpMethod.POST)) {
          res =
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1, HttpResponseStatus.OK, req.content().retain());
          res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
        } else if (req.method().equals(HttpMethod.GET) && req.uri().startsWith("/bench/stats")) {
          boolean gc = "1".equals(first(new QueryStringDecoder(req.uri()), "gc"));
          byte[] json =
              ServerSupport.statsJson("raw-netty", sockets.size(), gc)
                  .getBytes(StandardCharsets.UTF_8);
          res =
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(json));
          res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        } else {
          res =
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND, Unpooled.EMPTY_BUFFER);
        }
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (keepAlive) {
          ctx.write(res, ctx.voidPromise());
          dirty = true;
        } else {
          res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
          ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
      } finally {
        req.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (dirty) {
        dirty = false;
        ctx.flush();
      }
      ctx.fireChannelReadComplete();
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
      WebSocketDecoderConfig config =
          WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(MAX_PAYLOAD).build();
      String host = req.headers().get(HttpHeaderNames.HOST, "localhost");
      WebSocketServerHandshakerFactory factory =
          new WebSocketServerHandshakerFactory("ws://" + host + req.uri(), null, config);
      WebSocketServerHandshaker hs = factory.newHandshaker(req);
      if (hs == null) {
        WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
        return;
      }
      Channel ch = ctx.channel();
      hs.handshake(ch, req)
          .addListener(
              future -> {
                if (!future.isSuccess()) {
                  ch.close();
                  return;
                }
                ch.pipeline()
                    .addBefore("handler", "ws-agg", new WebSocketFrameAggregator(MAX_PAYLOAD));
                ch.pipeline().replace("handler", "ws", new WsHandler());
                sockets.add(ch);
                ch.writeAndFlush(new TextWebSocketFrame(GREETING), ch.voidPromise());
              });
    }
  }

  private static String first(QueryStringDecoder q, String key) {
    var v = q.parameters().get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private final class WsHandler extends ChannelInboundHandlerAdapter {
    private boolean dirty;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof WebSocketFrame frame)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (frame instanceof TextWebSocketFrame t) {
        ByteBuf c = t.content();
        if (c.readableBytes() < 64 && c.getByte(c.readerIndex()) == 'b') {
          ServerSupport.Trigger trig = ServerSupport.trigger(c.toString(StandardCharsets.UTF_8));
          if (trig != null) {
            t.release();
            broadcast(trig);
            return;
          }
        }
        ctx.write(t, ctx.voidPromise()); // the same frame back
        dirty = true;
      } else if (frame instanceof BinaryWebSocketFrame) {
        ctx.write(frame, ctx.voidPromise());
        dirty = true;
      } else if (frame instanceof PingWebSocketFrame) {
        ctx.write(new PongWebSocketFrame(frame.content()), ctx.voidPromise());
        dirty = true;
      } else if (frame instanceof CloseWebSocketFrame) {
        ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
      } else {
        frame.release();
      }
    }

    private void broadcast(ServerSupport.Trigger t) {
      ByteBuf payload =
          payloads.computeIfAbsent(
              t.size(),
              s ->
                  Unpooled.unreleasableBuffer(
                      Unpooled.directBuffer(s)
                          .writeBytes(
                              ServerSupport.payload(s).getBytes(StandardCharsets.US_ASCII))));
      for (int i = 0; i < t.count(); i++) {
        sockets.write(new TextWebSocketFrame(payload.duplicate()));
      }
      sockets.flush();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (dirty) {
        dirty = false;
        ctx.flush();
      }
      ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    int port = 0;
    int threads = 0;
    double lifetime = 3600;
    boolean stdinExit = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--host" -> host = value(args, ++i, a);
          case "--port" -> port = (int) number(value(args, ++i, a), a, 0, 65535);
          case "--io-threads" -> threads = (int) number(value(args, ++i, a), a, 0, 256);
          case "--max-lifetime" -> lifetime = number(value(args, ++i, a), a, 1, 86_400);
          case "--stdin-exit" -> stdinExit = true;
          case "--help", "-h" -> {
            System.out.println(
                "raw Netty echo (the ceiling): WebSocket echo with a greeting frame, HTTP POST echo,");
            System.out.println("broadcast:<count>:<size> over WebSocket, GET /bench/stats.");
            System.out.println(
                "Usage: java -cp benchmarks.jar dev.eio4j.bench.raw.RawEchoServer [--host 127.0.0.1] [--port 0]");
            System.out.println(
                "       [--io-threads 0 (Netty default)] [--max-lifetime 3600] [--stdin-exit]");
            System.out.println("Prints LISTENING <port> once listening.");
            return;
          }
          default -> throw new IllegalArgumentException("unknown flag " + a);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    ServerSupport.bound(lifetime, stdinExit, "raw-echo");
    RawEchoServer s = new RawEchoServer(host, port, threads);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  s.close();
                  stop.countDown();
                },
                "raw-echo-shutdown"));
    System.out.println("LISTENING " + s.port());
    System.out.flush();
    System.err.println(
        "raw echo server on " + host + ":" + s.port() + " (" + (s.epoll ? "epoll" : "nio") + ")");
    stop.await();
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static long number(String v, String flag, long min, long max) {
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        throw new IllegalArgumentException(flag + " must be in " + min + ".." + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs an integer: " + v);
    }
  }
}
