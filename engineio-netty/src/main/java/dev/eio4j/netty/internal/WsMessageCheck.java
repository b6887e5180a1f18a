package dev.eio4j.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Checks frames as the application will see them, after any permessage-deflate decoding and before the
 * fragments are joined:
 *
 * <ul>
 *   <li>no reserved bit is left set (RSV1 is cleared by the inflater only when the extension was
 *       negotiated; any other use is a protocol error, RFC 6455 §5.2), else close 1002;
 *   <li>a message, whole or fragmented, holds at most {@code maxPayload} bytes of data <em>after</em>
 *       inflating, else close 1009, decided fragment by fragment so that no more than the limit (plus
 *       the fragment being checked) is ever held.
 * </ul>
 *
 * Once a check fails, later frames are dropped. Confined to the channel's event loop.
 */
final class WsMessageCheck extends ChannelInboundHandlerAdapter {
  private final long maxPayload;
  private long messageSize; // data bytes of the message being received
  private boolean failed;

  WsMessageCheck(long maxPayload) {
    this.maxPayload = maxPayload;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof WebSocketFrame frame) {
      if (frame.rsv() != 0) {
        fail(
            ctx,
            frame,
            WebSocketCloseStatus.PROTOCOL_ERROR,
            "reserved bits set without an extension that defines them");
        return;
      }
      boolean data = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
      if (data) {
        messageSize =
            0; // the frame decoder has already refused a new message inside a fragmented one
      }
      if (data || frame instanceof ContinuationWebSocketFrame) {
        messageSize += frame.content().readableBytes();
        if (messageSize > maxPayload) {
          fail(ctx, frame, WebSocketCloseStatus.MESSAGE_TOO_BIG, "Max payload size exceeded");
          return;
        }
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void fail(
      ChannelHandlerContext ctx, WebSocketFrame frame, WebSocketCloseStatus status, String why) {
    failed = true;
    frame.release();
    ctx.fireExceptionCaught(new CorruptedWebSocketFrameException(status, why));
  }
}
