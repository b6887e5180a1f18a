package dev.eio4j.socketio;

/**
 * An event argument, or an ack answer, that does not bind to the Java type a typed listener or a typed
 * {@code emitWithAck} asked for. It goes to the server's error hook ({@link SocketIoServer#onError});
 * the connection stays open. Its message holds the event name and Jackson's explanation, escaped and
 * shortened for logs; the client never sees it.
 */
public final class ArgumentBindingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String event;
  private final int index;

  ArgumentBindingException(String event, int index, String type, String detail) {
    super(
        (event == null ? "an ack answer" : "event \"" + LogText.of(event) + "\"")
            + " argument "
            + index
            + " does not bind to "
            + type
            + ": "
            + LogText.of(detail));
    this.event = event;
    this.index = index;
  }

  /** The event name, or null for an ack answer. */
  public String event() {
    return event;
  }

  /** The position of the argument that failed (0 = the first after the event name). */
  public int index() {
    return index;
  }
}
