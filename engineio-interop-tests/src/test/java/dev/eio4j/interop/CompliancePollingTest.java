package dev.eio4j.interop;

import static dev.eio4j.interop.TestServer.header;
import static dev.eio4j.interop.TestServer.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.CorsOptions;
import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP long-polling half of the official engine.io-protocol test-suite (docs/protocol.md §10), for v4
 * (main branch) and v3 (branch {@code v3}), written from its description against our Netty server set
 * up as the suite expects: echo, pingInterval 300, pingTimeout 200, CORS origin "*", {@code allowEIO3}
 * false for v4 and true for v3. The WebSocket and upgrade half is {@link ComplianceWebSocketTest}.
 * Numbers in the display names are the suite's test numbers in docs/protocol.md §10.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.eio4j.interop.Backend#selected")
class CompliancePollingTest {
  /** The runtime of this run of the suite. */
  @Parameter Backend backend;

  static final String OPEN_V4 =
      "0\\{\"sid\":\"([A-Za-z0-9_-]{1,64})\",\"upgrades\":\\[\"websocket\"\\],\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":1000000\\}";

  static TestServer v4;
  static TestServer v3;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    v4 = TestServer.echo(backend, b -> suiteOptions(b).allowEIO3(false));
    v3 = TestServer.echo(backend, b -> suiteOptions(b).allowEIO3(true));
    // warm the HTTP client up so that the 300 ms heartbeat is not eaten by class loading
    v4.handshake("EIO=4&transport=polling");
    v3.handshake("EIO=3&transport=polling");
  }

  static EngineIoServer.Builder suiteOptions(EngineIoServer.Builder b) {
    return b.pingInterval(Duration.ofMillis(300))
        .pingTimeout(Duration.ofMillis(200))
        .cors(CorsOptions.anyOrigin());
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (v4 != null) {
      v4.close();
    }
    if (v3 != null) {
      v3.close();
    }
  }

  static void assertError(HttpResponse<byte[]> r, int status, int code, String message) {
    assertThat(r.statusCode()).as("status of %s", text(r)).isEqualTo(status);
    assertThat(header(r, "Content-Type")).isEqualTo("application/json");
    assertThat(text(r)).isEqualTo("{\"code\":" + code + ",\"message\":\"" + message + "\"}");
  }

  static void assertOk(HttpResponse<byte[]> r) {
    assertThat(r.statusCode()).isEqualTo(200);
    Wire.assertContentType(r, "text/html");
    assertThat(text(r)).isEqualTo("ok");
  }

  static void assertPayload(HttpResponse<byte[]> r, String payload) {
    assertThat(r.statusCode()).as("status of %s", text(r)).isEqualTo(200);
    Wire.assertContentType(r, "text/plain; charset=UTF-8");
    assertThat(text(r)).isEqualTo(payload);
  }

  @Nested
  @DisplayName("compliance polling v4 (EIO=4, allowEIO3 false)")
  class V4 {
    static final String Q = "EIO=4&transport=polling";

    @Test
    @DisplayName(
        "1 handshake: opens a session with sid, upgrades, pingInterval, pingTimeout, maxPayload")
    void opensASession() throws Exception {
      HttpResponse<byte[]> r = v4.get(Q, "Origin", "http://suite.test");
      assertThat(r.statusCode()).isEqualTo(200);
      Wire.assertContentType(r, "text/plain; charset=UTF-8");
      assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo("*");
      // exactly these five keys, in the reference's order, with the suite's values
      assertThat(text(r)).matches(OPEN_V4);
    }

    @Test
    @DisplayName("2 handshake: a missing or invalid EIO is refused with 400")
    void invalidEio() throws Exception {
      assertError(v4.get("transport=polling"), 400, 5, "Unsupported protocol version");
      assertError(v4.get("EIO=abc&transport=polling"), 400, 5, "Unsupported protocol version");
    }

    @Test
    @DisplayName("3 handshake: a missing or invalid transport is refused with 400")
    void invalidTransport() throws Exception {
      assertError(v4.get("EIO=4"), 400, 0, "Transport unknown");
      assertError(v4.get("EIO=4&transport=abc"), 400, 0, "Transport unknown");
    }

    @Test
    @DisplayName("4 handshake: POST and PUT without sid are refused with 400")
    void invalidMethod() throws Exception {
      assertError(v4.post(Q, "4hello"), 400, 2, "Bad handshake method");
      assertError(v4.request("PUT", Q, new byte[0]), 400, 2, "Bad handshake method");
    }

    @Test
    @DisplayName("8 message: one plain text packet is echoed")
    void onePlainTextPacket() throws Exception {
      String sid = v4.handshake(Q);
      assertOk(v4.post(Q + "&sid=" + sid, "4hello"));
      assertPayload(v4.get(Q + "&sid=" + sid), "4hello");
    }

    @Test
    @DisplayName("9 message: several plain text packets are echoed in one payload")
    void severalPlainTextPackets() throws Exception {
      String sid = v4.handshake(Q);
      assertOk(v4.post(Q + "&sid=" + sid, "4test1\u001e4test2\u001e4test3"));
      assertPayload(v4.get(Q + "&sid=" + sid), "4test1\u001e4test2\u001e4test3");
    }

    @Test
    @DisplayName("10 message: text and binary packets are echoed (binary as base64)")
    void textAndBinaryPackets() throws Exception {
      String sid = v4.handshake(Q);
      assertOk(v4.post(Q + "&sid=" + sid, "4hello\u001ebAQIDBA=="));
      assertPayload(v4.get(Q + "&sid=" + sid), "4hello\u001ebAQIDBA==");
      assertThat(v4.nextReceived(sid).text()).isEqualTo("hello");
      assertThat(v4.nextReceived(sid).bytes()).containsExactly(1, 2, 3, 4);
    }

    @Test
    @DisplayName("11 message: an invalid packet closes the session")
    void invalidPacketFormat() throws Exception {
      String sid = v4.handshake(Q);
      // the suite accepts 400, a dropped connection or (like the reference) 200 "ok"; we answer as
      // the reference
      assertOk(v4.post(Q + "&sid=" + sid, "abc"));
      assertError(v4.get(Q + "&sid=" + sid), 400, 1, "Session ID unknown");
      assertThat(v4.awaitClosed(sid, Duration.ofSeconds(2)).reason())
          .isEqualTo(DisconnectReason.PARSE_ERROR);
    }

    @Test
    @DisplayName("12 message: duplicate GETs close the session (held GET gets 1, the second 400)")
    void duplicatePollRequests() throws Exception {
      Overlap.run(() -> duplicateGets(v4, Q, "1"));
    }

    @Test
    @DisplayName("16 heartbeat: 3 x (GET gives 2, POST 3 gives ok)")
    void pingPong() throws Exception {
      String sid = v4.handshake(Q);
      for (int i = 0; i < 3; i++) {
        assertPayload(v4.get(Q + "&sid=" + sid), "2");
        assertOk(v4.post(Q + "&sid=" + sid, "3"));
      }
      assertThat(v4.isOpen(sid)).isTrue();
    }

    @Test
    @DisplayName(
        "17 heartbeat: without a pong the session closes (ping timeout), then GET gives 400")
    void pingTimeout() throws Exception {
      long start = System.nanoTime();
      String sid = v4.handshake(Q);
      TestServer.Closed closed = v4.awaitClosed(sid, Duration.ofSeconds(30));
      assertThat(closed.reason()).isEqualTo(DisconnectReason.PING_TIMEOUT);
      // pingInterval + pingTimeout = 500 ms after the open, never before; a busy machine only makes
      // it
      // later (the exact deadline is checked under virtual time)
      assertThat(TimeUnit.NANOSECONDS.toMillis(closed.atNanos() - start))
          .isGreaterThanOrEqualTo(450L);
      assertError(v4.get(Q + "&sid=" + sid), 400, 1, "Session ID unknown");
    }

    @Test
    @DisplayName("20 close: POST 1 while a GET is held: the GET gets 6, later requests 400")
    void forcefulClose() throws Exception {
      Overlap.run(() -> closeWhilePolling(v4, Q, "1", "6"));
    }
  }

  @Nested
  @DisplayName("compliance polling v3 (EIO=3, allowEIO3 true)")
  class V3 {
    static final String Q = "EIO=3&transport=polling";

    @Test
    @DisplayName("1 handshake: opens a session; the length prefix is the content's string length")
    void opensASession() throws Exception {
      HttpResponse<byte[]> r = v3.get(Q, "Origin", "http://suite.test");
      assertThat(r.statusCode()).isEqualTo(200);
      Wire.assertContentType(r, "text/plain; charset=UTF-8");
      assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo("*");
      Matcher m = Pattern.compile("(\\d+):(.*)", Pattern.DOTALL).matcher(text(r));
      assertThat(m.matches()).as(text(r)).isTrue();
      assertThat(Integer.parseInt(m.group(1))).isEqualTo(m.group(2).length());
      // maxPayload may be absent for the v3 suite; like the reference we send it
      assertThat(m.group(2)).matches(OPEN_V4);
    }

    @Test
    @DisplayName("2 handshake: a missing or invalid transport is refused with 400")
    void invalidTransport() throws Exception {
      assertError(v3.get("EIO=3"), 400, 0, "Transport unknown");
      assertError(v3.get("EIO=3&transport=abc"), 400, 0, "Transport unknown");
    }

    @Test
    @DisplayName("3 handshake: an invalid request method is refused with 400")
    void invalidMethod() throws Exception {
      assertError(v3.post(Q, "6:4hello"), 400, 2, "Bad handshake method");
      assertError(v3.request("PUT", Q, new byte[0]), 400, 2, "Bad handshake method");
    }

    @Test
    @DisplayName("7 message: one plain text packet is echoed (b64 session)")
    void onePlainTextPacket() throws Exception {
      String q = Q + "&b64=1";
      String sid = v3.handshake(q);
      assertOk(v3.post(q + "&sid=" + sid, "6:4hello"));
      assertPayload(v3.get(q + "&sid=" + sid), "6:4hello");
    }

    @Test
    @DisplayName("8 message: several plain text packets are echoed unchanged")
    void severalPlainTextPackets() throws Exception {
      String q = Q + "&b64=1";
      String sid = v3.handshake(q);
      assertOk(v3.post(q + "&sid=" + sid, "6:4test16:4test26:4test3"));
      assertPayload(v3.get(q + "&sid=" + sid), "6:4test16:4test26:4test3");
    }

    @Test
    @DisplayName("9 message: text and binary packets are echoed as text (b64 session)")
    void textAndBinaryBase64() throws Exception {
      String q = Q + "&b64=1";
      String sid = v3.handshake(q);
      assertOk(v3.post(q + "&sid=" + sid, "6:4hello10:b4AQIDBA=="));
      assertPayload(v3.get(q + "&sid=" + sid), "6:4hello10:b4AQIDBA==");
    }

    @Test
    @DisplayName(
        "10 message: text and binary packets come back as a binary payload (binary session)")
    void textAndBinaryBinaryPayload() throws Exception {
      String sid = v3.handshake(Q);
      assertOk(v3.post(Q + "&sid=" + sid, "6:4hello10:b4AQIDBA=="));
      HttpResponse<byte[]> r = v3.get(Q + "&sid=" + sid);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(header(r, "Content-Type")).isEqualTo("application/octet-stream");
      assertThat(r.body())
          .containsExactly(
              0x00, 0x06, 0xff, 0x34, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x01, 0x05, 0xff, 0x04, 0x01,
              0x02, 0x03, 0x04);
    }

    @Test
    @DisplayName("11 message: an invalid packet closes the session")
    void invalidPacketFormat() throws Exception {
      String sid = v3.handshake(Q);
      assertOk(v3.post(Q + "&sid=" + sid, "abc")); // as the reference; the suite also accepts 400
      assertError(v3.get(Q + "&sid=" + sid), 400, 1, "Session ID unknown");
      assertThat(v3.awaitClosed(sid, Duration.ofSeconds(2)).reason())
          .isEqualTo(DisconnectReason.PARSE_ERROR);
    }

    @Test
    @DisplayName(
        "12 message: duplicate GETs close the session (held GET gets 1:1) [skipped upstream, run here]")
    void duplicatePollRequests() throws Exception {
      Overlap.run(() -> duplicateGets(v3, Q, "1:1"));
    }

    @Test
    @DisplayName("16 heartbeat: 3 x (POST 1:2 gives ok, GET gives 1:3)")
    void pingPong() throws Exception {
      String sid = v3.handshake(Q);
      for (int i = 0; i < 3; i++) {
        assertOk(v3.post(Q + "&sid=" + sid, "1:2"));
        assertPayload(v3.get(Q + "&sid=" + sid), "1:3");
      }
      assertThat(v3.isOpen(sid)).isTrue();
    }

    @Test
    @DisplayName("17 heartbeat: without a ping the session closes, then POST 1:2 gives 400")
    void pingTimeout() throws Exception {
      long start = System.nanoTime();
      String sid = v3.handshake(Q);
      TestServer.Closed closed = v3.awaitClosed(sid, Duration.ofSeconds(30));
      assertThat(closed.reason()).isEqualTo(DisconnectReason.PING_TIMEOUT);
      // never before pingInterval + pingTimeout; a busy machine only makes it later (the exact
      // deadline
      // is checked under virtual time)
      assertThat(TimeUnit.NANOSECONDS.toMillis(closed.atNanos() - start))
          .isGreaterThanOrEqualTo(450L);
      assertError(v3.post(Q + "&sid=" + sid, "1:2"), 400, 1, "Session ID unknown");
    }

    @Test
    @DisplayName("20 close: POST 1:1 while a GET is held: the GET gets 1:6, later requests 400")
    void forcefulClose() throws Exception {
      Overlap.run(() -> closeWhilePolling(v3, Q, "1:1", "1:6"));
    }
  }

  /**
   * Suite test 12: a GET is held, a second GET arrives; the second gets 400 (the suite accepts 400 or
   * 500), the held one the close packet, and the session is gone.
   */
  static boolean duplicateGets(TestServer server, String q, String closePayload) throws Exception {
    String sid = server.handshake(q);
    CompletableFuture<HttpResponse<byte[]>> first = server.getAsync(q + "&sid=" + sid);
    Overlap.letItArrive();
    HttpResponse<byte[]> second = server.get(q + "&sid=" + sid);
    HttpResponse<byte[]> held = first.get(5, TimeUnit.SECONDS);
    if (text(held).equals("2") || held.statusCode() == 400) {
      return false; // a ping answered the first GET, or the second GET arrived first
    }
    assertThat(second.statusCode()).isEqualTo(400);
    assertThat(second.body()).isEmpty();
    assertPayload(held, closePayload);
    assertError(server.get(q + "&sid=" + sid), 400, 1, "Session ID unknown");
    assertThat(server.awaitClosed(sid, Duration.ofSeconds(2)).reason())
        .isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    return true;
  }

  /** Suite test 20: the client posts a close packet while a GET is held; the GET gets a noop. */
  static boolean closeWhilePolling(TestServer server, String q, String close, String noop)
      throws Exception {
    String sid = server.handshake(q);
    CompletableFuture<HttpResponse<byte[]>> poll = server.getAsync(q + "&sid=" + sid);
    Overlap.letItArrive();
    HttpResponse<byte[]> post = server.post(q + "&sid=" + sid, close);
    HttpResponse<byte[]> held = poll.get(5, TimeUnit.SECONDS);
    if (text(held).equals("2") || held.statusCode() == 400) {
      return false; // a ping answered the GET first, or the POST arrived first
    }
    assertOk(post);
    assertPayload(held, noop);
    assertError(server.get(q + "&sid=" + sid), 400, 1, "Session ID unknown");
    assertThat(server.awaitClosed(sid, Duration.ofSeconds(2)).reason())
        .isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    return true;
  }
}
