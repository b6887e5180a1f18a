package dev.eio4j.netty.internal;

import dev.eio4j.EngineIoServer;
import dev.eio4j.internal.LogSafe;
import dev.eio4j.netty.HttpFallback;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes HTTP requests: Engine.IO polling, WebSocket handshakes, or the fallback. One per channel. */
final class HttpHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HttpHandler.class);
  private final EngineIoServer server;
  private final List<EngineIoServer> mounted;
  private final HttpFallback fallback;
  private final boolean secure;
  private NettyHttpExchange exchange; // the request whose body is streaming
  private boolean discardBody;
  private boolean upgrading;
  private ChannelFuture lastWrite; // of the last response this handler wrote itself

  HttpHandler(EngineIoServer server, HttpFallback fallback, boolean secure) {
    this(server, List.of(), fallback, secure);
  }

  /** With further engines at their own paths, tried in order after {@code server}. */
  HttpHandler(
      EngineIoServer server, List<EngineIoServer> mounted, HttpFallback fallback, boolean secure) {
    this.server = server;
    this.mounted = List.copyOf(mounted);
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
        onContent(ctx, content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest req) {
    exchange = null;
    discardBody = false;
    if (!acceptable(ctx, req)) {
      discardBody = true;
      return;
    }
    String uri = req.uri();
    Headers headers = NettyHeaders.fromNetty(req.headers());
    InetSocketAddress remote =
        ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
    EngineRequest er = new EngineRequest(req.method().name(), uri, headers, remote, secure);
    // RFC 9110 §10.1.1: the expectation only counts in HTTP/1.1; HTTP/1.0 requests ignore it
    boolean expectsContinue =
        req.protocolVersion().minorVersion() >= 1 && req.headers().contains(HttpHeaderNames.EXPECT);
    EngineIoServer server = route(uri);
    if (server == null) {
      discardBody = true;
      // a client waiting for 100 may not send the body it announced: the connection cannot be
      // reused
      boolean keepAlive = HttpUtil.isKeepAlive(req) && !(expectsContinue && announcesBody(req));
      HttpFallback.Response r = fallback == null ? null : safeFallback(er);
      if (r == null) {
        plain(ctx, HttpResponseStatus.NOT_FOUND, "not found", keepAlive);
      } else {
        FullHttpResponse res =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(r.status()),
                Unpooled.wrappedBuffer(r.body()));
        r.headers().forEach((name, value) -> res.headers().set(name, value));
        if (r.contentType() != null) {
          res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        }
        if (r.status() != 204
            && r.status() != 304) { // those never have a body, nor a length of one
          res.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        }
        send(ctx, res, keepAlive);
      }
      return;
    }
    if (isWebSocketUpgrade(req)) {
      HttpResponseStatus refusal = WsHandshakeCheck.refusal(req);
      if (refusal != null) {
        discardBody = true;
        FullHttpResponse res = plainResponse(refusal, refusal.reasonPhrase());
        if (refusal.code() == HttpResponseStatus.UPGRADE_REQUIRED.code()) {
          res.headers()
              .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, WsHandshakeCheck.SUPPORTED_VERSION);
        }
        send(ctx, res, false);
        return;
      }
      upgrading = true;
      DefaultFullHttpRequest full =
          new DefaultFullHttpRequest(
              req.protocolVersion(),
              req.method(),
              uri,
              Unpooled.EMPTY_BUFFER,
              req.headers(),
              io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
      server.handleUpgrade(new NettyWsUpgrade(ctx, full, er, server.options().perMessageDeflate()));
      return;
    }
    long announced = HttpUtil.getContentLength(req, -1L);
    long limit = server.options().maxHttpBufferSize();
    if (expectsContinue && announced <= limit) {
      // over the limit, no 100: the exchange answers 413 at once and closes (RFC 9110 §10.1.1)
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    exchange = new NettyHttpExchange(ctx, er, HttpUtil.isKeepAlive(req), limit, announced);
    server.handleRequest(exchange);
  }

  /** The engine whose path {@code uri} is under, or null for the fallback. */
  private EngineIoServer route(String uri) {
    if (server.handles(uri)) {
      return server;
    }
    for (EngineIoServer other : mounted) {
      if (other.handles(uri)) {
        return other;
      }
    }
    return null;
  }

  /**
   * Checks what must hold of every request before it is routed (RFC 9112, RFC 9110); answers and closes
   * when it does not. Returns whether the request may go on.
   */
  private boolean acceptable(ChannelHandlerContext ctx, HttpRequest req) {
    HttpResponseStatus refusal = HttpRequestCheck.refusal(req);
    if (refusal == null) {
      return true;
    }
    if (log.isDebugEnabled()) {
      Throwable cause = req.decoderResult().cause();
      log.debug(
          "refusing a request from {} with {}: {}",
          ConnectionGuard.peer(ctx),
          refusal.code(),
          cause == null ? HttpRequestCheck.reason(req) : LogSafe.escape(cause.getMessage()));
    }
    send(
        ctx,
        plainResponse(refusal, refusal.code() == 400 ? "Bad Request" : refusal.reasonPhrase()),
        false);
    return false;
  }

  private static boolean announcesBody(HttpRequest req) {
    return HttpUtil.getContentLength(req, 0L) > 0 || HttpUtil.isTransferEncodingChunked(req);
  }

  private HttpFallback.Response safeFallback(EngineRequest er) {
    try {
      return fallback.handle(er);
    } catch (RuntimeException e) {
      log.error("fallback handler threw", e);
      return new HttpFallback.Response(
          500,
          "text/plain; charset=UTF-8",
          "Internal Server Error".getBytes(StandardCharsets.UTF_8));
    }
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent content) {
    if (upgrading) {
      return;
    }
    if (discardBody) {
      if (content.decoderResult().isFailure()) {
        // answered already (or being refused); the decoder reads nothing more on this connection
        closeAfterLastWrite(ctx);
      }
      return;
    }
    NettyHttpExchange ex = exchange;
    if (content.decoderResult().isFailure()) {
      // broken chunk framing (or trailers): the body is not what the client meant, and the rest of
      // the
      // connection cannot be framed either; nothing of it is delivered
      discardBody = true;
      exchange = null;
      if (log.isDebugEnabled()) {
        log.debug(
            "refusing a request body from {} with 400: {}",
            ConnectionGuard.peer(ctx),
            LogSafe.escape(content.decoderResult().cause().getMessage()));
      }
      if (ex != null) {
        ex.onMalformedBody(plainResponse(HttpResponseStatus.BAD_REQUEST, "Bad Request"));
      } else {
        send(ctx, plainResponse(HttpResponseStatus.BAD_REQUEST, "Bad Request"), false);
      }
      return;
    }
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

  private void plain(
      ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
    send(ctx, plainResponse(status, body), keepAlive);
  }

  static FullHttpResponse plainResponse(HttpResponseStatus status, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(b));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, b.length);
    return res;
  }

  private void send(ChannelHandlerContext ctx, FullHttpResponse res, boolean keepAlive) {
    HttpUtil.setKeepAlive(res, keepAlive);
    ChannelFuture f = ctx.writeAndFlush(res);
    lastWrite = f;
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Closes the connection once the last response this handler wrote has gone out. */
  private void closeAfterLastWrite(ChannelHandlerContext ctx) {
    ChannelFuture f = lastWrite;
    if (f == null || f.isDone()) {
      ctx.close();
    } else {
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
