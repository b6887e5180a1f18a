package dev.eio4j.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;

/**
 * One keep-alive HTTP/1.1 connection carrying one request at a time. Connects lazily on the first
 * request and again after the server closed it between requests (Node closes idle keep-alive
 * connections after 5 s). Event loop only, except {@link #close()}.
 */
final class HttpConn {
  /** Where responses and failures go. */
  interface Callback {
    /** The response to the request in flight. */
    void response(HttpConn conn, FullHttpResponse res);

    /** The request in flight failed (connect failure, connection closed before the response). */
    void broken(HttpConn conn, String why);
  }

  private static final int MAX_BODY = 64 * 1024 * 1024;
  private final Ctx ctx;
  private final Callback callback;
  private final InetSocketAddress source;
  private volatile Channel ch;
  private boolean connecting;
  private FullHttpRequest pending; // waiting for the connection
  private boolean inFlight;
  private volatile boolean closed;

  HttpConn(Ctx ctx, InetSocketAddress source, Callback callback) {
    this.ctx = ctx;
    this.source = source;
    this.callback = callback;
  }

  /** A GET request. */
  static FullHttpRequest get(String uri, String host) {
    FullHttpRequest r =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
    r.headers().set(HttpHeaderNames.HOST, host);
    return r;
  }

  /** A POST request with a text body (which it now owns). */
  static FullHttpRequest post(String uri, String host, ByteBuf body) {
    FullHttpRequest r =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri, body);
    r.headers()
        .set(HttpHeaderNames.HOST, host)
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain;charset=UTF-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    return r;
  }

  boolean inFlight() {
    return inFlight;
  }

  /** The channel, or null before the first connect. */
  Channel channel() {
    return ch;
  }

  /**
   * Sends a request on {@code group} (the first time; later on the same event loop), connecting first if
   * needed. One at a time.
   */
  ChannelFuture send(FullHttpRequest req, EventLoopGroup group) {
    if (closed) {
      req.release();
      return null;
    }
    if (inFlight) {
      req.release();
      throw new IllegalStateException("a request is already in flight");
    }
    inFlight = true;
    ctx.metrics.httpRequest();
    if (ch != null && ch.isActive()) {
      ch.writeAndFlush(req, ch.voidPromise());
      return null;
    }
    pending = req;
    if (connecting) {
      return null;
    }
    connecting = true;
    Bootstrap b =
        ctx.net
            .bootstrap
            .clone(ch != null ? ch.eventLoop() : group)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel c) {
                    ch = c; // before any I/O event of this channel
                    c.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(new Handler());
                  }
                });
    ChannelFuture f = b.connect(ctx.net.remote, source);
    ch = f.channel();
    f.addListener(
        future -> {
          connecting = false;
          FullHttpRequest p = pending;
          pending = null;
          if (!future.isSuccess()) {
            if (p != null) {
              p.release();
            }
            inFlight = false;
            callback.broken(this, "connect: " + future.cause());
            return;
          }
          if (closed) {
            if (p != null) {
              p.release();
            }
            f.channel().close();
            return;
          }
          if (p != null) {
            f.channel().writeAndFlush(p, f.channel().voidPromise());
          }
        });
    return f;
  }

  /** Closes the connection; nothing is reported afterwards. */
  void close() {
    closed = true;
    Channel c = ch;
    if (c != null) {
      c.close();
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private String cause;

    @Override
    protected void channelRead0(ChannelHandlerContext c, FullHttpResponse res) {
      if (!inFlight) {
        return;
      }
      inFlight = false;
      callback.response(HttpConn.this, res);
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
      if (inFlight && !closed && pending == null && c.channel() == ch) {
        inFlight = false;
        callback.broken(
            HttpConn.this, cause != null ? cause : "connection closed before the response");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable t) {
      if (cause == null) {
        cause = t.toString();
      }
      c.close();
    }
  }
}
