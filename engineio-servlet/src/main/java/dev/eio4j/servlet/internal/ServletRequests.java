package dev.eio4j.servlet.internal;

import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Enumeration;
import java.util.Locale;

/** Turns a servlet request into the core's {@link EngineRequest}. */
public final class ServletRequests {
  private ServletRequests() {}

  /**
   * The request target as the core matches it: the raw (undecoded) path <em>within the servlet
   * context</em> plus the raw query. The Engine.IO {@code path} option is therefore relative to the
   * context path: with a context at {@code /app}, clients connect to {@code /app/engine.io/}.
   */
  public static String target(HttpServletRequest req) {
    String path = req.getRequestURI();
    String context = req.getContextPath();
    if (context != null && !context.isEmpty() && path.startsWith(context)) {
      path = path.substring(context.length());
    }
    String query = req.getQueryString();
    return query == null ? path : path + "?" + query;
  }

  /** The core's view of {@code req}, with {@code target} from {@link #target}. */
  public static EngineRequest toEngineRequest(HttpServletRequest req, String target) {
    Headers headers = new Headers();
    Enumeration<String> names = req.getHeaderNames();
    while (names != null && names.hasMoreElements()) {
      String name = names.nextElement();
      Enumeration<String> values = req.getHeaders(name);
      while (values.hasMoreElements()) {
        headers.add(name, values.nextElement());
      }
    }
    return new EngineRequest(
        req.getMethod().toUpperCase(Locale.ROOT), target, headers, remote(req), req.isSecure());
  }

  /** True for an RFC 6455 opening handshake: a GET with {@code Upgrade: websocket} and a {@code Connection: upgrade} token. */
  public static boolean isWebSocketUpgrade(HttpServletRequest req) {
    return "GET".equals(req.getMethod())
        && hasToken(req.getHeaders("Upgrade"), "websocket")
        && hasToken(req.getHeaders("Connection"), "upgrade");
  }

  private static boolean hasToken(Enumeration<String> values, String token) {
    while (values != null && values.hasMoreElements()) {
      for (String part : values.nextElement().split(",")) {
        if (part.trim().equalsIgnoreCase(token)) {
          return true;
        }
      }
    }
    return false;
  }

  private static InetSocketAddress remote(HttpServletRequest req) {
    String addr = req.getRemoteAddr();
    if (addr == null || addr.isEmpty()) {
      return null;
    }
    try {
      // a literal address: parsed, never looked up
      return new InetSocketAddress(InetAddress.getByName(addr), req.getRemotePort());
    } catch (UnknownHostException | IllegalArgumentException | SecurityException e) {
      return InetSocketAddress.createUnresolved(addr, Math.max(0, req.getRemotePort()));
    }
  }
}
