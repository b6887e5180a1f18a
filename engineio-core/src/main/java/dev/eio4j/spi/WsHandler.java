package dev.eio4j.spi;

/**
 * What the core receives from an open WebSocket. The adapter calls these from its I/O thread, in
 * frame order, one at a time; the core moves the work onto the session's lane.
 */
public interface WsHandler {
  /** One complete text message. */
  void onText(String text);

  /**
   * One complete text message whose first character, {@code first}, is ASCII, followed by {@code rest}.
   * Equivalent to {@code onText(first + rest)}; adapters that can decode the two parts separately call
   * this to spare the core a copy of the data (the first character is the packet type).
   */
  default void onText(char first, String rest) {
    onText(first + rest);
  }

  /** One complete binary message. The array belongs to the core from now on. */
  void onBinary(byte[] data);

  /** The peer closed the WebSocket or the TCP connection went away. Called at most once. */
  void onClose();

  /**
   * The connection failed, e.g. a frame over the size limit (after which the adapter has already
   * closed it with 1009). {@link #onClose} is not called after this.
   */
  void onError(String description);

  /**
   * The peer sent a frame over the size limit; the adapter has already closed the connection with 1009.
   * Like {@link #onError} (which the default calls), and {@link #onClose} is not called after it; the
   * core counts it as a limit rejection. Adapters should call this rather than {@code onError} for an
   * oversized frame.
   */
  default void onTooLarge(String description) {
    onError(description);
  }

  /** The connection became writable again after {@link WsConnection#isWritable()} returned false. */
  default void onWritable() {}
}
