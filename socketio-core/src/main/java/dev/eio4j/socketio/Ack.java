package dev.eio4j.socketio;

/**
 * The answer to one incoming event. {@link #send} may be called once, from any thread; a second call
 * throws. For an event that asked for no answer, {@link #isRequested()} is false and {@link #send} does
 * nothing.
 */
public interface Ack {
  /** True when the client asked for an answer (the event carried an ack id). */
  boolean isRequested();

  /**
   * Sends the answer: each argument is a Jackson {@code JsonNode}, a {@code byte[]} or {@code ByteBuffer}
   * (sent as a binary attachment), or any value Jackson can map to JSON. Nothing is sent when the socket
   * has left its namespace.
   *
   * @throws IllegalStateException when this ack was already sent
   */
  void send(Object... args);
}
