package dev.eio4j.netty.internal;

import dev.eio4j.internal.LogSafe;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.Lane;
import dev.eio4j.spi.WsConnection;
import dev.eio4j.spi.WsHandler;
import dev.eio4j.spi.WsUpgrade;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A WebSocket handshake held until the core accepts or rejects it. */
final class NettyWsUpgrade implements WsUpgrade {
  private static final Logger log = LoggerFactory.getLogger(NettyWsUpgrade.class);
  private final ChannelHandlerContext ctx;
  private final FullHttpRequest nettyRequest;
  private final EngineRequest request;
  private final boolean allowExtensions;
  private final AtomicBoolean decided = new AtomicBoolean();

  NettyWsUpgrade(
      ChannelHandlerContext ctx,
      FullHttpRequest nettyRequest,
      EngineRequest request,
      boolean allowExtensions) {
    this.ctx = ctx;
    this.nettyRequest = nettyRequest;
    this.request = request;
    this.allowExtensions = allowExtensions;
  }

  @Override
  public EngineRequest request() {
    return request;
  }

  @Override
  public Lane laneForNewSession() {
    return new EventLoopLane(ctx.channel().eventLoop());
  }

  private void onLoop(Runnable r) {
    if (ctx.executor().inEventLoop()) {
      r.run();
    } else {
      ctx.executor().execute(r);
    }
  }

  @Override
  public void reject(int status, Headers headers, String body) {
    if (!decided.compareAndSet(false, true)) {
      return;
    }
    onLoop(
        () -> {
          nettyRequest.release();
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          FullHttpResponse res =
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1,
                  HttpResponseStatus.valueOf(status),
                  Unpooled.wrappedBuffer(bytes));
          res.headers().set("Connection", "close");
          NettyHeaders.copyTo(headers, res.headers());
          res.headers().set("Content-type", "text/html");
          res.headers().set("Content-Length", bytes.length);
          ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        });
  }

  @Override
  public void accept(
      Headers extraHeaders, long maxPayload, Function<WsConnection, WsHandler> onOpen) {
    if (!decided.compareAndSet(false, true)) {
      return;
    }
    onLoop(
        () -> {
          if (!ctx.channel().isActive()) {
            nettyRequest.release();
            return;
          }
          WebSocketDecoderConfig config =
              WebSocketDecoderConfig.newBuilder()
                  .maxFramePayloadLength((int) maxPayload)
                  .allowExtensions(allowExtensions)
                  // the frame handler closes with the status of the violation (the decoder would
                  // drop the
                  // connection without a close frame when the violation is in a close frame)
                  .closeOnProtocolViolation(false)
                  .build();
          String scheme = request.secure() ? "wss://" : "ws://";
          String host = request.header("Host");
          WebSocketServerHandshakerFactory factory =
              new WebSocketServerHandshakerFactory(
                  scheme + (host == null ? "localhost" : host) + request.path(), null, config);
          WebSocketServerHandshaker handshaker = factory.newHandshaker(nettyRequest);
          if (handshaker == null) {
            // the HTTP handler let through only version 13, which the factory always serves
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                .addListener(ChannelFutureListener.CLOSE);
            nettyRequest.release();
            return;
          }
          NettyWsConnection conn = new NettyWsConnection(ctx.channel());
          WsFrameHandler frames = new WsFrameHandler(conn);
          ChannelPipeline p = ctx.pipeline();
          // in frame order: [inflater] → checks on the inflated frames → UTF-8 → fragments joined →
          // core
          p.addAfter(ctx.name(), "eio-ws-frames", frames);
          p.addAfter(
              ctx.name(), "eio-ws-aggregator", new WebSocketFrameAggregator((int) maxPayload));
          p.addAfter(ctx.name(), "eio-ws-utf8", new Utf8FrameValidator(false));
          p.addAfter(ctx.name(), "eio-ws-check", new WsMessageCheck(maxPayload));
          HttpHeaders responseHeaders = new DefaultHttpHeaders();
          NettyHeaders.copyTo(extraHeaders, responseHeaders);
          ChannelFuture handshake;
          try {
            handshake =
                handshaker.handshake(
                    ctx.channel(), nettyRequest, responseHeaders, ctx.channel().newPromise());
          } catch (RuntimeException e) {
            // the HTTP handler checked the handshake already; whatever is left is the client's
            // fault too
            nettyRequest.release();
            for (String name :
                new String[] {
                  "eio-ws-check", "eio-ws-utf8", "eio-ws-aggregator", "eio-ws-frames"
                }) {
              p.remove(name);
            }
            if (log.isDebugEnabled()) {
              log.debug(
                  "refusing a WebSocket handshake from {}: {}",
                  ConnectionGuard.peer(ctx),
                  LogSafe.escape(e.getMessage()));
            }
            ctx.writeAndFlush(
                    HttpHandler.plainResponse(HttpResponseStatus.BAD_REQUEST, "Bad Request"))
                .addListener(ChannelFutureListener.CLOSE);
            return;
          }
          handshake.addListener(
              f -> {
                nettyRequest.release();
                if (!f.isSuccess()) {
                  ctx.close();
                  return;
                }
                ChannelHandlerContext framesCtx = ctx.pipeline().context(frames);
                if (framesCtx == null) {
                  ctx.close();
                  return;
                }
                frames.attach(framesCtx, onOpen.apply(conn));
              });
          // the HTTP handler is done with this channel: frames now go to the WebSocket handlers
          p.remove(ctx.handler());
        });
  }
}
