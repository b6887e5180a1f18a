package dev.eio4j.internal;

/** Makes peer-controlled text safe for logs: control characters escaped, length capped. */
public final class LogSafe {
  private static final int MAX = 200;

  private LogSafe() {}

  /** The escaped, shortened text ({@code null} stays "null"). */
  public static String escape(Object value) {
    if (value == null) {
      return "null";
    }
    String s = value.toString();
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX) + 8);
    for (int i = 0; i < s.length() && sb.length() < MAX; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (sb.length() >= MAX && s.length() > MAX) {
      sb.append("…(").append(s.length()).append(" chars)");
    }
    return sb.toString();
  }
}
