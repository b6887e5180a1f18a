package dev.eio4j.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client: Engine.IO v4 or v3 directly over WebSocket ({@code transport=websocket}), or a
 * raw WebSocket whose server greets with one frame. v4: answers every server ping at once. v3: pings
 * every pingInterval and times the pong.
 */
final class WsClient extends Client {
  private static final int MAX_FRAME = 64 * 1024 * 1024;
  private final boolean raw;
  private final boolean v3;
  private volatile Channel ch;
  private boolean inRead;
  private boolean dirty;
  private long pingIntervalMs;
  private long lastPingAt;
  private long pingSentAt;
  private ScheduledFuture<?> pinger;
  private ScheduledFuture<?> timeout;

  WsClient(int index, Ctx ctx) {
    super(index, ctx);
    this.raw = ctx.cfg.raw;
    this.v3 = ctx.cfg.protocol == 3;
  }

  /** The handshake config, shared by every client of a run. */
  static WebSocketClientProtocolConfig config(Config cfg, String hostHeader) {
    String p = cfg.wsPath();
    String target =
        cfg.raw
            ? p
            : p + (p.contains("?") ? "&" : "?") + "EIO=" + cfg.protocol + "&transport=websocket";
    return WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(URI.create("ws://" + hostHeader + target))
        .version(WebSocketVersion.V13)
        .maxFramePayloadLength(MAX_FRAME)
        .handshakeTimeoutMillis(cfg.openTimeoutMs)
        .handleCloseFrames(true)
        .dropPongFrames(true)
        .absoluteUpgradeUrl(false)
        .generateOriginHeader(false)
        .withUTF8Validator(false)
        .build();
  }

  @Override
  void connect() {
    startedAt = System.nanoTime();
    Bootstrap b =
        ctx.net
            .bootstrap
            .clone(ctx.net.group.next())
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel c) {
                    ch = c; // before any I/O event of this channel
                    c.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(new WebSocketClientProtocolHandler(ctx.wsConfig))
                        .addLast(new WebSocketFrameAggregator(MAX_FRAME))
                        .addLast(new Handler());
                  }
                });
    ChannelFuture f = b.connect(ctx.net.remote, ctx.net.source(index));
    ch = f.channel();
    f.addListener(
        future -> {
          if (!future.isSuccess()) {
            reportFailed("connect: " + future.cause());
            return;
          }
          timeout =
              ch.eventLoop()
                  .schedule(
                      () -> {
                        if (!open) {
                          reportFailed("no open packet within " + ctx.cfg.openTimeoutMs + " ms");
                        }
                      },
                      ctx.cfg.openTimeoutMs,
                      TimeUnit.MILLISECONDS);
        });
  }

  @Override
  EventLoop loop() {
    return ch == null ? null : ch.eventLoop();
  }

  @Override
  void send(long stamp) {
    if (!ch.isActive()) {
      return;
    }
    int size = ctx.cfg.size;
    ByteBuf b = ch.alloc().buffer(size + 1);
    if (!raw) {
      b.writeByte('4');
    }
    Wire.writeMessage(b, stamp, size, ctx.net.pad);
    write(new TextWebSocketFrame(b));
    ctx.metrics.sent.increment();
  }

  @Override
  void sendControl(String text) {
    if (ch.isActive()) {
      write(new TextWebSocketFrame(raw ? text : "4" + text));
    }
  }

  @Override
  void burst(int k) {
    boolean was = inRead;
    inRead = true;
    try {
      super.burst(k);
    } finally {
      inRead = was;
    }
    if (!was && dirty) {
      dirty = false;
      ch.flush();
    }
  }

  private void write(WebSocketFrame frame) {
    if (inRead) {
      ch.write(frame, ch.voidPromise());
      dirty = true;
    } else {
      ch.writeAndFlush(frame, ch.voidPromise());
    }
  }

  @Override
  void close() {
    closing = true;
    Channel c = ch;
    if (c != null) {
      c.eventLoop()
          .execute(
              () -> {
                cancelTimers();
                c.close();
              });
    }
  }

  private void cancelTimers() {
    if (pinger != null) {
      pinger.cancel(false);
      pinger = null;
    }
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  private void onOpenPacket(ByteBuf c, int from, int len) {
    Wire.OpenInfo info;
    try {
      info = Wire.parseOpen(c.toString(from, len, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      reportFailed("bad open packet: " + e.getMessage());
      return;
    }
    pingIntervalMs = info.pingInterval();
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
    if (v3) {
      pinger =
          ch.eventLoop()
              .scheduleAtFixedRate(
                  this::ping, pingIntervalMs, pingIntervalMs, TimeUnit.MILLISECONDS);
    }
    reportOpened();
  }

  private void ping() {
    if (ch.isActive() && !closing) {
      pingSentAt = System.nanoTime();
      ch.writeAndFlush(new TextWebSocketFrame("2"), ch.voidPromise());
    }
  }

  private void onText(ByteBuf c) {
    int from = c.readerIndex();
    int len = c.readableBytes();
    long now = System.nanoTime();
    if (raw) {
      if (!open) {
        if (timeout != null) {
          timeout.cancel(false);
          timeout = null;
        }
        reportOpened(); // the raw server's greeting
      } else {
        ctx.events.message(this, Wire.readStamp(c, from, len), now);
      }
      return;
    }
    if (len == 0) {
      ctx.errors.add("empty text frame");
      return;
    }
    byte type = c.getByte(from);
    switch (type) {
      case '4' -> {
        if (open) {
          ctx.events.message(this, Wire.readStamp(c, from + 1, len - 1), now);
        }
      }
      case '2' -> {
        if (!v3) {
          write(new TextWebSocketFrame("3"));
          lastPingAt = onServerPing(lastPingAt, now, pingIntervalMs);
        } else {
          ctx.errors.add("v3 server sent a ping");
        }
      }
      case '3' -> {
        if (v3 && pingSentAt != 0) {
          ctx.metrics.heartbeat.record(now - pingSentAt);
          ctx.metrics.pongsReceived.increment();
          pingSentAt = 0;
        }
      }
      case '0' -> {
        if (!open) {
          onOpenPacket(c, from + 1, len - 1);
        } else {
          ctx.errors.add("second open packet");
        }
      }
      case '6', '1' -> {
        // noop; a close packet is followed by the WebSocket close
      }
      default -> ctx.errors.add("unexpected packet type '" + (char) type + "'");
    }
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    private String cause;

    @Override
    public void userEventTriggered(ChannelHandlerContext c, Object evt) {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        reportFailed("WebSocket handshake timeout");
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      inRead = true;
      try {
        if (msg instanceof TextWebSocketFrame t) {
          onText(t.content());
        } else if (msg instanceof BinaryWebSocketFrame b && open) {
          ctx.events.message(WsClient.this, -1, System.nanoTime());
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext c) {
      inRead = false;
      if (dirty) {
        dirty = false;
        c.flush();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
      cancelTimers();
      reportLost(
          cause != null ? cause : open ? "closed by the server" : "closed before the open packet");
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
