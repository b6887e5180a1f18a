package dev.eio4j.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the WebSocket closing handshake: once a close frame is written, the TCP connection is closed
 * after {@code timeoutMillis} if it is still open. A close frame is followed by a TCP close as soon as it
 * has been written; this timer covers the peer that does not read, so that the frame (and whatever is
 * queued before it) never goes out and the connection would otherwise stay open with its buffers.
 */
final class WsCloseTimeout extends ChannelOutboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WsCloseTimeout.class);
  private final long timeoutMillis;
  private boolean armed;

  WsCloseTimeout(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!armed && msg instanceof CloseWebSocketFrame) {
      armed = true;
      io.netty.util.concurrent.ScheduledFuture<?> timer =
          ctx.executor()
              .schedule(
                  () -> {
                    if (ctx.channel().isActive()) {
                      if (log.isDebugEnabled()) {
                        log.debug(
                            "closing WebSocket from {}: close frame not written within {} ms (the peer does not read)",
                            ConnectionGuard.peer(ctx),
                            timeoutMillis);
                      }
                      ctx.channel().close();
                    }
                  },
                  timeoutMillis,
                  TimeUnit.MILLISECONDS);
      // a connection that closes in time lets go of its timer (and of this channel) at once
      ctx.channel().closeFuture().addListener(f -> timer.cancel(false));
    }
    ctx.write(msg, promise);
  }
}
