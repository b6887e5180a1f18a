package dev.eio4j.testing;

import java.nio.charset.StandardCharsets;

/** Small byte helpers for wire assertions. */
public final class Bytes {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Bytes() {}

  /** Bytes from int values 0–255, e.g. {@code of(0x00, 0x06, 0xff)}. */
  public static byte[] of(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] > 0xff) {
        throw new IllegalArgumentException("not a byte: " + values[i]);
      }
      out[i] = (byte) values[i];
    }
    return out;
  }

  /** Bytes from hex, spaces ignored: {@code hex("00 06 ff 34")}. */
  public static byte[] fromHex(String hex) {
    String s = hex.replace(" ", "");
    if (s.length() % 2 != 0) {
      throw new IllegalArgumentException("odd number of hex digits: " + hex);
    }
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  /** Lower-case hex with a space between bytes, e.g. {@code "00 06 ff"}. */
  public static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 3);
    for (int i = 0; i < b.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(HEX[(b[i] >> 4) & 0xf]).append(HEX[b[i] & 0xf]);
    }
    return sb.toString();
  }

  /** UTF-8 bytes of a string. */
  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A readable rendering as in the transcripts: printable ASCII as is, {@code \\} for a backslash and
   * {@code \xNN} for anything else (so 0x1E is {@code \x1e}).
   */
  public static String printable(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length);
    for (byte x : b) {
      int c = x & 0xff;
      if (c == '\\') {
        sb.append("\\\\");
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append((char) c);
      } else {
        sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return sb.toString();
  }
}
