package dev.eio4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Locale;

/**
 * The few places where a servlet container writes HTTP differently from the Netty runtime in ways the
 * protocol does not care about, and assertions that allow exactly those differences on the containers
 * while staying byte-exact on Netty. Status codes, bodies, close codes and the presence or absence of
 * headers are never relaxed.
 */
final class Wire {
  private Wire() {}

  /**
   * The {@code Content-Type} of {@code r}. Containers format the header themselves, and RFC 9110 §8.3.1
   * makes the difference meaningless: Tomcat writes {@code text/plain;charset=UTF-8}, Jetty {@code
   * text/plain;charset=utf-8} (no space, parameter values in its own case), and Jetty adds its default
   * {@code charset=utf-8} to {@code text/html} (the {@code ok} of a POST, the 400 of a refused WebSocket
   * handshake), which is the right charset for those bytes. The media type must be the same.
   */
  static void assertContentType(HttpResponse<?> r, String expected) {
    assertContentType(
        TestServer.backendOf(r), r.headers().firstValue("Content-Type").orElse(null), expected);
  }

  /** As {@link #assertContentType(HttpResponse, String)}, for a raw response of {@code backend}. */
  static void assertContentType(Backend backend, String actual, String expected) {
    if (!backend.isServlet()) {
      assertThat(actual).isEqualTo(expected);
      return;
    }
    assertThat(actual).as("Content-Type").isNotNull();
    assertThat(normalize(actual)).as("Content-Type %s", actual).isEqualTo(normalize(expected));
  }

  private static String normalize(String contentType) {
    String s = contentType.replace(" ", "").toLowerCase(Locale.ROOT);
    return s.equals("text/html;charset=utf-8") ? "text/html" : s;
  }

  /**
   * A status line. Tomcat sends no reason phrase ({@code HTTP/1.1 400 }), which RFC 9112 §4 allows and
   * clients ignore; Netty and Jetty send the standard phrase.
   */
  static void assertStatusLine(Backend backend, String actual, int status, String reason) {
    if (backend == Backend.TOMCAT) {
      assertThat(actual.trim()).isIn("HTTP/1.1 " + status, "HTTP/1.1 " + status + " " + reason);
    } else {
      assertThat(actual).isEqualTo("HTTP/1.1 " + status + " " + reason);
    }
  }

  /**
   * A header name as written. Netty writes the reference's exact casing (e.g. {@code Content-type} on a
   * refused WebSocket handshake); containers write their own, and header names are case-insensitive
   * (RFC 9110 §5.1).
   */
  static void assertHeaderNameAsSent(
      Backend backend, RawHttp.Response r, String name, String asSent) {
    if (backend.isServlet()) {
      assertThat(r.headerNameAsSent(name)).isNotNull().isEqualToIgnoringCase(asSent);
    } else {
      assertThat(r.headerNameAsSent(name)).isEqualTo(asSent);
    }
  }
}
