package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.testing.RawClient;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The defaults as a client sees them, over real sockets: no CORS headers and no cookie unless
 * configured, session ids that are 120 random bits, and error answers that carry a fixed message, never
 * an exception or a stack trace, even when the application's own hooks throw.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SecurityDefaultsTest {

  @Test
  void noCorsNoCookieUnguessableIdsAndNoStackTraces() throws Exception {
    EngineIoServer plain = EngineIoServer.builder().build();
    EngineIoServer hostile =
        EngineIoServer.builder()
            .allowRequest(
                req -> {
                  throw new IllegalStateException("secret detail in an exception");
                })
            .headers(
                (h, req) -> {
                  throw new IllegalStateException("hook failure");
                })
            .build();
    EngineIoNettyServer a = EngineIoNettyServer.builder(plain).host("127.0.0.1").port(0).start();
    EngineIoNettyServer b =
        EngineIoNettyServer.builder(hostile)
            .host("127.0.0.1")
            .port(0)
            .fallback(
                req -> {
                  throw new IllegalStateException("fallback failure");
                })
            .start();
    try {
      Set<String> sids = new HashSet<>();
      for (int i = 0; i < 50; i++) {
        try (RawClient c = RawClient.connect(a.port())) {
          c.request(
              "GET", "/engine.io/?EIO=4&transport=polling", null, "Origin: https://evil.example");
          RawClient.Response r = c.readResponse();
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.headers().keySet()).noneMatch(k -> k.startsWith("access-control-"));
          assertThat(r.header("Set-Cookie")).isNull();
          String sid = RawClient.sidOf(r.text());
          assertThat(sid).matches("[A-Za-z0-9_-]{20}");
          sids.add(sid);
        }
      }
      assertThat(sids).hasSize(50);
      try (RawClient c = RawClient.connect(a.port())) {
        c.request(
            "OPTIONS",
            "/engine.io/?EIO=4&transport=polling",
            null,
            "Origin: https://evil.example",
            "Access-Control-Request-Method: POST");
        RawClient.Response r = c.readResponse();
        assertThat(r.headers().keySet())
            .as("no preflight answer without CORS")
            .noneMatch(k -> k.startsWith("access-control-"));
      }
      try (RawClient c = RawClient.connect(a.port())) {
        c.write("GARBAGE\u0001 / HTTP/9.9\r\n\r\n");
        RawClient.Response r = c.readResponse();
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text()).isEqualTo("Bad Request");
      }
      // the application's hooks throw: fixed answers, no trace of the exception
      try (RawClient c = RawClient.connect(b.port())) {
        c.request("GET", "/engine.io/?EIO=4&transport=polling", null);
        RawClient.Response r = c.readResponse();
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text()).isEqualTo("{\"code\":4,\"message\":\"Forbidden\"}");
        c.request("GET", "/elsewhere", null);
        RawClient.Response f = c.readResponse();
        assertThat(f.status()).isEqualTo(500);
        assertThat(f.text()).isEqualTo("Internal Server Error");
      }
      try (RawClient c = RawClient.connect(b.port())) {
        RawClient.Response r = c.upgrade("/engine.io/?EIO=4&transport=websocket");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text()).isEqualTo("Forbidden");
      }
      System.out.println(
          "FIGURES: SecurityDefaultsTest sessions=50 distinctSids="
              + sids.size()
              + " corsHeaders=0 setCookie=0 throwingHooks: polling 403 fixed JSON, WebSocket 400 'Forbidden', fallback 500 fixed text");
    } finally {
      a.close();
      b.close();
    }
  }
}
