package dev.eio4j;

import java.util.Objects;

/**
 * The session cookie ({@code Set-Cookie: <name>=<sid>}) written on the polling handshake response only,
 * as the reference does. Off unless configured. Defaults: name {@code io}, path {@code /}, HttpOnly,
 * SameSite {@code Lax}.
 *
 * @param name cookie name (a token)
 * @param path cookie path, or null for none
 * @param httpOnly whether to add {@code HttpOnly}
 * @param sameSite {@code Strict}, {@code Lax}, {@code None}, or null for none
 * @param secure whether to add {@code Secure}
 */
public record CookieOptions(
    String name, String path, boolean httpOnly, String sameSite, boolean secure) {
  /** Validates. */
  public CookieOptions {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()
        || !name.chars()
            .allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
      throw new IllegalArgumentException("cookie name must be a non-empty HTTP token: " + name);
    }
    if (path != null && path.chars().anyMatch(c -> c < 0x20 || c == ';' || c == 0x7f)) {
      throw new IllegalArgumentException("cookie path must not contain ';' or control characters");
    }
    if (sameSite != null
        && !(sameSite.equalsIgnoreCase("strict")
            || sameSite.equalsIgnoreCase("lax")
            || sameSite.equalsIgnoreCase("none"))) {
      throw new IllegalArgumentException("sameSite must be Strict, Lax or None: " + sameSite);
    }
  }

  /** The reference's defaults: {@code io}, path {@code /}, HttpOnly, SameSite=Lax. */
  public static CookieOptions defaults() {
    return new CookieOptions("io", "/", true, "Lax", false);
  }

  /** The defaults with another name. */
  public static CookieOptions named(String name) {
    return new CookieOptions(name, "/", true, "Lax", false);
  }

  /** The {@code Set-Cookie} value for a session id. */
  public String headerValue(String sid) {
    StringBuilder sb = new StringBuilder(name).append('=').append(sid);
    if (path != null) {
      sb.append("; Path=").append(path);
    }
    if (httpOnly) {
      sb.append("; HttpOnly");
    }
    if (secure) {
      sb.append("; Secure");
    }
    if (sameSite != null) {
      String s = sameSite.toLowerCase(java.util.Locale.ROOT);
      sb.append("; SameSite=").append(Character.toUpperCase(s.charAt(0))).append(s.substring(1));
    }
    return sb.toString();
  }
}
