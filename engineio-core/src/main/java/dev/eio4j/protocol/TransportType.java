package dev.eio4j.protocol;

/** The transports this server implements, with their names in the {@code transport} query parameter. */
public enum TransportType {
  /** HTTP long-polling (XHR or JSONP). */
  POLLING("polling"),
  /** WebSocket. */
  WEBSOCKET("websocket");

  private final String wireName;

  TransportType(String wireName) {
    this.wireName = wireName;
  }

  /** Returns the name used on the wire ({@code transport=} and the handshake's {@code upgrades}). */
  public String wireName() {
    return wireName;
  }

  /**
   * Returns the transport with this exact (case-sensitive) wire name, or {@code null} when it is unknown
   * or unsupported (including {@code "webtransport"} and {@code null}).
   */
  public static TransportType fromWireName(String name) {
    if (name == null) {
      return null;
    }
    for (TransportType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
