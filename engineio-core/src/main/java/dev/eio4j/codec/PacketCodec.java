package dev.eio4j.codec;

import dev.eio4j.codec.CodecException.Reason;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.PacketType;
import dev.eio4j.protocol.ProtocolVersion;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Encodes and decodes single packets, as text (WebSocket text frames and the parts of polling payloads)
 * or as WebSocket binary frames (docs/protocol.md §3.1).
 *
 * <pre>
 *                     v4                        v3
 * text packet         &lt;digit&gt;&lt;text&gt;              same
 * binary as text      b&lt;base64&gt; (message only)    b&lt;digit&gt;&lt;base64&gt;
 * binary frame        raw data (message only)     &lt;type byte&gt;&lt;data&gt;
 * </pre>
 *
 * Base64 is RFC 4648 with {@code +/} and {@code =} padding on output; on input padding is optional and
 * anything else outside the alphabet is rejected (Node's decoder is more lenient; no client relies on it).
 */
public final class PacketCodec {

  private PacketCodec() {}

  /**
   * Encodes a packet as text: {@code <digit><text>} (just the digit without data); a binary packet as
   * {@code b<base64>} in v4 and {@code b<digit><base64>} in v3.
   *
   * @throws IllegalArgumentException for a v4 binary packet whose type is not MESSAGE (v4 cannot express it)
   */
  public static String encodeText(Packet p, ProtocolVersion v) {
    Objects.requireNonNull(v, "version");
    if (p.isBinary()) {
      String b64 = Base64.getEncoder().encodeToString(p.binary());
      if (v == ProtocolVersion.V4) {
        requireMessage(p);
        return "b" + b64;
      }
      return new StringBuilder(b64.length() + 2)
          .append('b')
          .append(p.type().digit())
          .append(b64)
          .toString();
    }
    String text = p.text();
    if (text == null || text.isEmpty()) {
      return String.valueOf(p.type().digit());
    }
    return new StringBuilder(text.length() + 1).append(p.type().digit()).append(text).toString();
  }

  /**
   * Encodes a binary packet as a WebSocket binary frame for a binary-capable client: v4 the raw data (the
   * packet's own array, not a copy: do not mutate it), v3 the type byte followed by the data.
   *
   * @throws IllegalArgumentException for a text packet, or a v4 packet whose type is not MESSAGE
   */
  public static byte[] encodeBinaryFrame(Packet p, ProtocolVersion v) {
    Objects.requireNonNull(v, "version");
    if (!p.isBinary()) {
      throw new IllegalArgumentException("not a binary packet: " + p);
    }
    byte[] data = p.binary();
    if (v == ProtocolVersion.V4) {
      requireMessage(p);
      return data;
    }
    byte[] frame = new byte[data.length + 1];
    frame[0] = (byte) p.type().code();
    System.arraycopy(data, 0, frame, 1, data.length);
    return frame;
  }

  /**
   * Decodes one text-encoded packet. A bare type digit gives a packet without data, except {@code "4"},
   * which gives {@code Packet.message("")}. {@code b…} gives a binary MESSAGE from base64 in v4, and a
   * binary packet of the type named by the next digit in v3.
   *
   * @throws CodecException for an empty string, an unknown type or invalid base64
   */
  public static Packet decodeText(String s, ProtocolVersion v) throws CodecException {
    Objects.requireNonNull(v, "version");
    if (s.isEmpty()) {
      throw new CodecException(Reason.EMPTY, "empty packet");
    }
    char first = s.charAt(0);
    if (first == 'b') {
      if (v == ProtocolVersion.V4) {
        return Packet.message(decodeBase64(s, 1));
      }
      PacketType type = s.length() > 1 ? PacketType.fromDigit(s.charAt(1)) : null;
      if (type == null) {
        throw new CodecException(
            Reason.UNKNOWN_TYPE, "no type digit after 'b' in " + Excerpts.of(s));
      }
      return Packet.binary(type, decodeBase64(s, 2));
    }
    PacketType type = PacketType.fromDigit(first);
    if (type == null) {
      throw new CodecException(
          Reason.UNKNOWN_TYPE, "unknown packet type " + Excerpts.ofChar(first));
    }
    if (s.length() == 1) {
      return type == PacketType.MESSAGE ? Packet.message("") : Packet.of(type);
    }
    return Packet.text(type, s.substring(1));
  }

  /**
   * Decodes a WebSocket binary frame. v4: the whole frame is a binary MESSAGE (an empty frame is an empty
   * message; the array is kept, not copied). v3: the first byte is the type (0..6), the rest is the data.
   *
   * @throws CodecException in v3 for an empty frame or an unknown type byte
   */
  public static Packet decodeBinaryFrame(byte[] b, ProtocolVersion v) throws CodecException {
    Objects.requireNonNull(b, "frame");
    Objects.requireNonNull(v, "version");
    if (v == ProtocolVersion.V4) {
      return Packet.message(b);
    }
    if (b.length == 0) {
      throw new CodecException(Reason.EMPTY, "empty binary frame");
    }
    PacketType type = PacketType.fromCode(b[0] & 0xff);
    if (type == null) {
      throw new CodecException(
          Reason.UNKNOWN_TYPE,
          "unknown packet type byte 0x" + Excerpts.ofBytes(b, 0).substring(0, 2));
    }
    return Packet.binary(type, Arrays.copyOfRange(b, 1, b.length));
  }

  private static byte[] decodeBase64(String s, int from) throws CodecException {
    String data = s.substring(from);
    if (hasWhitespace(data)) {
      // The Java client (io.socket:engine.io-client 2.x) wraps base64 at 76 chars with line feeds;
      // the reference decodes with Buffer.from(…, "base64"), which skips white space.
      data = stripWhitespace(data);
    }
    try {
      return Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new CodecException(Reason.BAD_BASE64, "invalid base64 in " + Excerpts.of(s));
    }
  }

  private static boolean hasWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
        return true;
      }
    }
    return false;
  }

  private static String stripWhitespace(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\n' && c != '\r' && c != ' ' && c != '\t') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static void requireMessage(Packet p) {
    if (p.type() != PacketType.MESSAGE) {
      throw new IllegalArgumentException("v4 binary packets must be messages: " + p);
    }
  }
}
