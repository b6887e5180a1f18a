package dev.eio4j.codec;

import dev.eio4j.codec.CodecException.Reason;
import dev.eio4j.protocol.UrlEncoded;

/**
 * JSONP polling framing (docs/protocol.md §3.4): GET responses are a JavaScript call carrying the payload as a
 * JSON string literal; POST bodies are {@code application/x-www-form-urlencoded} with the payload in field
 * {@code d}.
 */
public final class Jsonp {

  private Jsonp() {}

  /**
   * Wraps a payload for a JSONP GET response: {@code ___eio[<index>](<JSON string literal>);}. The literal
   * is escaped as {@code JSON.stringify} does ({@code \b \f \n \r \t}, other controls as lowercase
   * {@code \}{@code u00xx}, e.g. {@code 0x1E} as {@code \}{@code u001e}), plus U+2028/U+2029, so it is
   * valid JavaScript; non-ASCII passes through raw. Non-digits in {@code callbackIndex} are dropped, so a
   * raw {@code j} value cannot inject script.
   */
  public static String wrap(String callbackIndex, String payload) {
    String index = callbackIndex(callbackIndex);
    StringBuilder sb =
        new StringBuilder(payload.length() + payload.length() / 8 + index.length() + 12);
    sb.append("___eio[").append(index).append("](");
    Json.appendString(sb, payload, true);
    return sb.append(");").toString();
  }

  /**
   * Returns the JSONP callback index for a raw {@code j} query value: the value with every char other
   * than ASCII {@code 0-9} removed ({@code "abc12"} gives {@code "12"}; {@code null} gives {@code ""}).
   */
  public static String callbackIndex(String rawJ) {
    if (rawJ == null) {
      return "";
    }
    StringBuilder sb = null;
    for (int i = 0; i < rawJ.length(); i++) {
      char c = rawJ.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      if (!digit && sb == null) {
        sb = new StringBuilder(rawJ.length()).append(rawJ, 0, i);
      } else if (digit && sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? rawJ : sb.toString();
  }

  /**
   * Extracts the payload from a JSONP POST body.
   *
   * <p>The body is parsed as {@code application/x-www-form-urlencoded} like Node's {@code querystring}:
   * pairs split on {@code &}, name and value on the first {@code =} (a pair without {@code =} has an empty
   * value), {@code +} is a space, valid {@code %XX} escapes are decoded, and malformed {@code %} sequences
   * ({@code %zz}, a trailing {@code %4}) are kept literally, as Node's fallback decoder does. The
   * resulting bytes are read as UTF-8, invalid sequences becoming U+FFFD.
   *
   * <p>Then the JSONP newline unescaping is applied, exactly Node's
   * {@code d.replace(/(\\)?\\n/g, (m, slash) => slash ? "\\n" : "\n")}: backslash backslash n becomes
   * backslash n, and a backslash n not consumed that way becomes LF.
   *
   * @throws CodecException ({@link Reason#BAD_FORM_BODY}) when there is no {@code d} field or more than
   *                        one (the reference silently ignores such a body; we treat it as malformed)
   */
  public static String decodeFormBody(byte[] body) throws CodecException {
    String d = null;
    int n = body.length;
    int pos = 0;
    while (pos <= n) {
      int amp = indexOf(body, (byte) '&', pos, n);
      int end = amp < 0 ? n : amp;
      if (end > pos) {
        int eq = indexOf(body, (byte) '=', pos, end);
        int nameEnd = eq < 0 ? end : eq;
        if (isD(body, pos, nameEnd)) {
          if (d != null) {
            throw new CodecException(Reason.BAD_FORM_BODY, "more than one 'd' field in form body");
          }
          d = eq < 0 ? "" : UrlEncoded.decode(body, eq + 1, end);
        }
      }
      pos = end + 1;
    }
    if (d == null) {
      throw new CodecException(Reason.BAD_FORM_BODY, "no 'd' field in form body");
    }
    return unescapeNewlines(d);
  }

  /** The single left-to-right scan equivalent to {@code /(\\)?\\n/g} with the replacement above. */
  static String unescapeNewlines(String s) {
    int first = s.indexOf('\\');
    if (first < 0) {
      return s;
    }
    int n = s.length();
    StringBuilder sb = new StringBuilder(n).append(s, 0, first);
    int i = first;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (i + 2 < n && s.charAt(i + 1) == '\\' && s.charAt(i + 2) == 'n') {
          sb.append('\\').append('n');
          i += 3;
          continue;
        }
        if (i + 1 < n && s.charAt(i + 1) == 'n') {
          sb.append('\n');
          i += 2;
          continue;
        }
      }
      sb.append(c);
      i++;
    }
    return sb.toString();
  }

  /** True when the form-decoded name in {@code b[from, to)} is exactly "d". */
  private static boolean isD(byte[] b, int from, int to) {
    if (to - from == 1) {
      return b[from] == 'd';
    }
    if (to - from > 3) { // "d" is at most "%64": longer names are never "d"
      return false;
    }
    return "d".equals(UrlEncoded.decode(b, from, to));
  }

  private static int indexOf(byte[] b, byte target, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == target) {
        return i;
      }
    }
    return -1;
  }
}
