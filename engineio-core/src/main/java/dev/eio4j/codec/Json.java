package dev.eio4j.codec;

/** JSON string literal writer with the exact escaping of JavaScript's {@code JSON.stringify}. */
public final class Json {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Json() {}

  /**
   * Appends {@code s} as a JSON string literal, escaped like {@code JSON.stringify} (ES2019, well-formed):
   * {@code "} and {@code \} get a backslash; {@code \b \f \n \r \t} use their short forms; other chars
   * below U+0020 and lone surrogates become {@code \}{@code u00xx} with lowercase hex; everything else
   * (DEL and non-ASCII included) passes through raw. With {@code escapeLineSeparators}, U+2028 and U+2029
   * are escaped too, which makes the literal valid JavaScript (needed for JSONP).
   */
  public static void appendString(StringBuilder sb, String s, boolean escapeLineSeparators) {
    sb.append('"');
    int n = s.length();
    int run = 0; // start of the pending run of chars that need no escaping
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      String shortForm = null;
      boolean escape;
      if (c < 0x20 || c == '"' || c == '\\') {
        escape = true;
        switch (c) {
          case '"':
            shortForm = "\\\"";
            break;
          case '\\':
            shortForm = "\\\\";
            break;
          case '\b':
            shortForm = "\\b";
            break;
          case '\f':
            shortForm = "\\f";
            break;
          case '\n':
            shortForm = "\\n";
            break;
          case '\r':
            shortForm = "\\r";
            break;
          case '\t':
            shortForm = "\\t";
            break;
          default:
            break;
        }
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++; // a valid pair passes through raw
          continue;
        }
        escape = true;
      } else {
        escape = escapeLineSeparators && (c == '\u2028' || c == '\u2029');
      }
      if (escape) {
        sb.append(s, run, i);
        if (shortForm != null) {
          sb.append(shortForm);
        } else {
          sb.append("\\u")
              .append(HEX[c >> 12])
              .append(HEX[(c >> 8) & 0xf])
              .append(HEX[(c >> 4) & 0xf])
              .append(HEX[c & 0xf]);
        }
        run = i + 1;
      }
    }
    sb.append(s, run, n).append('"');
  }
}
