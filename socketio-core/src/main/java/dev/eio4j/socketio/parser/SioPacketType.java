package dev.eio4j.socketio.parser;

/** The seven Socket.IO packet types; {@link #id()} is the digit that starts an encoded packet. */
public enum SioPacketType {
  /** Client: join a namespace (optional auth object). Server: accepted ({@code {"sid":..}} in v5). */
  CONNECT(0),
  /** Either side: leave the namespace. No payload. */
  DISCONNECT(1),
  /** Either side: an event, a non-empty array whose first item is the event name. */
  EVENT(2),
  /** Either side: the answer to an event that carried an ack id; an array. */
  ACK(3),
  /** Server: the namespace refused the CONNECT. */
  CONNECT_ERROR(4),
  /** An {@link #EVENT} with binary attachments. */
  BINARY_EVENT(5),
  /** An {@link #ACK} with binary attachments. */
  BINARY_ACK(6);

  private static final SioPacketType[] BY_ID = values();

  private final int id;

  SioPacketType(int id) {
    this.id = id;
  }

  /** The wire digit. */
  public int id() {
    return id;
  }

  /** True for the two types that carry an attachment count. */
  public boolean isBinary() {
    return this == BINARY_EVENT || this == BINARY_ACK;
  }

  /** The type with wire digit {@code id}, or null when there is none. */
  public static SioPacketType of(int id) {
    return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
  }
}
