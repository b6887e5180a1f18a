package dev.eio4j.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.netty.HttpFallback;
import dev.eio4j.server.DemoPage;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A second, unrelated HTTP server on another loopback port (the JDK's {@code com.sun.net.httpserver})
 * that serves the same demo page files: a page loaded from here is cross-origin to our Engine.IO server.
 */
final class OtherOrigin implements AutoCloseable {
  private final HttpServer http;

  private OtherOrigin() throws IOException {
    DemoPage page = new DemoPage(EngineIoOptions.defaults());
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", ex -> serve(page, ex));
    http.start();
  }

  static OtherOrigin start() throws IOException {
    return new OtherOrigin();
  }

  /** {@code http://127.0.0.1:PORT}. */
  String origin() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  private static void serve(DemoPage page, HttpExchange ex) throws IOException {
    try (ex) {
      Headers headers = new Headers();
      ex.getRequestHeaders().forEach((name, values) -> values.forEach(v -> headers.add(name, v)));
      String query = ex.getRequestURI().getRawQuery();
      String target = ex.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
      HttpFallback.Response r =
          page.handle(
              new EngineRequest(
                  ex.getRequestMethod(), target, headers, ex.getRemoteAddress(), false));
      if (r == null) {
        r =
            new HttpFallback.Response(
                404,
                "text/plain; charset=UTF-8",
                "not found".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      if (r.contentType() != null) {
        ex.getResponseHeaders().set("Content-Type", r.contentType());
      }
      boolean noBody =
          r.status() == 304 || ex.getRequestMethod().equals("HEAD") || r.body().length == 0;
      ex.sendResponseHeaders(r.status(), noBody ? -1 : r.body().length);
      if (!noBody) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body());
        }
      }
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
