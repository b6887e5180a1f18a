package dev.eio4j.servlet.internal;

import dev.eio4j.spi.WsConnection;
import dev.eio4j.spi.WsHandler;
import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Everything one open Jakarta WebSocket session needs: its {@link JakartaWsConnection}, the core's
 * {@link WsHandler}, and partial-message handlers that join parts and enforce the byte limit (a message
 * over it closes the session with 1009, as the Netty runtime does). Partial handlers, rather than the
 * container's whole-message buffers, because Tomcat allocates those at their maximum size for every
 * session. The container calls in one event at a time, in frame order.
 */
public final class WsSessionBridge {
  private static final String TOO_LARGE = "Max payload size exceeded";
  private final Session session;
  private final JakartaWsConnection conn;
  private final WsHandler handler;
  private final MessageAssembler texts;
  private final MessageAssembler binaries;
  private final AtomicBoolean ended = new AtomicBoolean();

  private WsSessionBridge(
      Session session, long maxPayload, Function<WsConnection, WsHandler> onOpen) {
    this.session = session;
    this.conn = new JakartaWsConnection(session);
    this.texts = new MessageAssembler(maxPayload);
    this.binaries = new MessageAssembler(maxPayload);
    this.handler = onOpen.apply(conn);
    conn.attach(handler);
  }

  /**
   * Called from the endpoint's {@code onOpen}: no idle timeout (the heartbeat reaps dead peers, as with
   * the Netty runtime), then the core's handler, then the message handlers.
   */
  public static WsSessionBridge open(
      Session session, long maxPayload, Function<WsConnection, WsHandler> onOpen) {
    session.setMaxIdleTimeout(0);
    WsSessionBridge bridge = new WsSessionBridge(session, maxPayload, onOpen);
    session.addMessageHandler(
        String.class,
        new MessageHandler.Partial<String>() {
          @Override
          public void onMessage(String part, boolean last) {
            bridge.onText(part, last);
          }
        });
    session.addMessageHandler(
        ByteBuffer.class,
        new MessageHandler.Partial<ByteBuffer>() {
          @Override
          public void onMessage(ByteBuffer part, boolean last) {
            bridge.onBinary(part, last);
          }
        });
    return bridge;
  }

  private void onText(String part, boolean last) {
    if (ended.get()) {
      return;
    }
    try {
      String whole = texts.text(part, last);
      if (whole != null) {
        handler.onText(whole);
      }
    } catch (MessageAssembler.TooLarge e) {
      tooLarge();
    }
  }

  private void onBinary(ByteBuffer part, boolean last) {
    if (ended.get()) {
      return;
    }
    try {
      byte[] whole = binaries.binary(part, last);
      if (whole != null) {
        handler.onBinary(whole);
      }
    } catch (MessageAssembler.TooLarge e) {
      tooLarge();
    }
  }

  private void tooLarge() {
    // the core first (a container may report the close it is about to start as a plain onClose)
    if (ended.compareAndSet(false, true)) {
      handler.onTooLarge(TOO_LARGE);
    }
    conn.close(CloseReason.CloseCodes.TOO_BIG.getCode(), TOO_LARGE);
  }

  /** The endpoint's {@code onClose}: the peer closed, or the connection ended. */
  public void onClose(CloseReason reason) {
    if (ended.compareAndSet(false, true)) {
      handler.onClose();
    }
  }

  /** The endpoint's {@code onError}: a failed connection (the container closes it). */
  public void onError(Throwable t) {
    if (ended.compareAndSet(false, true)) {
      handler.onError(t.getClass().getSimpleName() + ": " + t.getMessage());
    }
    if (!conn.closeStarted() && session.isOpen()) {
      conn.close(CloseReason.CloseCodes.PROTOCOL_ERROR.getCode(), "");
    }
  }
}
