package dev.eio4j.socketio;

import tools.jackson.databind.JsonNode;

/**
 * A middleware's refusal of a CONNECT. The client receives CONNECT_ERROR with {@link #getMessage()} and
 * {@link #data()}: {@code {"message":..,"data":..}} for v5 clients, and {@code data} (or, without data,
 * the message as a JSON string) for v4 clients. Only this exception's text reaches the client: any other
 * failure of a middleware is reported to the error hook and the client sees {@code "Server error"}.
 */
public final class ConnectError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The JSON data, or null. */
  private final transient JsonNode data;

  /** A refusal with a message and no data. */
  public ConnectError(String message) {
    this(message, null);
  }

  /** A refusal with a message and JSON data (may be null). */
  public ConnectError(String message, JsonNode data) {
    super(message == null ? "" : message, null, false, false);
    this.data = data;
  }

  /** The data sent with the message, or null. */
  public JsonNode data() {
    return data;
  }
}
