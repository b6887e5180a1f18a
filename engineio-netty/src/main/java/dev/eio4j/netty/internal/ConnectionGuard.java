package dev.eio4j.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes HTTP connections that stall, each with a logged reason, and never a held long-poll GET or an
 * open WebSocket (the Engine.IO heartbeat governs those):
 *
 * <ul>
 *   <li><b>request head</b>: a new connection, or the first byte of a further request on a kept-alive
 *       one, must complete its request line and headers within {@code headersTimeout} (slowloris);
 *       otherwise {@code 408} and close;
 *   <li><b>request body</b>: once the head is in, the body must be complete within {@code bodyTimeout},
 *       whether it stalls or trickles; otherwise {@code 408} and close;
 *   <li><b>idle</b>: a kept-alive connection with no request in progress and no response pending is
 *       closed after {@code idleTimeout}, silently;
 *   <li><b>unread responses</b>: a connection whose peer leaves our responses unread (the channel is
 *       not writable and no byte of them leaves) for {@code idleTimeout} is closed, silently, whatever
 *       else it waits for: otherwise a client that pipelines without reading would hold it forever.
 * </ul>
 *
 * A connection whose request is complete and whose response is pending (a held GET, a request waiting for
 * an asynchronous {@code allowRequest}) has no deadline. When the {@code 101} of a WebSocket handshake is
 * written the guard steps aside and leaves a {@link WsCloseTimeout} in its place. While the channel is not
 * writable (the peer does not read its responses) the guard stops reading requests, so a client that
 * pipelines requests without reading cannot make the server buffer without bound.
 *
 * <p>Responses leave in request order (RFC 9112 §9.3.2): once a request has been read to its end and
 * while its response is not written, the guard stops reading, and a further request that the same read
 * had already brought in waits here (head and body parts, in order) until that response is written. The
 * wait is the server's, not the client's, so no head or body deadline runs during it.
 *
 * <p>Two handlers share the state: {@link #bytes()} sits before the HTTP codec and notices the first byte
 * of a request; {@link #http()} sits after it and follows heads, bodies and responses. Confined to the
 * channel's event loop. A timeout of 0 disables that deadline.
 */
public final class ConnectionGuard {
  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final long NONE = Long.MAX_VALUE;

  /**
   * Requests decoded in one read burst before the guard pauses reading until the event loop has served
   * its other connections: a client that pipelines thousands of requests in one go must not hold the
   * event loop (and every session on it) for seconds. The read in progress (one buffer, at most 64 KiB)
   * is still decoded.
   */
  static final int MAX_REQUESTS_PER_READ = 32;

  /** Decoded request parts held for in-order answering beyond which the connection is closed. */
  static final int MAX_HELD = 256;

  /** The deadlines, in milliseconds (0: off). */
  public record Timeouts(
      long headersMillis, long bodyMillis, long idleMillis, long wsCloseMillis) {}

  private enum Reading {
    NOTHING,
    HEAD,
    BODY
  }

  private final Timeouts timeouts;
  private final Bytes bytes = new Bytes();
  private final Http http = new Http();
  private ChannelHandlerContext ctx; // of the http handler
  private Reading reading = Reading.HEAD; // a new connection waits for its first request head
  private boolean headStarted; // a byte of the request being read has arrived
  private long readingSince = System.nanoTime();
  private int inFlight; // requests whose head was read and whose response has not been written
  private long idleSince;

  /** While the peer leaves our responses unread: since when no byte of them has left (0: writable). */
  private long stalledSince;

  /** The bytes waiting to be written when {@link #stalledSince} was last set. */
  private long stalledPending;

  private ScheduledFuture<?> timer;
  private long timerAt; // when the pending timer fires (nanoTime)
  private boolean done; // upgraded to a WebSocket, or closed
  private int burst; // requests decoded since the last channelReadComplete
  private boolean paused; // reading paused for fairness
  private boolean bodyDone = true; // the last request passed on has been read to its end

  /**
   * Requests (heads and bodies) decoded while an earlier response is outstanding, passed on in order once
   * it is written. Reading stops as soon as a request is complete and its response pending, so this holds
   * at most what one read had already brought in.
   */
  private final ArrayDeque<Object> held = new ArrayDeque<>();

  /** A guard with these deadlines. */
  public ConnectionGuard(Timeouts timeouts) {
    this.timeouts = timeouts;
  }

  /** The handler that goes before the HTTP codec (after TLS). */
  public ChannelHandler bytes() {
    return bytes;
  }

  /** The handler that goes after the HTTP codec. */
  public ChannelHandler http() {
    return http;
  }

  // ------------------------------------------------------------------ state

  /** A request has been read to its end and its response is not written yet: nothing more is read. */
  private boolean awaitingResponse() {
    return inFlight > 0 && bodyDone;
  }

  private long deadline() {
    if (stalledSince != 0) {
      // whatever else is going on, a peer that reads none of our responses waits for nobody but
      // itself
      return after(stalledSince, timeouts.idleMillis());
    }
    if (awaitingResponse() || !held.isEmpty()) {
      return NONE; // the client waits for us, not we for it
    }
    switch (reading) {
      case HEAD:
        return after(readingSince, timeouts.headersMillis());
      case BODY:
        return after(readingSince, timeouts.bodyMillis());
      default:
        return inFlight > 0 ? NONE : after(idleSince, timeouts.idleMillis());
    }
  }

  private static long after(long since, long millis) {
    return millis <= 0 ? NONE : since + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  /**
   * Makes sure a timer will look at the state by the current deadline. One timer at a time: a pending
   * one that fires earlier is kept (its check re-arms), one that would fire later (an idle deadline when
   * a new request's head deadline is nearer) is replaced.
   */
  private void arm() {
    if (done || ctx == null) {
      return;
    }
    long d = deadline();
    if (d == NONE) {
      return;
    }
    if (timer != null) {
      if (timerAt - d <= 0) {
        return;
      }
      timer.cancel(false);
    }
    timerAt = d;
    timer =
        ctx.executor()
            .schedule(this::check, Math.max(0, d - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void check() {
    timer = null;
    if (done || !ctx.channel().isActive()) {
      return;
    }
    noteWriteProgress(ctx.channel());
    long d = deadline();
    if (d == NONE) {
      return;
    }
    if (System.nanoTime() - d >= 0) {
      expire();
    } else {
      arm();
    }
  }

  private void expire() {
    done = true;
    String reason;
    boolean answer;
    switch (reading) {
      case HEAD:
        reason = "request head not complete within " + timeouts.headersMillis() + " ms";
        // nothing at all received (not even a TLS handshake): nobody to answer
        answer = inFlight == 0 && headStarted;
        break;
      case BODY:
        reason = "request body not complete within " + timeouts.bodyMillis() + " ms";
        // only when the request being read is the one (and only one) still unanswered
        answer = inFlight == 1;
        break;
      default:
        reason = "idle for " + timeouts.idleMillis() + " ms";
        answer = false;
        break;
    }
    if (stalledSince != 0) {
      reason = "none of its responses read for " + timeouts.idleMillis() + " ms";
      answer = false;
    }
    if (log.isDebugEnabled()) {
      log.debug("closing connection from {}: {}", peer(ctx), reason);
    }
    ctx.channel().config().setAutoRead(true);
    if (answer) {
      byte[] body = "Request Timeout".getBytes(StandardCharsets.US_ASCII);
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.REQUEST_TIMEOUT,
              Unpooled.wrappedBuffer(body));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
      res.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      // a peer that does not read the 408 does not get to keep the connection either
      ctx.executor().schedule(() -> ctx.close(), 1, TimeUnit.SECONDS);
    } else {
      ctx.close();
    }
  }

  /** While not writable: any byte of our responses that left since the last look restarts the stall clock. */
  private void noteWriteProgress(Channel ch) {
    if (stalledSince == 0) {
      return;
    }
    if (ch.isWritable()) {
      stalledSince = 0;
      return;
    }
    long pending = pendingBytes(ch);
    if (pending < stalledPending) {
      stalledSince = System.nanoTime();
      stalledPending = pending;
    }
  }

  private static long pendingBytes(Channel ch) {
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  /** The peer address as text, with anything but printable ASCII escaped. */
  static String peer(ChannelHandlerContext ctx) {
    String s = String.valueOf(ctx.channel().remoteAddress());
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length() && i < 100; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private void stop() {
    done = true;
    releaseHeld();
    ScheduledFuture<?> t = timer;
    timer = null;
    if (t != null) {
      t.cancel(false);
    }
  }

  private void releaseHeld() {
    Object m;
    while ((m = held.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }

  /**
   * Reads while the peer reads our responses, the event loop is not being hogged, and no complete request
   * awaits its response (responses leave in request order, RFC 9112 §9.3.2).
   */
  private void updateAutoRead(Channel ch) {
    if (!done) {
      ch.config().setAutoRead(ch.isWritable() && !paused && held.isEmpty() && !awaitingResponse());
    }
  }

  /** The outstanding response went out: pass on the requests held behind it, then read again. */
  private void resume() {
    if (done || ctx == null || !ctx.channel().isActive() || awaitingResponse()) {
      return;
    }
    if (reading != Reading.NOTHING) {
      readingSince = System.nanoTime(); // the client was waiting for us until now
    }
    while (!held.isEmpty() && !done) {
      if (held.peek() instanceof HttpRequest && inFlight > 0) {
        break;
      }
      pass(ctx, held.poll());
    }
    updateAutoRead(ctx.channel());
    arm();
  }

  /** Follows one decoded request part and passes it on. */
  private void pass(ChannelHandlerContext c, Object msg) {
    if (msg instanceof HttpRequest) {
      reading = Reading.BODY;
      readingSince = System.nanoTime();
      headStarted = false;
      inFlight++;
      bodyDone = false;
      if (++burst > MAX_REQUESTS_PER_READ && !paused) {
        paused = true; // the read loop stops after this buffer
      }
    }
    if (msg instanceof LastHttpContent) {
      reading = Reading.NOTHING;
      bodyDone = true;
    }
    c.fireChannelRead(msg);
    if (!done) {
      updateAutoRead(c.channel());
      arm();
    }
  }

  /** The 101 went out: the connection is a WebSocket now. */
  private void upgraded(ChannelHandlerContext httpCtx) {
    stop();
    ChannelPipeline p = httpCtx.pipeline();
    httpCtx.channel().config().setAutoRead(true);
    if (p.context(bytes) != null) {
      p.remove(bytes);
    }
    if (timeouts.wsCloseMillis() > 0) {
      p.replace(http, "eio-ws-close-timeout", new WsCloseTimeout(timeouts.wsCloseMillis()));
    } else {
      p.remove(http);
    }
  }

  // ------------------------------------------------------------------ handlers

  /** Before the codec: the first byte of a request starts its head deadline. */
  private final class Bytes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      if (!done && msg instanceof ByteBuf b && b.isReadable()) {
        if (reading == Reading.NOTHING) {
          reading = Reading.HEAD;
          readingSince = System.nanoTime();
          arm();
        }
        headStarted = true;
      }
      c.fireChannelRead(msg);
    }
  }

  /** After the codec: heads, bodies, responses; the 101; writability. */
  private final class Http extends ChannelDuplexHandler {
    @Override
    public void handlerAdded(ChannelHandlerContext c) {
      ctx = c;
      if (c.channel().isActive()) {
        arm();
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext c) {
      readingSince = System.nanoTime();
      arm();
      c.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      if (done) {
        c.fireChannelRead(msg);
        return;
      }
      if (!held.isEmpty() || (msg instanceof HttpRequest && inFlight > 0)) {
        // an earlier request is unanswered: this one waits, so its response cannot overtake
        held.add(msg);
        if (held.size() > MAX_HELD) {
          if (log.isDebugEnabled()) {
            log.debug(
                "closing connection from {}: more than {} pipelined request parts",
                peer(c),
                MAX_HELD);
          }
          stop();
          c.close();
          return;
        }
        updateAutoRead(c.channel());
        return;
      }
      pass(c, msg);
    }

    @Override
    public void write(ChannelHandlerContext c, Object msg, ChannelPromise promise) {
      boolean upgrade = false;
      boolean interim = false;
      if (!done) {
        if (msg instanceof HttpResponse res) {
          int code = res.status().code();
          upgrade = code == 101;
          interim = code >= 100 && code < 200; // 100 Continue: the final response is still to come
        }
        if (!interim && msg instanceof LastHttpContent) {
          if (inFlight > 0) {
            inFlight--;
          }
          if (inFlight == 0) {
            idleSince = System.nanoTime();
            if (!held.isEmpty() || !c.channel().config().isAutoRead()) {
              // after this write is queued (so a held request's answer goes out behind it)
              c.executor().execute(ConnectionGuard.this::resume);
            }
          }
          arm();
        }
      }
      c.write(msg, promise);
      if (upgrade) {
        upgraded(c);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext c) {
      burst = 0;
      if (paused) {
        // resume once the event loop has run the I/O of its other connections
        c.executor()
            .execute(
                () -> {
                  paused = false;
                  updateAutoRead(c.channel());
                });
      }
      c.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext c) {
      // backpressure for HTTP: stop reading requests while the peer is not reading our responses
      updateAutoRead(c.channel());
      if (c.channel().isWritable()) {
        stalledSince = 0;
      } else if (stalledSince == 0) {
        stalledSince = System.nanoTime();
        stalledPending = pendingBytes(c.channel());
        arm();
      }
      c.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
      stop();
      c.fireChannelInactive();
    }
  }
}
