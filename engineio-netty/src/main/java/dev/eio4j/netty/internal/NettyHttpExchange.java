package dev.eio4j.netty.internal;

import dev.eio4j.spi.BoundedBody;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.HttpExchange;
import dev.eio4j.spi.Lane;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP request/response on a Netty channel. The body is counted as it streams into a {@link
 * BoundedBody}, which holds at most one byte beyond the limit and drops everything once it is passed. Body state is confined to the channel's event loop; {@link #respond} may be called
 * from any thread.
 */
final class NettyHttpExchange implements HttpExchange {
  private final ChannelHandlerContext ctx;
  private final EngineRequest request;
  private final boolean keepAlive;
  private final long hardLimit;
  private final AtomicBoolean responded = new AtomicBoolean();

  // event-loop confined
  private final BoundedBody body;
  private boolean complete;
  private boolean channelClosed;
  private boolean malformed;
  private boolean written; // a response went to the channel
  private BodyHandler handler;
  private FullHttpResponse deferred;
  private final List<Runnable> goneCallbacks = new ArrayList<>(1);

  NettyHttpExchange(
      ChannelHandlerContext ctx,
      EngineRequest request,
      boolean keepAlive,
      long hardLimit,
      long announcedLength) {
    this.ctx = ctx;
    this.request = request;
    this.keepAlive = keepAlive;
    this.hardLimit = hardLimit;
    this.body = new BoundedBody(hardLimit, announcedLength);
  }

  @Override
  public EngineRequest request() {
    return request;
  }

  @Override
  public Lane laneForNewSession() {
    return new EventLoopLane(ctx.channel().eventLoop());
  }

  /** Body bytes arrived (event loop). */
  void onContent(HttpContent content) {
    ByteBuf buf = content.content();
    int n = buf.readableBytes();
    if (n == 0 || malformed || body.isOverLimit()) {
      return;
    }
    int start = buf.readerIndex();
    body.append(n, (from, dst, off, len) -> buf.getBytes(start + from, dst, off, len));
    if (body.isOverLimit()) {
      report();
      FullHttpResponse d = deferred;
      if (d != null) {
        deferred = null;
        write(d);
      }
    }
  }

  /** The last body chunk arrived (event loop). */
  void onEnd() {
    complete = true;
    report();
    FullHttpResponse d = deferred;
    if (d != null) {
      deferred = null;
      write(d);
    }
  }

  /**
   * The body's framing broke (event loop): {@code refusal} is written instead of whatever the core
   * answers, the connection is closed after it, and the core's body handler gets an error, never a body.
   */
  void onMalformedBody(FullHttpResponse refusal) {
    malformed = true;
    responded.set(true); // an answer of the core still to come is dropped by write()
    if (deferred != null) {
      deferred.release();
      deferred = null;
    }
    report();
    if (written || !ctx.channel().isActive()) {
      // an answer went out already: nothing more can be said on this connection
      refusal.release();
      ctx.close();
      return;
    }
    written = true;
    HttpUtil.setKeepAlive(refusal, false);
    refusal.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
  }

  /** The channel closed (event loop). */
  void onChannelClosed() {
    channelClosed = true;
    if (deferred != null) {
      deferred.release();
      deferred = null;
    }
    report();
    if (!responded.get()) {
      List<Runnable> cbs = new ArrayList<>(goneCallbacks);
      goneCallbacks.clear();
      cbs.forEach(Runnable::run);
    }
  }

  boolean isComplete() {
    return complete;
  }

  @Override
  public void readBody(long maxBytes, BodyHandler h) {
    if (ctx.executor().inEventLoop()) {
      startReading(maxBytes, h);
    } else {
      ctx.executor().execute(() -> startReading(maxBytes, h));
    }
  }

  private void startReading(long maxBytes, BodyHandler h) {
    this.handler = h;
    body.narrow(Math.min(maxBytes, hardLimit));
    report();
  }

  private void report() {
    BodyHandler h = handler;
    if (h == null) {
      return;
    }
    if (malformed) {
      handler = null;
      h.onError(new IOException("malformed request body"));
    } else if (body.isOverLimit()) {
      handler = null;
      h.onTooLarge();
    } else if (complete) {
      handler = null;
      h.onBody(body.take());
    } else if (channelClosed) {
      handler = null;
      h.onError(new IOException("connection closed before the body was complete"));
    }
  }

  @Override
  public void respond(int status, Headers headers, byte[] bodyBytes) {
    if (!responded.compareAndSet(false, true)) {
      return;
    }
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            bodyBytes.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bodyBytes));
    NettyHeaders.copyTo(headers, res.headers());
    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, bodyBytes.length);
    if (ctx.executor().inEventLoop()) {
      write(res);
    } else {
      ctx.executor().execute(() -> write(res));
    }
  }

  private void write(FullHttpResponse res) {
    if (malformed) {
      res.release();
      return;
    }
    if (!complete && !body.isOverLimit() && !channelClosed) {
      deferred = res; // answer once the request has been read to its end, to keep the connection
      return;
    }
    // a body we did not read to its end (413) cannot be resynchronised: close after the response
    boolean keep = keepAlive && complete && !body.isOverLimit();
    HttpUtil.setKeepAlive(res, keep);
    if (!keep) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    if (!ctx.channel().isActive()) {
      res.release();
      return;
    }
    written = true;
    var f = ctx.writeAndFlush(res);
    if (!keep) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void abort() {
    responded.set(true);
    ctx.channel().close();
  }

  @Override
  public void onClientGone(Runnable callback) {
    if (ctx.executor().inEventLoop()) {
      addGone(callback);
    } else {
      ctx.executor().execute(() -> addGone(callback));
    }
  }

  private void addGone(Runnable callback) {
    if (responded.get()) {
      return;
    }
    if (channelClosed) {
      callback.run();
    } else {
      goneCallbacks.add(callback);
    }
  }
}
