package dev.eio4j.codec;

/** Short, escaped excerpts of peer input for exception messages (package-private). */
final class Excerpts {

  /** Most escaped output chars an excerpt of a string may take (before the closing quote and count). */
  private static final int MAX_OUT = 32;

  private static final int MAX_BYTES = 12;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Excerpts() {}

  /**
   * Returns the first chars of {@code s} in double quotes, escaped to printable ASCII and cut after about
   * 32 output chars, followed by the total length when cut.
   */
  static String of(String s) {
    StringBuilder sb = new StringBuilder(MAX_OUT + 24).append('"');
    int n = 0;
    while (n < s.length() && sb.length() <= MAX_OUT) {
      appendChar(sb, s.charAt(n++));
    }
    sb.append('"');
    if (s.length() > n) {
      sb.append("...(").append(s.length()).append(" chars)");
    }
    return sb.toString();
  }

  /** Returns one char escaped to printable ASCII, in single quotes. */
  static String ofChar(char c) {
    StringBuilder sb = new StringBuilder(8).append('\'');
    appendChar(sb, c);
    return sb.append('\'').toString();
  }

  /** Returns the hex of up to a few bytes starting at {@code from}. */
  static String ofBytes(byte[] b, int from) {
    StringBuilder sb = new StringBuilder(MAX_BYTES * 2 + 24);
    int end = Math.min(b.length, from + MAX_BYTES);
    for (int i = from; i < end; i++) {
      sb.append(HEX[(b[i] >> 4) & 0xf]).append(HEX[b[i] & 0xf]);
    }
    if (b.length > end) {
      sb.append("...");
    }
    return sb.toString();
  }

  private static void appendChar(StringBuilder sb, char c) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '\'') {
      sb.append(c);
    } else if (c < 0x100) {
      sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
    } else {
      sb.append("\\u")
          .append(HEX[c >> 12])
          .append(HEX[(c >> 8) & 0xf])
          .append(HEX[(c >> 4) & 0xf])
          .append(HEX[c & 0xf]);
    }
  }
}
