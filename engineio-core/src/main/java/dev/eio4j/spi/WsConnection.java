package dev.eio4j.spi;

/**
 * An open WebSocket, as the core writes to it. All methods are thread-safe and never block; frames are
 * written in call order. {@link #sendText} and {@link #sendBinary} may buffer until {@link #flush()}.
 */
public interface WsConnection {
  /** Queues one text frame. */
  void sendText(String text);

  /**
   * Queues one text frame made of {@code prefix} followed by {@code text} (an Engine.IO packet: the type
   * digit, then its data). Adapters override it to encode straight into their own buffers; the default
   * concatenates.
   */
  default void sendText(char prefix, String text) {
    sendText(prefix + text);
  }

  /** Queues one binary frame. The array must not be modified afterwards. */
  void sendBinary(byte[] data);

  /** Writes what was queued. */
  void flush();

  /**
   * False while the adapter's own outbound buffer is above its high-water mark; the core then keeps
   * packets in the session's bounded buffer until {@link WsHandler#onWritable()}.
   */
  default boolean isWritable() {
    return true;
  }

  /** Closes with a close frame that carries no status code (the peer sees 1005), then the TCP. */
  void close();

  /** Closes with a status code (e.g. 1009) and reason. */
  void close(int statusCode, String reason);
}
