package dev.eio4j.socketio;

/** Peer-controlled text made safe for a log line: control characters escaped, length capped. */
final class LogText {
  private static final int MAX = 120;

  private LogText() {}

  static String of(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX) + 16);
    for (int i = 0; i < s.length() && i < MAX; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (s.length() > MAX) {
      sb.append("…(").append(s.length()).append(" chars)");
    }
    return sb.toString();
  }
}
