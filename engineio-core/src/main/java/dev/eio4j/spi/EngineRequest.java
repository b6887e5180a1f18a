package dev.eio4j.spi;

import dev.eio4j.protocol.UrlEncoded;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request as the core sees it: method, raw request target, headers and the peer address.
 * Built by adapters; immutable once built (the headers object must not be changed afterwards).
 * Query parameters are parsed lazily with WHATWG {@code application/x-www-form-urlencoded} rules
 * (percent-decoding, {@code +} as space); the first value of a repeated key wins.
 */
public final class EngineRequest {
  private final String method;
  private final String uri;
  private final Headers headers;
  private final InetSocketAddress remoteAddress;
  private final boolean secure;

  /**
   * @param method the HTTP method, upper case
   * @param uri the raw request target (path and query), as sent
   * @param headers the request headers
   * @param remoteAddress the peer address, or null when unknown
   * @param secure whether the request came over TLS
   */
  public EngineRequest(
      String method, String uri, Headers headers, InetSocketAddress remoteAddress, boolean secure) {
    this.method = Objects.requireNonNull(method, "method");
    this.uri = Objects.requireNonNull(uri, "uri");
    this.headers = Objects.requireNonNull(headers, "headers");
    this.remoteAddress = remoteAddress;
    this.secure = secure;
  }

  /** The HTTP method, e.g. {@code GET}. */
  public String method() {
    return method;
  }

  /** The raw request target (path plus query string). */
  public String uri() {
    return uri;
  }

  /** The path part of the request target, undecoded. */
  public String path() {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  /** The request headers. Do not modify. */
  public Headers headers() {
    return headers;
  }

  /** The first value of a header, or null. */
  public String header(String name) {
    return headers.get(name);
  }

  /** The peer's address, or null when the adapter does not know it. */
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /** True when the request arrived over TLS. */
  public boolean secure() {
    return secure;
  }

  /** The decoded query parameters (first value wins), in order. */
  public Map<String, String> query() {
    // parsed on each call and not cached: a session keeps its handshake request for its whole life,
    // and
    // a cached map would cost every idle session a few hundred bytes
    return Collections.unmodifiableMap(parseQuery(uri));
  }

  /**
   * A copy without the headers that only served the connection's own handshake ({@code
   * Sec-WebSocket-Key}, {@code -Version}, {@code -Extensions}, {@code Upgrade}, {@code Connection}):
   * what a session keeps for {@code socket.request()}.
   */
  public EngineRequest withoutHandshakeHeaders() {
    Headers kept = new Headers();
    boolean dropped = false;
    for (int i = 0; i < headers.size(); i++) {
      String n = headers.name(i);
      if (n.equalsIgnoreCase("Sec-WebSocket-Key")
          || n.equalsIgnoreCase("Sec-WebSocket-Version")
          || n.equalsIgnoreCase("Sec-WebSocket-Extensions")
          || n.equalsIgnoreCase("Upgrade")
          || n.equalsIgnoreCase("Connection")) {
        dropped = true;
      } else {
        kept.add(n, headers.value(i));
      }
    }
    return dropped ? new EngineRequest(method, uri, kept.copy(), remoteAddress, secure) : this;
  }

  /** One decoded query parameter, or null when absent. */
  public String queryParam(String key) {
    return query().get(key);
  }

  static Map<String, String> parseQuery(String uri) {
    Map<String, String> out = new LinkedHashMap<>();
    int q = uri.indexOf('?');
    if (q < 0) {
      return out;
    }
    int end = uri.indexOf('#', q);
    String qs = uri.substring(q + 1, end < 0 ? uri.length() : end);
    int start = 0;
    while (start <= qs.length()) {
      int amp = qs.indexOf('&', start);
      if (amp < 0) {
        amp = qs.length();
      }
      if (amp > start) {
        String pair = qs.substring(start, amp);
        int eq = pair.indexOf('=');
        String k = UrlEncoded.decode(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : UrlEncoded.decode(pair.substring(eq + 1));
        out.putIfAbsent(k, v);
      }
      start = amp + 1;
    }
    return out;
  }

  @Override
  public String toString() {
    return method + " " + uri;
  }
}
