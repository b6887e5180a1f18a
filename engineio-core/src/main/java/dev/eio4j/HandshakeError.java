package dev.eio4j;

import java.nio.charset.StandardCharsets;

/**
 * The reference server's coded request errors (docs/protocol.md §7.1), with their HTTP status and message.
 * The JSON body is built in one place, {@link #jsonBody(String)}.
 */
public enum HandshakeError {
  /** Code 0: the transport is missing, unknown or not enabled. */
  UNKNOWN_TRANSPORT(0, 400, "Transport unknown"),
  /** Code 1: the {@code sid} names no live session. */
  UNKNOWN_SID(1, 400, "Session ID unknown"),
  /** Code 2: a handshake (no sid) with a method other than GET. */
  BAD_HANDSHAKE_METHOD(2, 400, "Bad handshake method"),
  /**
   * Code 3: a malformed request (transport or protocol mismatch, bad origin, id generation). Also the
   * code of a handshake refused because the server is at {@code maxSessions} ("Server at capacity") or
   * draining ("Server is draining"), which are answered with HTTP 503 instead of {@link #httpStatus()}.
   */
  BAD_REQUEST(3, 400, "Bad request"),
  /** Code 4: {@code allowRequest} refused the handshake. */
  FORBIDDEN(4, 403, "Forbidden"),
  /** Code 5: the {@code EIO} value is not served (only {@code 3}, if allowed, and {@code 4} are). */
  UNSUPPORTED_PROTOCOL_VERSION(5, 400, "Unsupported protocol version");

  private final int code;
  private final int httpStatus;
  private final String message;

  HandshakeError(int code, int httpStatus, String message) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.message = message;
  }

  /** The numeric code sent to the client (0–5). */
  public int code() {
    return code;
  }

  /** The HTTP status of a polling error response (a WebSocket handshake error is always 400). */
  public int httpStatus() {
    return httpStatus;
  }

  /** The default message. */
  public String message() {
    return message;
  }

  /** {@code {"code":N,"message":"…"}} with {@code message} (or the default when null) JSON-escaped. */
  public byte[] jsonBody(String customMessage) {
    String m = customMessage == null ? message : customMessage;
    StringBuilder sb = new StringBuilder(40 + m.length());
    sb.append("{\"code\":").append(code).append(",\"message\":");
    dev.eio4j.codec.Json.appendString(sb, m, false);
    sb.append('}');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
