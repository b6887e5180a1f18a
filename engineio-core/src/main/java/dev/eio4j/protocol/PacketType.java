package dev.eio4j.protocol;

/**
 * The seven Engine.IO packet types, identical in v3 and v4. On the wire a type is one ASCII digit in
 * text encodings and one byte (0..6) in v3 binary encodings.
 */
public enum PacketType {
  /** {@code 0}: first packet of a session, carries the handshake JSON. */
  OPEN,
  /** {@code 1}: close the session (polling only; ignored on WebSocket by the reference server). */
  CLOSE,
  /** {@code 2}: ping (server to client in v4, client to server in v3; {@code 2probe} during upgrade). */
  PING,
  /** {@code 3}: pong (client to server in v4, server to client in v3; {@code 3probe} during upgrade). */
  PONG,
  /** {@code 4}: application message, text or binary. */
  MESSAGE,
  /** {@code 5}: commits a polling to WebSocket upgrade. */
  UPGRADE,
  /** {@code 6}: no operation, used to release a held polling GET. */
  NOOP;

  private static final PacketType[] BY_CODE = values();

  /** Returns the numeric type code, 0..6. */
  public int code() {
    return ordinal();
  }

  /** Returns the type as the ASCII digit used in text encodings, {@code '0'..'6'}. */
  public char digit() {
    return (char) ('0' + ordinal());
  }

  /** Returns the type with the given code, or {@code null} when the code is not in 0..6. */
  public static PacketType fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** Returns the type for an ASCII digit, or {@code null} when the char is not {@code '0'..'6'}. */
  public static PacketType fromDigit(char digit) {
    return fromCode(digit - '0');
  }
}
