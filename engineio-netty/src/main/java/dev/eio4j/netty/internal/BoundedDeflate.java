package dev.eio4j.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * permessage-deflate (RFC 7692) whose inflating side holds the message size limit on the inflated data.
 * Negotiation and the compressing side are Netty's; the inflater is ours, so that it can stop as soon as
 * a message (all its fragments together) inflates past {@code maxPayload} bytes: it never produces more
 * than {@code maxPayload + 1} bytes of one message, whatever the compression ratio, and the frame is
 * refused with 1009 before anything of it is passed on.
 */
final class BoundedDeflate implements WebSocketServerExtensionHandshaker {
  private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
  private static final int STEP = 8192;
  private final PerMessageDeflateServerExtensionHandshaker negotiation =
      new PerMessageDeflateServerExtensionHandshaker(
          0); // 0: Netty sets no allocation cap of its own; inflating is ours
  private final long maxPayload;

  BoundedDeflate(long maxPayload) {
    this.maxPayload = maxPayload;
  }

  @Override
  public WebSocketServerExtension handshakeExtension(WebSocketExtensionData offer) {
    WebSocketServerExtension agreed = negotiation.handshakeExtension(offer);
    if (agreed == null) {
      return null;
    }
    boolean clientNoContext =
        agreed.newReponseData().parameters().containsKey("client_no_context_takeover");
    return new WebSocketServerExtension() {
      @Override
      public int rsv() {
        return agreed.rsv();
      }

      @Override
      public WebSocketExtensionEncoder newExtensionEncoder() {
        return agreed.newExtensionEncoder();
      }

      @Override
      public WebSocketExtensionDecoder newExtensionDecoder() {
        return new BoundedInflater(maxPayload, clientNoContext);
      }

      @Override
      public WebSocketExtensionData newReponseData() {
        return agreed.newReponseData();
      }
    };
  }

  /**
   * Inflates the frames of compressed messages (RSV1 on the first frame, RFC 7692 §6); frames of
   * uncompressed messages and control frames pass untouched. Confined to the channel's event loop.
   */
  static final class BoundedInflater extends WebSocketExtensionDecoder {
    private final long maxPayload;
    private final boolean noContext;
    private Inflater inflater;
    private boolean compressing; // inside a compressed message
    private long produced; // inflated bytes of the current message
    private boolean failed;

    BoundedInflater(long maxPayload, boolean noContext) {
      this.maxPayload = maxPayload;
      this.noContext = noContext;
    }

    @Override
    public boolean acceptInboundMessage(Object msg) {
      if (failed) {
        return msg instanceof WebSocketFrame; // dropped
      }
      if (msg instanceof ContinuationWebSocketFrame) {
        return compressing;
      }
      return (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame)
          && (((WebSocketFrame) msg).rsv() & WebSocketExtension.RSV1) != 0;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
      if (failed) {
        return;
      }
      boolean first = !(frame instanceof ContinuationWebSocketFrame);
      if (first) {
        compressing = true;
        produced = 0;
      } else if ((frame.rsv() & WebSocketExtension.RSV1) != 0) {
        throw fail(WebSocketCloseStatus.PROTOCOL_ERROR, "RSV1 set on a continuation frame");
      }
      boolean fin = frame.isFinalFragment();
      ByteBuf data = ctx.alloc().heapBuffer((int) Math.min(STEP, maxPayload + 1));
      try {
        inflate(frame.content().nioBuffer(), data);
        if (fin) {
          inflate(ByteBuffer.wrap(TAIL), data);
        }
      } catch (RuntimeException e) {
        data.release();
        throw e;
      }
      if (fin) {
        compressing = false;
        if (noContext || inflater.finished()) {
          inflater
              .reset(); // a stream ended by the client (BFINAL) starts anew with the next message
        }
      }
      int rsv = frame.rsv() & ~WebSocketExtension.RSV1;
      if (frame instanceof TextWebSocketFrame) {
        out.add(new TextWebSocketFrame(fin, rsv, data));
      } else if (frame instanceof BinaryWebSocketFrame) {
        out.add(new BinaryWebSocketFrame(fin, rsv, data));
      } else {
        out.add(new ContinuationWebSocketFrame(fin, rsv, data));
      }
    }

    /** Inflates all of {@code in} into {@code data}, never past one byte over the message limit. */
    private void inflate(ByteBuffer in, ByteBuf data) {
      if (inflater == null) {
        inflater = new Inflater(true);
      }
      if (inflater.finished()) {
        return; // data after the end of a final block means nothing (RFC 7692 §7.2.3.6)
      }
      inflater.setInput(in);
      try {
        while (!inflater.finished()) {
          long room = maxPayload + 1 - produced; // > 0: the message is not over the limit yet
          if (!data.isWritable()) {
            data.ensureWritable((int) Math.min(Math.max(data.capacity(), STEP), room));
          }
          int want = (int) Math.min(data.writableBytes(), room);
          int before = inflater.getRemaining();
          int n = inflater.inflate(data.array(), data.arrayOffset() + data.writerIndex(), want);
          data.writerIndex(data.writerIndex() + n);
          produced += n;
          if (produced > maxPayload) {
            throw fail(WebSocketCloseStatus.MESSAGE_TOO_BIG, "Max payload size exceeded");
          }
          if (n == 0) {
            if (inflater.needsInput()) {
              return;
            }
            if (inflater.needsDictionary()) {
              throw fail(
                  WebSocketCloseStatus.INVALID_PAYLOAD_DATA,
                  "compressed data needs a preset dictionary");
            }
            if (!inflater.finished() && inflater.getRemaining() == before) {
              // room to write, input left, and nothing happened: the data cannot be inflated
              throw fail(
                  WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "compressed data does not inflate");
            }
          }
        }
      } catch (DataFormatException e) {
        throw fail(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "invalid compressed data");
      }
    }

    private CorruptedWebSocketFrameException fail(WebSocketCloseStatus status, String why) {
      failed = true;
      end();
      return new CorruptedWebSocketFrameException(status, why);
    }

    private void end() {
      if (inflater != null) {
        inflater.end();
        inflater = null;
      }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
      end();
      super.handlerRemoved(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      end();
      super.channelInactive(ctx);
    }
  }
}
