package dev.eio4j.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Engine.IO packet: a {@link PacketType} plus optional data, which is either text or binary, never
 * both.
 *
 * <p>Instances are immutable with one caveat: binary data is <b>not copied</b> on construction nor by
 * {@link #binary()}, to keep the hot path allocation-free. Whoever hands an array to
 * {@link #binary(PacketType, byte[])} or {@link #message(byte[])} gives up ownership of it, and nobody may
 * mutate the array returned by {@link #binary()}.
 *
 * <p>A packet with no data ({@code text() == null && binary() == null}) encodes as its type digit alone.
 * So does a text packet with empty text, but the codec decodes a bare digit back to a packet with no data,
 * except for {@code "4"}, which decodes to {@code Packet.message("")} so that the application always
 * receives a string (docs/protocol.md §3.1).
 */
public final class Packet {

  /** A bare ping, {@code 2}. */
  public static final Packet PING = new Packet(PacketType.PING, null, null);

  /** A bare pong, {@code 3}. */
  public static final Packet PONG = new Packet(PacketType.PONG, null, null);

  /** A noop, {@code 6}. */
  public static final Packet NOOP = new Packet(PacketType.NOOP, null, null);

  /** A close packet, {@code 1}. */
  public static final Packet CLOSE = new Packet(PacketType.CLOSE, null, null);

  /** An upgrade packet, {@code 5}. */
  public static final Packet UPGRADE = new Packet(PacketType.UPGRADE, null, null);

  /** The upgrade probe sent by the client, {@code 2probe}. */
  public static final Packet PROBE_PING = new Packet(PacketType.PING, "probe", null);

  /** The answer to the upgrade probe, {@code 3probe}. */
  public static final Packet PROBE_PONG = new Packet(PacketType.PONG, "probe", null);

  private static final int TO_STRING_MAX_CHARS = 64;
  private static final int TO_STRING_MAX_BYTES = 32;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final PacketType type;
  private final String text;
  private final byte[] binary;

  private Packet(PacketType type, String text, byte[] binary) {
    this.type = type;
    this.text = text;
    this.binary = binary;
  }

  /** Returns a packet of the given type with no data. */
  public static Packet of(PacketType type) {
    return new Packet(Objects.requireNonNull(type, "type"), null, null);
  }

  /** Returns a text packet of the given type; {@code text} must not be null (use {@link #of}). */
  public static Packet text(PacketType type, String text) {
    return new Packet(
        Objects.requireNonNull(type, "type"), Objects.requireNonNull(text, "text"), null);
  }

  /**
   * Returns a binary packet of the given type. The array is not copied: the caller must not mutate it
   * afterwards.
   */
  public static Packet binary(PacketType type, byte[] data) {
    return new Packet(
        Objects.requireNonNull(type, "type"), null, Objects.requireNonNull(data, "data"));
  }

  /** Returns a text message packet ({@code 4<text>}). */
  public static Packet message(String text) {
    return text(PacketType.MESSAGE, text);
  }

  /** Returns a binary message packet. The array is not copied: the caller must not mutate it afterwards. */
  public static Packet message(byte[] data) {
    return binary(PacketType.MESSAGE, data);
  }

  /** Returns the packet type. */
  public PacketType type() {
    return type;
  }

  /** Returns the text data, or {@code null} for a binary packet or a packet without data. */
  public String text() {
    return text;
  }

  /**
   * Returns the binary data (the packet's own array, not a copy: do not mutate it), or {@code null} for a
   * text packet or a packet without data.
   */
  public byte[] binary() {
    return binary;
  }

  /** Returns true when this packet carries binary data. */
  public boolean isBinary() {
    return binary != null;
  }

  /** Returns true when the text data is exactly {@code "probe"} (as in {@code 2probe}/{@code 3probe}). */
  public boolean isProbe() {
    return "probe".equals(text);
  }

  /** Value equality: same type, equal text, equal binary content. */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Packet)) {
      return false;
    }
    Packet other = (Packet) o;
    return type == other.type
        && Objects.equals(text, other.text)
        && Arrays.equals(binary, other.binary);
  }

  /** Hash consistent with {@link #equals(Object)}. */
  @Override
  public int hashCode() {
    int h = type.ordinal();
    h = 31 * h + Objects.hashCode(text);
    h = 31 * h + Arrays.hashCode(binary);
    return h;
  }

  /**
   * Returns a short readable form such as {@code Packet[MESSAGE "hi"]} or
   * {@code Packet[MESSAGE binary(4) 01020304]}; long data is truncated and control characters escaped.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(32).append("Packet[").append(type.name());
    if (text != null) {
      sb.append(" \"");
      int n = Math.min(text.length(), TO_STRING_MAX_CHARS);
      for (int i = 0; i < n; i++) {
        char c = text.charAt(i);
        if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20 || c == 0x7f) {
          sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
        } else {
          sb.append(c);
        }
      }
      sb.append('"');
      if (text.length() > n) {
        sb.append("...(").append(text.length()).append(" chars)");
      }
    } else if (binary != null) {
      sb.append(" binary(").append(binary.length).append(')');
      int n = Math.min(binary.length, TO_STRING_MAX_BYTES);
      if (n > 0) {
        sb.append(' ');
      }
      for (int i = 0; i < n; i++) {
        sb.append(HEX[(binary[i] >> 4) & 0xf]).append(HEX[binary[i] & 0xf]);
      }
      if (binary.length > n) {
        sb.append("...");
      }
    }
    return sb.append(']').toString();
  }
}
