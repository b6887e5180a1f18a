package dev.eio4j.bench.load;

import io.netty.buffer.ByteBuf;
import java.util.Map;

/**
 * The load generator's side of the wire formats: stamped benchmark messages, the v4 and v3 polling
 * payload framings, and the handshake JSON. Benchmark messages are {@code size} ASCII bytes: the send time
 * ({@link System#nanoTime()}) as 16 lower-case hex digits, then {@code 'x'} padding. Echo servers send
 * them back unchanged, so the receiver computes the round trip from the message alone.
 */
public final class Wire {
  /** The bytes of a stamp. */
  public static final int STAMP_LEN = 16;

  /** The v4 packet separator. */
  public static final char SEPARATOR = '\u001e';

  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Wire() {}

  /** Writes a stamped message of {@code size} bytes (at least {@value #STAMP_LEN}). */
  public static void writeMessage(ByteBuf out, long stamp, int size, ByteBuf pad) {
    for (int shift = 60; shift >= 0; shift -= 4) {
      out.writeByte(HEX[(int) (stamp >>> shift) & 0xf]);
    }
    int rest = size - STAMP_LEN;
    while (rest > 0) {
      int n = Math.min(rest, pad.readableBytes());
      out.writeBytes(pad, pad.readerIndex(), n);
      rest -= n;
    }
  }

  /** A stamped message as a string. */
  public static String message(long stamp, int size) {
    StringBuilder sb = new StringBuilder(size);
    for (int shift = 60; shift >= 0; shift -= 4) {
      sb.append((char) HEX[(int) (stamp >>> shift) & 0xf]);
    }
    for (int k = STAMP_LEN; k < size; k++) {
      sb.append('x');
    }
    return sb.toString();
  }

  /** The stamp at {@code from} in {@code buf}, or -1 when the bytes there are not a stamp. */
  public static long readStamp(ByteBuf buf, int from, int len) {
    if (len < STAMP_LEN) {
      return -1;
    }
    long v = 0;
    for (int k = 0; k < STAMP_LEN; k++) {
      int d = hex(buf.getByte(from + k));
      if (d < 0) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  /** The stamp at {@code from} in {@code s}, or -1 when the characters there are not a stamp. */
  public static long readStamp(CharSequence s, int from, int len) {
    if (len < STAMP_LEN) {
      return -1;
    }
    long v = 0;
    for (int k = 0; k < STAMP_LEN; k++) {
      char c = s.charAt(from + k);
      int d = c < 128 ? hex((byte) c) : -1;
      if (d < 0) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    return -1;
  }

  /** Receives one packet of a payload: {@code body.charAt(start)} is its type character. */
  @FunctionalInterface
  public interface PacketSink {
    /** One packet, {@code body[start, end)}. */
    void packet(String body, int start, int end);
  }

  /**
   * Splits a v4 payload on {@code 0x1E}.
   *
   * @return the number of packets
   * @throws IllegalArgumentException for an empty part
   */
  public static int forEachV4(String body, PacketSink sink) {
    int n = 0;
    int start = 0;
    while (true) {
      int end = body.indexOf(SEPARATOR, start);
      int stop = end < 0 ? body.length() : end;
      if (stop == start) {
        throw new IllegalArgumentException("empty packet in v4 payload at " + start);
      }
      sink.packet(body, start, stop);
      n++;
      if (end < 0) {
        return n;
      }
      start = end + 1;
    }
  }

  /**
   * Walks a v3 string payload ({@code <len>:<packet>}, len in UTF-16 units); {@code 0:} entries are
   * skipped.
   *
   * @return the number of packets
   * @throws IllegalArgumentException when malformed
   */
  public static int forEachV3(String body, PacketSink sink) {
    if (body.isEmpty()) {
      throw new IllegalArgumentException("empty v3 payload");
    }
    int n = 0;
    int i = 0;
    while (i < body.length()) {
      int colon = body.indexOf(':', i);
      if (colon <= i || colon - i > 9) {
        throw new IllegalArgumentException("bad v3 length at " + i);
      }
      int len = 0;
      for (int k = i; k < colon; k++) {
        char c = body.charAt(k);
        if (c < '0' || c > '9') {
          throw new IllegalArgumentException("bad v3 length at " + i);
        }
        len = len * 10 + (c - '0');
      }
      int start = colon + 1;
      int end = start + len;
      if (end > body.length()) {
        throw new IllegalArgumentException("v3 length " + len + " past the end at " + i);
      }
      if (len > 0) {
        sink.packet(body, start, end);
        n++;
      }
      i = end;
    }
    return n;
  }

  /** Appends {@code <len>:} for a v3 string payload entry of {@code len} units. */
  public static void writeV3Length(ByteBuf out, int len) {
    String digits = Integer.toString(len);
    for (int k = 0; k < digits.length(); k++) {
      out.writeByte(digits.charAt(k));
    }
    out.writeByte(':');
  }

  /** What the open packet says. */
  public record OpenInfo(String sid, long pingInterval, long pingTimeout, long maxPayload) {}

  /**
   * Reads the handshake JSON (the open packet without its {@code 0}).
   *
   * @throws IllegalArgumentException when it is not a handshake
   */
  public static OpenInfo parseOpen(String json) {
    Map<String, Object> m = Json.parseObject(json);
    Object sid = m.get("sid");
    if (!(sid instanceof String s) || s.isEmpty()) {
      throw new IllegalArgumentException("handshake without sid: " + json);
    }
    return new OpenInfo(
        s,
        (long) Json.num(m, "pingInterval", 25_000),
        (long) Json.num(m, "pingTimeout", 20_000),
        (long) Json.num(m, "maxPayload", 1_000_000));
  }
}
