package dev.eio4j;

/**
 * Why a session ended. {@link #wireName()} is the exact string the Node reference server uses, so
 * logs and metrics line up with theirs ({@link #SEND_BUFFER_OVERFLOW} is our own addition).
 */
public enum DisconnectReason {
  /** The client closed: a {@code 1} packet, or the WebSocket/TCP connection went away. */
  TRANSPORT_CLOSE("transport close"),
  /**
   * The transport failed or the client broke a transport rule: overlapping GETs or POSTs, invalid
   * content, a heartbeat in the wrong direction, a poll aborted by the client, an oversized frame.
   */
  TRANSPORT_ERROR("transport error"),
  /** No pong (v4) or no ping (v3) arrived in time. */
  PING_TIMEOUT("ping timeout"),
  /** The client sent a packet or payload that does not decode. */
  PARSE_ERROR("parse error"),
  /** The application closed the socket, or the server was closed. */
  FORCED_CLOSE("forced close"),
  /**
   * Ours, not the reference's: a {@code send} would have exceeded {@code maxBufferedBytes} while {@code
   * overflowPolicy} is {@link OverflowPolicy#CLOSE}, so the slow consumer was dropped.
   */
  SEND_BUFFER_OVERFLOW("send buffer overflow");

  private final String wireName;

  DisconnectReason(String wireName) {
    this.wireName = wireName;
  }

  /** The reference server's string for this reason, e.g. {@code "ping timeout"}. */
  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
