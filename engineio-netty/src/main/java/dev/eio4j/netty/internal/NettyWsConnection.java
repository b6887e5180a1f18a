package dev.eio4j.netty.internal;

import dev.eio4j.spi.WsConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/** The core's view of an open WebSocket channel. Thread-safe; writes keep call order. */
final class NettyWsConnection implements WsConnection {
  private final Channel channel;
  private final AtomicBoolean closing = new AtomicBoolean();

  NettyWsConnection(Channel channel) {
    this.channel = channel;
  }

  @Override
  public void sendText(String text) {
    ByteBuf buf = channel.alloc().buffer(ByteBufUtil.utf8Bytes(text));
    ByteBufUtil.writeUtf8(buf, text);
    channel.write(new TextWebSocketFrame(buf), channel.voidPromise());
  }

  @Override
  public void sendText(char prefix, String text) {
    // straight into a pooled (direct, with epoll) buffer: no "4" + text string, no heap-to-direct
    // copy
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8); // an intrinsic copy for ASCII/Latin-1 text
    ByteBuf buf = channel.alloc().buffer(1 + utf8.length);
    buf.writeByte(prefix);
    buf.writeBytes(utf8);
    channel.write(new TextWebSocketFrame(buf), channel.voidPromise());
  }

  @Override
  public void sendBinary(byte[] data) {
    channel.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)), channel.voidPromise());
  }

  @Override
  public void flush() {
    channel.flush();
  }

  @Override
  public boolean isWritable() {
    return channel.isWritable();
  }

  @Override
  public void close() {
    if (closing.compareAndSet(false, true)) {
      // an empty close frame: no status code, the peer sees 1005 (as with the reference)
      channel
          .writeAndFlush(new CloseWebSocketFrame(true, 0, Unpooled.EMPTY_BUFFER))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void close(int statusCode, String reason) {
    if (closing.compareAndSet(false, true)) {
      channel
          .writeAndFlush(new CloseWebSocketFrame(statusCode, reason))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  boolean closeStarted() {
    return closing.get();
  }
}
