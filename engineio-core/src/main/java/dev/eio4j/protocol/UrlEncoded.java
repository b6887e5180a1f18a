package dev.eio4j.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Decoding of {@code application/x-www-form-urlencoded} text, the one used for query strings and JSONP
 * POST bodies alike: {@code +} becomes a space, {@code %XX} (either case) a byte, and a {@code %} not
 * followed by two hex digits stays as it is, as Node's fallback decoder keeps it. The bytes are read as
 * UTF-8, malformed sequences becoming U+FFFD.
 */
public final class UrlEncoded {
  private UrlEncoded() {}

  /** Decodes {@code s}; returns {@code s} itself when it holds neither {@code %} nor {@code +}. */
  public static String decode(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    return decode(in, 0, in.length);
  }

  /** Decodes the bytes {@code b[from, to)}. */
  public static String decode(byte[] b, int from, int to) {
    byte[] out = new byte[to - from];
    int o = 0;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '+') {
        out[o++] = ' ';
      } else if (c == '%' && i + 2 < to && hex(b[i + 1]) >= 0 && hex(b[i + 2]) >= 0) {
        out[o++] = (byte) ((hex(b[i + 1]) << 4) | hex(b[i + 2]));
        i += 2;
      } else {
        out[o++] = c;
      }
    }
    return new String(out, 0, o, StandardCharsets.UTF_8);
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
