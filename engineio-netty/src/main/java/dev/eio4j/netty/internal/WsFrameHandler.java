package dev.eio4j.netty.internal;

import dev.eio4j.spi.WsHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns WebSocket frames into core calls. Frames that arrive before the core has its handler (between
 * the 101 and the handshake future's listener) wait in a small queue.
 */
final class WsFrameHandler extends ChannelInboundHandlerAdapter {
  private record TextParts(char first, String rest) {}

  /** The peer broke the protocol in a way found here rather than in the decoder. */
  private record Failure(String description) {}

  private static final int MAX_EARLY_FRAMES = 64;
  private final NettyWsConnection conn;
  private WsHandler handler; // event loop
  private final ArrayDeque<Object> early = new ArrayDeque<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private boolean failed; // the connection failed: frames still in the pipeline are dropped

  WsFrameHandler(NettyWsConnection conn) {
    this.conn = conn;
  }

  NettyWsConnection connection() {
    return conn;
  }

  /** Called on the event loop once the handshake completed. */
  void attach(ChannelHandlerContext ctx, WsHandler h) {
    this.handler = h;
    while (!early.isEmpty()) {
      dispatch(ctx, early.poll());
    }
    if (!ctx.channel().isActive()) {
      end(null);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed || !(msg instanceof WebSocketFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (frame instanceof PingWebSocketFrame) {
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content()));
      return;
    }
    if (frame instanceof PongWebSocketFrame) {
      frame.release();
      return;
    }
    Object event;
    try {
      if (frame instanceof TextWebSocketFrame t) {
        ByteBuf c = t.content();
        int n = c.readableBytes();
        byte first = n > 0 ? c.getByte(c.readerIndex()) : 0;
        if (n > 0 && first >= 0) {
          // the type character apart from the data: the core need not copy the data out of one
          // string
          event =
              new TextParts(
                  (char) first, c.toString(c.readerIndex() + 1, n - 1, StandardCharsets.UTF_8));
        } else {
          event = t.text();
        }
      } else if (frame instanceof BinaryWebSocketFrame b) {
        ByteBuf c = b.content();
        event = ByteBufUtil.getBytes(c, c.readerIndex(), c.readableBytes(), false);
      } else if (frame instanceof CloseWebSocketFrame close) {
        int code = close.statusCode(); // -1: no status
        if (code != -1 && !validCloseCode(code)) {
          failed = true;
          conn.close(WebSocketCloseStatus.PROTOCOL_ERROR.code(), "");
          event = new Failure("invalid close code " + code);
        } else if (!conn.closeStarted()) {
          // answer the peer's close with its own status, then close the TCP
          conn.close(close.statusCode() > 0 ? close.statusCode() : 1000, "");
        }
        event = CloseWebSocketFrame.class;
      } else {
        return;
      }
    } finally {
      frame.release();
    }
    if (handler == null) {
      if (early.size() >= MAX_EARLY_FRAMES) {
        ctx.close();
        return;
      }
      early.add(event);
    } else {
      dispatch(ctx, event);
    }
  }

  private void dispatch(ChannelHandlerContext ctx, Object event) {
    if (event instanceof Failure f) {
      end(f.description());
    } else if (event instanceof TextParts t) {
      handler.onText(t.first(), t.rest());
    } else if (event instanceof String s) {
      handler.onText(s);
    } else if (event instanceof byte[] b) {
      handler.onBinary(b);
    } else {
      end(null);
    }
  }

  private void end(String error) {
    end(error, false);
  }

  private void end(String error, boolean tooLarge) {
    if (handler == null || !ended.compareAndSet(false, true)) {
      return;
    }
    if (error == null) {
      handler.onClose();
    } else if (tooLarge) {
      handler.onTooLarge(error);
    } else {
      handler.onError(error);
    }
  }

  /**
   * A status a peer may send (RFC 6455 §7.4): 1000-1003, 1007-1014 (1012-1014 registered since), and
   * the ranges for libraries and applications, 3000-4999. 1004-1006 and 1015 are never sent.
   */
  static boolean validCloseCode(int code) {
    return (code >= 1000 && code <= 1003)
        || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    end(null);
    ctx.fireChannelInactive();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && handler != null) {
      handler.onWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failed = true;
    int code = WebSocketCloseStatus.PROTOCOL_ERROR.code();
    if (cause instanceof CorruptedWebSocketFrameException c && c.closeStatus() != null) {
      code = c.closeStatus().code();
    } else if (cause instanceof TooLongFrameException) {
      code = WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
    }
    if (code == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
      conn.close(code, "Max payload size exceeded");
      end("Max payload size exceeded", true);
      return;
    }
    conn.close(code, "");
    end(cause.getClass().getSimpleName() + ": " + cause.getMessage());
  }
}
