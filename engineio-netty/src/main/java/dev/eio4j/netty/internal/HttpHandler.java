package dev.eio4j.netty.internal;

import dev.eio4j.EngineIoServer;
import dev.eio4j.netty.HttpFallback;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes HTTP requests: Engine.IO polling, WebSocket handshakes, or the fallback. One per channel. */
final class HttpHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HttpHandler.class);
  private final EngineIoServer server;
  private final HttpFallback fallback;
  private final boolean secure;
  private NettyHttpExchange exchange; // the request whose body is streaming
  private boolean discardBody;
  private boolean upgrading;

  HttpHandler(EngineIoServer server, HttpFallback fallback, boolean secure) {
    this.server = server;
    this.fallback = fallback;
    this.secure = secure;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest req) {
        onRequest(ctx, req);
      }
      if (msg instanceof HttpContent content) {
        onContent(content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest req) {
    exchange = null;
    discardBody = false;
    if (req.decoderResult().isFailure()) {
      plain(ctx, HttpResponseStatus.BAD_REQUEST, "Bad Request", false);
      return;
    }
    String uri = req.uri();
    Headers headers = NettyHeaders.fromNetty(req.headers());
    InetSocketAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
    EngineRequest er = new EngineRequest(req.method().name(), uri, headers, remote, secure);
    if (!server.handles(uri)) {
      discardBody = true;
      HttpFallback.Response r = fallback == null ? null : safeFallback(er);
      if (r == null) {
        plain(ctx, HttpResponseStatus.NOT_FOUND, "not found", HttpUtil.isKeepAlive(req));
      } else {
        FullHttpResponse res =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(r.body()));
        r.headers().forEach((name, value) -> res.headers().set(name, value));
        if (r.contentType() != null) {
          res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        }
        if (r.status() != 204 && r.status() != 304) { // those never have a body, nor a length of one
          res.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        }
        send(ctx, res, HttpUtil.isKeepAlive(req));
      }
      return;
    }
    if (isWebSocketUpgrade(req)) {
      upgrading = true;
      DefaultFullHttpRequest full =
          new DefaultFullHttpRequest(req.protocolVersion(), req.method(), uri, Unpooled.EMPTY_BUFFER, req.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
      server.handleUpgrade(new NettyWsUpgrade(ctx, full, er, server.options().perMessageDeflate()));
      return;
    }
    long announced = HttpUtil.getContentLength(req, -1L);
    exchange = new NettyHttpExchange(ctx, er, HttpUtil.isKeepAlive(req), server.options().maxHttpBufferSize(), announced);
    server.handleRequest(exchange);
  }

  private HttpFallback.Response safeFallback(EngineRequest er) {
    try {
      return fallback.handle(er);
    } catch (RuntimeException e) {
      log.error("fallback handler threw", e);
      return new HttpFallback.Response(500, "text/plain; charset=UTF-8", "Internal Server Error".getBytes(StandardCharsets.UTF_8));
    }
  }

  private void onContent(HttpContent content) {
    if (upgrading || discardBody) {
      return;
    }
    NettyHttpExchange ex = exchange;
    if (ex == null) {
      return;
    }
    ex.onContent(content);
    if (content instanceof LastHttpContent) {
      ex.onEnd();
    }
  }

  private static boolean isWebSocketUpgrade(HttpRequest req) {
    return req.method() == HttpMethod.GET
        && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }

  private static void plain(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(b));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, b.length);
    send(ctx, res, keepAlive);
  }

  private static void send(ChannelHandlerContext ctx, FullHttpResponse res, boolean keepAlive) {
    HttpUtil.setKeepAlive(res, keepAlive);
    var f = ctx.writeAndFlush(res);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    NettyHttpExchange ex = exchange;
    exchange = null;
    if (ex != null) {
      ex.onChannelClosed();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (log.isDebugEnabled()) {
      log.debug("HTTP channel error: {}", cause.toString());
    }
    ctx.close();
  }
}
