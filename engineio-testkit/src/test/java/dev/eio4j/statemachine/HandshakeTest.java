package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.CookieOptions;
import dev.eio4j.CorsOptions;
import dev.eio4j.ReadyState;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.Headers;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.EngineHarness.WsClient;
import dev.eio4j.testing.FakeHttpExchange;
import dev.eio4j.testing.FakeWsConnection;
import dev.eio4j.testing.FakeWsUpgrade;
import dev.eio4j.testing.OpenPackets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** docs/protocol.md §4: the handshake over polling, JSONP and WebSocket, v4 and v3, byte for byte. */
@ExtendWith(NoUnexpectedEvents.class)
class HandshakeTest {
  private static final String SID = "[A-Za-z0-9_-]{20}";

  private static void assertNoCorsOrCookie(Headers h) {
    for (int i = 0; i < h.size(); i++) {
      assertThat(h.name(i).toLowerCase())
          .doesNotStartWith("access-control-")
          .isNotEqualTo("set-cookie")
          .isNotEqualTo("vary");
    }
  }

  @Test
  void v4PollingHandshake() {
    EngineHarness h = EngineHarness.create();
    FakeHttpExchange hs = h.get("EIO=4&transport=polling&t=abc");

    assertThat(hs.status()).isEqualTo(200);
    String body = hs.bodyString();
    String sid = OpenPackets.sid(body);
    assertThat(sid).matches(SID);
    assertThat(body).isEqualTo("0" + OpenPackets.expectedJson(sid, true, 25000, 20000, 1000000));
    assertThat(body).hasSize(118);
    assertThat(OpenPackets.keys(body))
        .containsExactly("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
    assertThat(hs.responseHeader("Content-Type")).isEqualTo("text/plain; charset=UTF-8");
    assertThat(hs.responseHeader("cache-control")).isEqualTo("no-store");
    assertNoCorsOrCookie(hs.responseHeaders());
    assertThat(hs.laneRequests()).isEqualTo(1);

    assertThat(h.events().only().log()).containsExactly("open");
    var socket = h.server().socket(sid).orElseThrow();
    assertThat(socket.protocol()).isEqualTo(ProtocolVersion.V4);
    assertThat(socket.transport()).isEqualTo(TransportType.POLLING);
    assertThat(socket.readyState()).isEqualTo(ReadyState.OPEN);
    assertThat(socket.request().queryParam("t")).isEqualTo("abc");
  }

  @Test
  void v3PollingHandshakeIsFramedWithItsUtf16Length() {
    EngineHarness h = EngineHarness.create();
    FakeHttpExchange hs = h.get("EIO=3&transport=polling");
    String sid = OpenPackets.sid(hs.bodyString());
    // v3 also gets maxPayload [spec≠server]
    assertThat(hs.bodyString())
        .isEqualTo("118:0" + OpenPackets.expectedJson(sid, true, 25000, 20000, 1000000));
    assertThat(hs.responseHeader("Content-Type")).isEqualTo("text/plain; charset=UTF-8");
    assertThat(h.server().socket(sid).orElseThrow().protocol()).isEqualTo(ProtocolVersion.V3);
  }

  @Test
  void b64DoesNotChangeTheHandshakeBytes() {
    EngineHarness h = EngineHarness.create();
    FakeHttpExchange v3 = h.get("EIO=3&transport=polling&b64=1");
    FakeHttpExchange v4 = h.get("EIO=4&transport=polling&b64=1");
    assertThat(v3.bodyString())
        .isEqualTo(
            "118:0"
                + OpenPackets.expectedJson(
                    OpenPackets.sid(v3.bodyString()), true, 25000, 20000, 1000000));
    assertThat(v4.bodyString())
        .isEqualTo(
            "0"
                + OpenPackets.expectedJson(
                    OpenPackets.sid(v4.bodyString()), true, 25000, 20000, 1000000));
  }

  @Test
  void configuredValuesAppearInTheHandshake() {
    EngineHarness h =
        EngineHarness.create(
            b ->
                b.pingInterval(java.time.Duration.ofMillis(300))
                    .pingTimeout(java.time.Duration.ofMillis(200))
                    .maxHttpBufferSize(100));
    FakeHttpExchange hs = h.get("EIO=4&transport=polling");
    assertThat(hs.bodyString())
        .isEqualTo(
            "0" + OpenPackets.expectedJson(OpenPackets.sid(hs.bodyString()), true, 300, 200, 100));
  }

  @Test
  void noUpgradesWhenWebSocketIsOffOrUpgradesAreNotAllowed() {
    EngineHarness pollingOnly = EngineHarness.create(b -> b.transports(TransportType.POLLING));
    EngineHarness noUpgrades = EngineHarness.create(b -> b.allowUpgrades(false));
    for (EngineHarness h : new EngineHarness[] {pollingOnly, noUpgrades}) {
      FakeHttpExchange hs = h.get("EIO=4&transport=polling");
      assertThat(OpenPackets.field(hs.bodyString(), "upgrades")).isEqualTo("[]");
    }
  }

  @Test
  void initialPacketIsInTheSameResponse() {
    EngineHarness h = EngineHarness.create(b -> b.initialPacket("hello-initial"));
    FakeHttpExchange v4 = h.get("EIO=4&transport=polling");
    FakeHttpExchange v3 = h.get("EIO=3&transport=polling");
    String sid4 = OpenPackets.sid(v4.bodyString());
    String sid3 = OpenPackets.sid(v3.bodyString());
    assertThat(v4.bodyString())
        .isEqualTo(
            "0"
                + OpenPackets.expectedJson(sid4, true, 25000, 20000, 1000000)
                + "\u001e4hello-initial");
    assertThat(v3.bodyString())
        .isEqualTo(
            "118:0"
                + OpenPackets.expectedJson(sid3, true, 25000, 20000, 1000000)
                + "14:4hello-initial");
  }

  @Test
  void cookieOnlyWhenConfiguredAndOnlyOnTheHandshake() {
    EngineHarness h = EngineHarness.create(b -> b.cookie(CookieOptions.named("io"))).echo();
    PollingClient c = h.openPolling("EIO=4");
    assertThat(c.handshake().responseHeaders().getAll("Set-Cookie"))
        .containsExactly("io=" + c.sid() + "; Path=/; HttpOnly; SameSite=Lax");
    c.post("4x");
    FakeHttpExchange get = c.get();
    assertThat(get.bodyString()).isEqualTo("4x");
    assertThat(get.responseHeader("Set-Cookie")).isNull();
    // never on a direct WebSocket (T/08b)
    FakeWsUpgrade ws = h.upgrade("EIO=4&transport=websocket");
    assertThat(ws.acceptHeaders().get("Set-Cookie")).isNull();
    assertThat(c.events().texts()).containsExactly("x");

    EngineHarness none = EngineHarness.create();
    assertThat(none.openPolling("EIO=4").handshake().responseHeader("Set-Cookie")).isNull();
  }

  @Test
  void corsHeadersOnlyWhenConfigured() {
    EngineHarness none = EngineHarness.create();
    FakeHttpExchange plain =
        none.send(
            none.http("GET", "EIO=4&transport=polling")
                .header("Origin", "http://example.com")
                .build());
    assertNoCorsOrCookie(plain.responseHeaders());

    EngineHarness h =
        EngineHarness.create(
            b ->
                b.cors(
                    CorsOptions.builder()
                        .fixedOrigin("http://example.com")
                        .credentials(true)
                        .build()));
    FakeHttpExchange hs =
        h.send(
            h.http("GET", "EIO=4&transport=polling").header("Origin", "http://other.org").build());
    assertThat(hs.responseHeader("Access-Control-Allow-Origin")).isEqualTo("http://example.com");
    assertThat(hs.responseHeader("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(hs.responseHeader("Vary")).isEqualTo("Origin");
    // also on the 101 of a direct WebSocket, and on errors
    FakeWsUpgrade ws = h.upgrade("EIO=4&transport=websocket");
    assertThat(ws.acceptHeaders().get("Access-Control-Allow-Origin"))
        .isEqualTo("http://example.com");
    FakeHttpExchange err = h.get("EIO=4&transport=abc");
    assertThat(err.status()).isEqualTo(400);
    assertThat(err.responseHeader("Access-Control-Allow-Origin")).isEqualTo("http://example.com");
  }

  @Test
  void corsPreflightIsAnswered204() {
    EngineHarness h = EngineHarness.create(b -> b.cors(CorsOptions.anyOrigin()));
    FakeHttpExchange pre =
        h.send(
            h.http("OPTIONS", "EIO=4&transport=polling")
                .header("Origin", "http://a.b")
                .header("Access-Control-Request-Headers", "content-type")
                .build());
    assertThat(pre.status()).isEqualTo(204);
    assertThat(pre.body()).isEmpty();
    assertThat(pre.responseHeader("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(pre.responseHeader("Access-Control-Allow-Methods"))
        .isEqualTo("GET,HEAD,PUT,PATCH,POST,DELETE");
    assertThat(pre.responseHeader("Access-Control-Allow-Headers")).isEqualTo("content-type");
    assertThat(pre.responseHeader("Vary")).isEqualTo("Access-Control-Request-Headers");
  }

  @Test
  void jsonpHandshakeV4AndV3() {
    EngineHarness h = EngineHarness.create();
    FakeHttpExchange v4 = h.get("EIO=4&transport=polling&j=0");
    String sid4 = OpenPackets.sid(v4.bodyString());
    String json4 =
        OpenPackets.expectedJson(sid4, true, 25000, 20000, 1000000).replace("\"", "\\\"");
    assertThat(v4.bodyString()).isEqualTo("___eio[0](\"0" + json4 + "\");");
    assertThat(v4.responseHeader("Content-Type")).isEqualTo("text/plain; charset=UTF-8");

    FakeHttpExchange v3 = h.get("EIO=3&transport=polling&j=0");
    String sid3 = OpenPackets.sid(v3.bodyString());
    String json3 =
        OpenPackets.expectedJson(sid3, true, 25000, 20000, 1000000).replace("\"", "\\\"");
    assertThat(v3.bodyString()).isEqualTo("___eio[0](\"118:0" + json3 + "\");");

    FakeHttpExchange odd = h.get("EIO=4&transport=polling&j=abc12");
    assertThat(odd.bodyString()).startsWith("___eio[12](\"0{");
  }

  @Test
  void directWebSocketHandshakeV4() {
    EngineHarness h = EngineHarness.create(b -> b.initialPacket("hello-initial"));
    FakeWsUpgrade up = h.upgrade("EIO=4&transport=websocket");
    assertThat(up.accepted()).isTrue();
    assertThat(up.maxPayload()).isEqualTo(1_000_000);
    assertThat(up.laneRequests()).isEqualTo(1);
    FakeWsConnection conn = up.connection();
    String sid = OpenPackets.sid(conn.frames().get(0).text());
    assertThat(conn.frameLog())
        .containsExactly(
            "text:0" + OpenPackets.expectedJson(sid, false, 25000, 20000, 1000000),
            "text:4hello-initial");
    var socket = h.server().socket(sid).orElseThrow();
    assertThat(socket.transport()).isEqualTo(TransportType.WEBSOCKET);
    assertThat(h.events().socket(sid).log()).containsExactly("open");
  }

  @Test
  void directWebSocketHandshakeV3() {
    EngineHarness h = EngineHarness.create();
    WsClient c = h.openWebSocket("EIO=3");
    assertThat(c.conn().frameLog())
        .containsExactly(
            "text:0" + OpenPackets.expectedJson(c.sid(), false, 25000, 20000, 1000000));
    assertThat(h.server().socket(c.sid()).orElseThrow().protocol()).isEqualTo(ProtocolVersion.V3);
  }

  @Test
  void everyHandshakeGetsItsOwnSid() {
    EngineHarness h = EngineHarness.create();
    String a = h.openPolling("EIO=4").sid();
    String b = h.openPolling("EIO=4").sid();
    String c = h.openWebSocket("EIO=4").sid();
    assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
    assertThat(h.server().socketCount()).isEqualTo(3);
  }

  @Test
  void customIdGeneratorIsUsed() {
    EngineHarness h =
        EngineHarness.create(b -> b.idGenerator(req -> "custom-" + req.queryParam("n")));
    assertThat(h.openPolling("EIO=4&n=1").sid()).isEqualTo("custom-1");
    // a duplicate id is an ID_GENERATION_ERROR (code 3)
    FakeHttpExchange dup = h.get("EIO=4&transport=polling&n=1");
    assertThat(dup.status()).isEqualTo(400);
    assertThat(dup.bodyString()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
    assertThat(h.connectionErrors())
        .singleElement()
        .satisfies(e -> assertThat(e.context()).containsEntry("name", "ID_GENERATION_ERROR"));
  }

  @Test
  void headersHooks() {
    EngineHarness h =
        EngineHarness.create(
                b ->
                    b.initialHeaders((headers, req) -> headers.add("X-Initial", "1"))
                        .headers((headers, req) -> headers.add("X-Every", req.method())))
            .echo();
    PollingClient c = h.openPolling("EIO=4");
    assertThat(c.handshake().responseHeader("X-Initial")).isEqualTo("1");
    assertThat(c.handshake().responseHeader("X-Every")).isEqualTo("GET");
    FakeHttpExchange post = c.post("4x");
    assertThat(post.responseHeader("X-Every")).isEqualTo("POST");
    assertThat(post.responseHeader("X-Initial")).isNull();
    FakeHttpExchange get = c.get();
    assertThat(get.responseHeader("X-Every")).isEqualTo("GET");
    assertThat(get.responseHeader("X-Initial")).isNull();
    // the 101 of a direct WebSocket gets both, the 101 of an upgrade only the per-response hook
    FakeWsUpgrade direct = h.upgrade("EIO=4&transport=websocket");
    assertThat(direct.acceptHeaders().get("X-Initial")).isEqualTo("1");
    assertThat(direct.acceptHeaders().get("X-Every")).isEqualTo("GET");
    FakeWsUpgrade upgrade = c.upgrade();
    assertThat(upgrade.acceptHeaders().get("X-Initial")).isNull();
    assertThat(upgrade.acceptHeaders().get("X-Every")).isEqualTo("GET");
    assertThat(c.events().texts()).containsExactly("x");
  }

  @Test
  void aThrowingHeadersHookDoesNotBreakTheResponse() {
    EngineHarness h =
        EngineHarness.create(
            b ->
                b.headers(
                    (headers, req) -> {
                      throw new IllegalStateException("hook bug");
                    }));
    FakeHttpExchange hs = h.get("EIO=4&transport=polling");
    assertThat(hs.status()).isEqualTo(200);
    assertThat(hs.bodyString()).startsWith("0{");
  }

  @Test
  void pathMatchingIsAPlainPrefixCompare() {
    EngineHarness h = EngineHarness.create();
    assertThat(h.server().handles("/engine.io/?EIO=4&transport=polling")).isTrue();
    assertThat(h.server().handles("/engine.io/x/y?EIO=4")).isTrue();
    assertThat(h.server().handles("/engine.io?EIO=4&transport=polling")).isFalse();
    EngineHarness noSlash = EngineHarness.create(b -> b.path("/myapp").addTrailingSlash(false));
    assertThat(noSlash.server().handles("/myapp?EIO=4")).isTrue();
    assertThat(noSlash.server().handles("/myapp/?EIO=4")).isTrue();
    assertThat(noSlash.server().handles("/myappXYZ?EIO=4")).isTrue();
    assertThat(noSlash.server().handles("/other?EIO=4")).isFalse();
    assertThat(noSlash.uri("EIO=4")).isEqualTo("/myapp?EIO=4");
    assertThat(noSlash.openPolling("EIO=4").sid()).matches(SID);
  }

  @Test
  void v3Utf16LengthsFromTheClient() {
    EngineHarness h = EngineHarness.create();
    PollingClient c = h.openPolling("EIO=3");
    assertThat(c.post("5:4€ 😀").bodyString()).isEqualTo("ok");
    assertThat(c.events().texts()).containsExactly("€ 😀");
  }
}
