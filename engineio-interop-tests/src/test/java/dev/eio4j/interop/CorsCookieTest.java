package dev.eio4j.interop;

import static dev.eio4j.interop.TestServer.header;
import static dev.eio4j.interop.TestServer.target;
import static dev.eio4j.interop.TestServer.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.CookieOptions;
import dev.eio4j.CorsOptions;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CORS and the session cookie (docs/protocol.md §8.2, T/09) and the initial packet (docs/protocol.md §4.2,
 * T/01, T/08b) on polling responses, errors, preflights and WebSocket 101s.
 *
 * <p>Servers: {@code plain} (no CORS), {@code star} ({@code origin:"*"}), and {@code example} (origin
 * {@code http://example.com} with credentials, the default cookie and initialPacket "hello-initial",
 * as the reference's probe profile "cookie").
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.eio4j.interop.Backend#selected")
class CorsCookieTest {
  /** The runtime of this run of the suite. */
  @Parameter Backend backend;

  static final String Q4 = "EIO=4&transport=polling";
  static final String METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE";

  static TestServer plain;
  static TestServer star;
  static TestServer example;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    plain = TestServer.echo(backend, b -> b);
    star = TestServer.echo(backend, b -> b.cors(CorsOptions.anyOrigin()));
    example =
        TestServer.echo(
            backend,
            b ->
                b.cors(
                        CorsOptions.builder()
                            .fixedOrigin("http://example.com")
                            .credentials(true)
                            .build())
                    .cookie(CookieOptions.defaults())
                    .initialPacket("hello-initial"));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    for (TestServer s : new TestServer[] {plain, star, example}) {
      if (s != null) {
        s.close();
      }
    }
  }

  static List<String> corsHeaderNames(HttpResponse<?> r) {
    return r.headers().map().keySet().stream()
        .map(n -> n.toLowerCase(Locale.ROOT))
        .filter(n -> n.startsWith("access-control-"))
        .toList();
  }

  static List<String> corsHeaderNames(RawHttp.Response r) {
    return r.headers().stream()
        .map(e -> e.getKey())
        .filter(n -> n.toLowerCase(Locale.ROOT).startsWith("access-control-"))
        .toList();
  }

  // ------------------------------------------------------------------ CORS off

  @Test
  void noCorsHeadersWhenOff() throws Exception {
    HttpResponse<byte[]> hs = plain.get(Q4, "Origin", "http://example.com");
    assertThat(hs.statusCode()).isEqualTo(200);
    assertThat(corsHeaderNames(hs)).isEmpty();
    assertThat(header(hs, "Vary")).isNull();
    String sid = TestServer.sidOf(text(hs));
    HttpResponse<byte[]> post =
        plain.post(Q4 + "&sid=" + sid, "4x", "Origin", "http://example.com");
    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(corsHeaderNames(post)).isEmpty();
    HttpResponse<byte[]> error = plain.get(Q4 + "&sid=unknown", "Origin", "http://example.com");
    assertThat(error.statusCode()).isEqualTo(400);
    assertThat(corsHeaderNames(error)).isEmpty();
  }

  @Test
  void preflightFailsWhenCorsIsOff() throws Exception {
    String[] preflight = {"Origin", "http://example.com", "Access-Control-Request-Method", "POST"};
    HttpResponse<byte[]> noSid = plain.request("OPTIONS", Q4, null, preflight);
    assertThat(noSid.statusCode()).isEqualTo(400);
    assertThat(text(noSid)).isEqualTo("{\"code\":2,\"message\":\"Bad handshake method\"}");
    assertThat(corsHeaderNames(noSid)).isEmpty();
    String sid = plain.handshake(Q4);
    HttpResponse<byte[]> withSid = plain.request("OPTIONS", Q4 + "&sid=" + sid, null, preflight);
    assertThat(withSid.statusCode()).isEqualTo(400);
    assertThat(text(withSid)).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
    assertThat(corsHeaderNames(withSid)).isEmpty();
  }

  // ------------------------------------------------------------------ origin "*"

  @Test
  void anyOriginOnEveryResponseIncludingErrors() throws Exception {
    String[] origin = {"Origin", "http://foo.test"};
    HttpResponse<byte[]> hs = star.get(Q4, origin);
    String sid = TestServer.sidOf(text(hs));
    String q = Q4 + "&sid=" + sid;
    CompletableFuture<HttpResponse<byte[]>> poll = star.getAsync(q, origin);
    HttpResponse<byte[]> post = star.post(q, "4hi", origin);
    List<HttpResponse<byte[]>> responses =
        List.of(
            hs,
            post,
            poll.get(5, TimeUnit.SECONDS), // the echo of "hi"
            star.get(Q4 + "&sid=unknown", origin), // 400 code 1
            star.get("EIO=4&transport=foo", origin), // 400 code 0
            star.request("PUT", Q4, new byte[0], origin), // 400 code 2
            star.get("EIO=7&transport=polling", origin), // 400 code 5
            star.request(
                "PUT", q, new byte[0], origin), // 400 code 3 (a method polling does not serve)
            star.request(
                "POST",
                q,
                new byte[] {1},
                "Origin",
                "http://foo.test",
                "Content-Type",
                "application/octet-stream")); // 400, closes
    assertThat(responses)
        .extracting(HttpResponse::statusCode)
        .containsExactly(200, 200, 200, 400, 400, 400, 400, 400, 400);
    assertThat(text(responses.get(2))).isEqualTo("4hi");
    for (HttpResponse<byte[]> r : responses) {
      assertThat(header(r, "Access-Control-Allow-Origin"))
          .as("%s %s", r.request().method(), r.uri())
          .isEqualTo("*");
      assertThat(corsHeaderNames(r)).containsExactly("access-control-allow-origin");
      assertThat(header(r, "Vary")).isNull();
    }
    // also without an Origin header
    assertThat(header(star.get(Q4), "Access-Control-Allow-Origin")).isEqualTo("*");
  }

  @Test
  void anyOriginPreflight() throws Exception {
    String sid = star.handshake(Q4);
    RawHttp.Response withSid =
        RawHttp.exchange(
            star.port(),
            "OPTIONS",
            target(Q4 + "&sid=" + sid),
            null,
            "Origin: http://foo.test",
            "Access-Control-Request-Method: POST",
            "Access-Control-Request-Headers: content-type");
    Wire.assertStatusLine(star.backend, withSid.statusLine(), 204, "No Content");
    assertThat(withSid.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(withSid.header("Access-Control-Allow-Methods")).isEqualTo(METHODS);
    assertThat(withSid.header("Access-Control-Allow-Headers")).isEqualTo("content-type");
    assertThat(withSid.header("Vary")).isEqualTo("Access-Control-Request-Headers");
    // the reference adds "Content-Length: 0"; Netty drops it from every 204, as RFC 9110 §8.6
    // requires
    // (a 204 has no body either way)
    assertThat(withSid.header("Content-Length")).isNull();
    assertThat(withSid.header("Transfer-Encoding")).isNull();
    assertThat(withSid.body()).isEmpty();
    assertThat(corsHeaderNames(withSid)).hasSize(3);

    // the handshake URL too: the preflight is answered before any Engine.IO check
    RawHttp.Response noSid =
        RawHttp.exchange(
            star.port(),
            "OPTIONS",
            target(Q4),
            null,
            "Origin: http://foo.test",
            "Access-Control-Request-Method: GET");
    assertThat(noSid.status()).isEqualTo(204);
    assertThat(noSid.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(noSid.header("Access-Control-Allow-Methods")).isEqualTo(METHODS);
    assertThat(noSid.header("Access-Control-Allow-Headers")).isNull();
    assertThat(noSid.header("Vary")).isEqualTo("Access-Control-Request-Headers");
    assertThat(noSid.header("Content-Length")).isNull();
    assertThat(star.isOpen(sid)).isTrue();
  }

  @Test
  void anyOriginOnTheWebSocket101() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.open(
            star.port(), target("EIO=4&transport=websocket"), "Origin: http://foo.test")) {
      RawHttp.Response h = ws.handshakeResponse();
      assertThat(h.header("Access-Control-Allow-Origin")).isEqualTo("*");
      assertThat(h.header("Set-Cookie")).isNull();
      assertThat(ws.readText()).startsWith("0{\"sid\":");
    }
    // a refused WebSocket handshake carries them too
    RawWebSocket.Handshake refused =
        RawWebSocket.connect(star.port(), target("EIO=4&transport=websocket&sid=nope"));
    assertThat(refused.response().status()).isEqualTo(400);
    assertThat(refused.response().header("Access-Control-Allow-Origin")).isEqualTo("*");
  }

  // ------------------------------------------------------------------ fixed origin + credentials,
  // cookie

  @Test
  void fixedOriginWithCredentials() throws Exception {
    // the configured origin is sent whatever the request's Origin (the browser enforces the match)
    for (String origin : new String[] {"http://example.com", "http://evil.test"}) {
      HttpResponse<byte[]> r = example.get(Q4, "Origin", origin);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo("http://example.com");
      assertThat(header(r, "Access-Control-Allow-Credentials")).isEqualTo("true");
      assertThat(header(r, "Vary")).isEqualTo("Origin");
    }
    RawHttp.Response pre =
        RawHttp.exchange(
            example.port(),
            "OPTIONS",
            target(Q4),
            null,
            "Origin: http://example.com",
            "Access-Control-Request-Method: POST",
            "Access-Control-Request-Headers: content-type");
    assertThat(pre.status()).isEqualTo(204);
    assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo("http://example.com");
    assertThat(pre.header("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(pre.header("Access-Control-Allow-Methods")).isEqualTo(METHODS);
    assertThat(pre.header("Access-Control-Allow-Headers")).isEqualTo("content-type");
    assertThat(pre.header("Vary")).isEqualTo("Origin, Access-Control-Request-Headers");
    assertThat(pre.header("Content-Length")).isNull(); // see anyOriginPreflight
    assertThat(pre.header("Set-Cookie")).isNull();
  }

  @Test
  void cookieOnlyOnThePollingHandshakeResponse() throws Exception {
    HttpResponse<byte[]> hs = example.get(Q4);
    String sid = TestServer.sidOf(text(hs));
    assertThat(hs.headers().allValues("Set-Cookie"))
        .containsExactly("io=" + sid + "; Path=/; HttpOnly; SameSite=Lax");
    String q = Q4 + "&sid=" + sid;
    HttpResponse<byte[]> post = example.post(q, "4x");
    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(header(post, "Set-Cookie")).isNull();
    HttpResponse<byte[]> get = example.get(q);
    assertThat(text(get)).isEqualTo("4x");
    assertThat(header(get, "Set-Cookie")).isNull();

    // the upgrade's 101: CORS headers, no cookie
    try (RawWebSocket ws =
        RawWebSocket.open(
            example.port(),
            target("EIO=4&transport=websocket&sid=" + sid),
            "Origin: http://example.com")) {
      RawHttp.Response h = ws.handshakeResponse();
      assertThat(h.header("Set-Cookie")).isNull();
      assertThat(h.header("Access-Control-Allow-Origin")).isEqualTo("http://example.com");
      assertThat(h.header("Access-Control-Allow-Credentials")).isEqualTo("true");
      assertThat(h.header("Vary")).isEqualTo("Origin");
      ws.sendText("2probe");
      assertThat(ws.readText()).isEqualTo("3probe");
      ws.sendText("5");
      ws.sendText("4over ws");
      assertThat(ws.readText()).isEqualTo("4over ws");
    }
  }

  @Test
  void cookieNeverOnADirectWebSocket101() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.open(
            example.port(), target("EIO=4&transport=websocket"), "Origin: http://evil.test")) {
      RawHttp.Response h = ws.handshakeResponse();
      assertThat(h.statusLine()).startsWith("HTTP/1.1 101");
      assertThat(h.header("Set-Cookie")).isNull();
      assertThat(h.header("Access-Control-Allow-Origin")).isEqualTo("http://example.com");
      assertThat(h.header("Access-Control-Allow-Credentials")).isEqualTo("true");
      assertThat(h.header("Vary")).isEqualTo("Origin");
    }
  }

  @Test
  void cookieWithACustomName() throws Exception {
    try (TestServer named = TestServer.echo(backend, b -> b.cookie(CookieOptions.named("eio")))) {
      HttpResponse<byte[]> hs = named.get(Q4);
      assertThat(header(hs, "Set-Cookie"))
          .isEqualTo("eio=" + TestServer.sidOf(text(hs)) + "; Path=/; HttpOnly; SameSite=Lax");
      assertThat(header(named.get("EIO=3&transport=polling"), "Set-Cookie")).startsWith("eio=");
    }
  }

  // ------------------------------------------------------------------ initial packet

  @Test
  void initialPacketOverPolling() throws Exception {
    String v4 = text(example.get(Q4));
    assertThat(v4).matches("0\\{\"sid\":\"[A-Za-z0-9_-]{20}\",[^}]*\\}\u001e4hello-initial");
    String v3 = text(example.get("EIO=3&transport=polling"));
    assertThat(v3).matches("118:0\\{\"sid\":\"[A-Za-z0-9_-]{20}\",[^}]*\\}14:4hello-initial");
  }

  @Test
  void initialPacketOverWebSocket() throws Exception {
    for (String eio : new String[] {"4", "3"}) {
      try (RawWebSocket ws =
          RawWebSocket.open(example.port(), target("EIO=" + eio + "&transport=websocket"))) {
        assertThat(ws.readText()).startsWith("0{\"sid\":").contains("\"upgrades\":[]");
        assertThat(ws.readText()).isEqualTo("4hello-initial");
      }
    }
  }
}
