package dev.eio4j.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test helper: hex strings ("00 06 ff 34") to bytes and back. */
final class Hex {

  private Hex() {}

  static byte[] bytes(String hex) {
    String compact = hex.replace(" ", "");
    byte[] out = new byte[compact.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(compact.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02x", x & 0xff));
    }
    return sb.toString();
  }

  /** Concatenates hex fragments and UTF-8 strings: a {@code byte[]} or a String each. */
  static byte[] concat(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      byte[] b = p instanceof byte[] ? (byte[]) p : ((String) p).getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }
}
