package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.AllowRequest;
import dev.eio4j.ConnectionError;
import dev.eio4j.CorsOptions;
import dev.eio4j.DisconnectReason;
import dev.eio4j.HandshakeError;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.EngineHarness.WsClient;
import dev.eio4j.testing.FakeHttpExchange;
import dev.eio4j.testing.FakeWsConnection;
import dev.eio4j.testing.FakeWsUpgrade;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/protocol.md §7: the error table over the fakes, with exact statuses, bodies and contexts. */
@ExtendWith(NoUnexpectedEvents.class)
class ErrorsTest {
  private final EngineHarness h = EngineHarness.create();

  private static void assertJsonError(FakeHttpExchange ex, int status, int code, String message) {
    assertThat(ex.status()).isEqualTo(status);
    assertThat(ex.responseHeader("Content-Type")).isEqualTo("application/json");
    assertThat(ex.bodyString())
        .isEqualTo("{\"code\":" + code + ",\"message\":\"" + message + "\"}");
  }

  private ConnectionError lastError() {
    var all = h.connectionErrors();
    assertThat(all).isNotEmpty();
    return all.get(all.size() - 1);
  }

  // ------------------------------------------------------------------ code 0

  @ParameterizedTest
  @ValueSource(
      strings = {
        "EIO=4",
        "EIO=4&transport=abc",
        "EIO=4&transport=webtransport",
        "EIO=4&transport=Polling"
      })
  void unknownTransportIsCode0(String query) {
    assertJsonError(h.get(query), 400, 0, "Transport unknown");
    assertThat(lastError().error()).isEqualTo(HandshakeError.UNKNOWN_TRANSPORT);
    assertThat(lastError().code()).isZero();
    assertThat(lastError().context()).containsOnlyKeys("transport");
    assertThat(h.server().socketCount()).isZero();
  }

  @Test
  void disabledTransportIsCode0() {
    EngineHarness pollingOnly = EngineHarness.create(b -> b.transports(TransportType.POLLING));
    FakeWsUpgrade up = pollingOnly.upgrade("EIO=4&transport=websocket");
    assertThat(up.rejected()).isTrue();
    assertThat(up.rejectStatus()).isEqualTo(400);
    assertThat(up.rejectBody()).isEqualTo("Transport unknown");
    EngineHarness wsOnly = EngineHarness.create(b -> b.transports(TransportType.WEBSOCKET));
    assertJsonError(wsOnly.get("EIO=4&transport=polling"), 400, 0, "Transport unknown");
  }

  // ------------------------------------------------------------------ code 1

  @Test
  void unknownSidIsCode1() {
    assertJsonError(h.get("EIO=4&transport=polling&sid=nope"), 400, 1, "Session ID unknown");
    assertThat(lastError().context()).containsExactly(java.util.Map.entry("sid", "nope"));
    assertJsonError(h.post("EIO=4&transport=polling&sid=nope", "4x"), 400, 1, "Session ID unknown");
    FakeWsUpgrade up = h.upgrade("EIO=4&transport=websocket&sid=nope");
    assertThat(up.rejectStatus()).isEqualTo(400);
    assertThat(up.rejectBody()).isEqualTo("Session ID unknown");
    // the adapter writes Content-type: text/html itself; the core adds no JSON content type
    assertThat(up.rejectHeaders().get("Content-Type")).isNull();
    assertThat(up.accepted()).isFalse();
    assertThat(up.decisions()).isEqualTo(1);
    assertThat(h.connectionErrors()).extracting(ConnectionError::code).containsExactly(1, 1, 1);
  }

  // ------------------------------------------------------------------ code 2

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "OPTIONS", "DELETE"})
  void handshakeWithAnotherMethodIsCode2(String method) {
    assertJsonError(h.request(method, "EIO=4&transport=polling"), 400, 2, "Bad handshake method");
    assertThat(lastError().context()).containsEntry("method", method);
  }

  // ------------------------------------------------------------------ code 3

  @Test
  void websocketTransportWithoutUpgradeIsCode3() {
    assertJsonError(h.get("EIO=4&transport=websocket"), 400, 3, "Bad request");
    assertThat(lastError().context()).containsEntry("name", "TRANSPORT_HANDSHAKE_ERROR");
  }

  @Test
  void transportMismatchIsCode3AndKeepsTheSession() {
    WsClient ws = h.openWebSocket("EIO=4");
    assertJsonError(h.get("EIO=4&transport=polling&sid=" + ws.sid()), 400, 3, "Bad request");
    assertThat(lastError().context())
        .containsEntry("name", "TRANSPORT_MISMATCH")
        .containsEntry("transport", "polling")
        .containsEntry("previousTransport", "websocket");
    h.events().socket(ws.sid()).assertOpen();
  }

  @Test
  void websocketTransportOnAPollingSidWithoutUpgradeIsCode3AndKeepsTheSession() {
    PollingClient c = h.openPolling("EIO=4");
    assertJsonError(h.get("EIO=4&transport=websocket&sid=" + c.sid()), 400, 3, "Bad request");
    assertThat(lastError().context())
        .containsEntry("name", "TRANSPORT_MISMATCH")
        .containsEntry("transport", "websocket")
        .containsEntry("previousTransport", "polling");
    c.events().assertOpen();
  }

  @Test
  void protocolMismatchIsCode3AndKeepsTheSession() {
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange held = c.get();
    assertJsonError(h.get("EIO=3&transport=polling&sid=" + c.sid()), 400, 3, "Bad request");
    assertThat(lastError().context()).containsEntry("name", "PROTOCOL_MISMATCH");
    assertThat(held.responded()).isFalse();
    c.events().assertOpen();
  }

  @Test
  void invalidOriginIsCode3() {
    FakeHttpExchange ex =
        h.send(
            h.http("GET", "EIO=4&transport=polling").header("Origin", "http://a\u0001b").build());
    assertJsonError(ex, 400, 3, "Bad request");
    assertThat(lastError().context()).containsEntry("name", "INVALID_ORIGIN");
    FakeWsUpgrade up =
        h.send(h.ws("EIO=4&transport=websocket").header("Origin", "http://\u0100").build());
    assertThat(up.rejectBody()).isEqualTo("Bad request");
  }

  @Test
  void websocketUpgradeWithPollingTransportIsRefused() {
    FakeWsUpgrade up = h.upgrade("EIO=4&transport=polling");
    assertThat(up.rejected()).isTrue();
    assertThat(up.rejectStatus()).isEqualTo(400);
    assertThat(up.rejectBody()).isEqualTo("Bad request");
  }

  // ------------------------------------------------------------------ code 4

  @Test
  void allowRequestDenialWithAMessage() {
    EngineHarness gated =
        EngineHarness.create(
            b ->
                b.allowRequest(
                    req ->
                        CompletableFuture.completedFuture(
                            req.queryParam("deny") != null
                                ? AllowRequest.Decision.deny("denied by allowRequest")
                                : AllowRequest.Decision.allow())));
    assertJsonError(gated.get("EIO=4&transport=polling&deny=1"), 403, 4, "denied by allowRequest");
    ConnectionError e = gated.connectionErrors().get(0);
    assertThat(e.code()).isEqualTo(4);
    assertThat(e.message()).isEqualTo("denied by allowRequest");
    assertThat(e.context()).containsEntry("message", "denied by allowRequest");
    // over WebSocket: always 400, before any 101, with the message as text
    FakeWsUpgrade up = gated.upgrade("EIO=4&transport=websocket&deny=1");
    assertThat(up.rejectStatus()).isEqualTo(400);
    assertThat(up.rejectBody()).isEqualTo("denied by allowRequest");
    assertThat(gated.openPolling("EIO=4").sid()).isNotEmpty();
    assertThat(gated.server().socketCount()).isEqualTo(1);
  }

  @Test
  void allowRequestDenialWithoutAMessageIsForbidden() {
    EngineHarness gated = EngineHarness.create(b -> b.allowRequest(AllowRequest.of(req -> false)));
    assertJsonError(gated.get("EIO=4&transport=polling"), 403, 4, "Forbidden");
    assertThat(gated.upgrade("EIO=4&transport=websocket").rejectBody()).isEqualTo("Forbidden");
  }

  @Test
  void allowRequestThatThrowsOrFailsIsForbidden() {
    EngineHarness throwing =
        EngineHarness.create(
            b ->
                b.allowRequest(
                    req -> {
                      throw new IllegalStateException("secret detail");
                    }));
    assertJsonError(throwing.get("EIO=4&transport=polling"), 403, 4, "Forbidden");
    EngineHarness failing =
        EngineHarness.create(
            b -> b.allowRequest(req -> CompletableFuture.failedFuture(new RuntimeException("x"))));
    assertJsonError(failing.get("EIO=4&transport=polling"), 403, 4, "Forbidden");
  }

  @Test
  void asynchronousAllowRequest() {
    CompletableFuture<AllowRequest.Decision> verdict = new CompletableFuture<>();
    EngineHarness gated = EngineHarness.create(b -> b.allowRequest(req -> verdict));
    FakeHttpExchange hs = gated.get("EIO=4&transport=polling");
    assertThat(hs.responded()).isFalse();
    verdict.complete(AllowRequest.Decision.allow());
    gated.clock().runPending();
    assertThat(hs.status()).isEqualTo(200);
    assertThat(hs.bodyString()).startsWith("0{\"sid\":");
  }

  @Test
  void allowRequestIsNotAskedForUpgradesOrSessionRequests() {
    int[] calls = {0};
    EngineHarness gated =
        EngineHarness.create(
            b ->
                b.allowRequest(
                    AllowRequest.of(
                        req -> {
                          calls[0]++;
                          return calls[0] == 1;
                        })));
    PollingClient c = gated.openPolling("EIO=4");
    c.post("4x");
    FakeWsUpgrade up = c.upgrade();
    assertThat(up.accepted()).isTrue();
    assertThat(calls[0]).isEqualTo(1);
    assertThat(c.events().texts()).containsExactly("x");
  }

  // ------------------------------------------------------------------ code 5

  @ParameterizedTest
  @ValueSource(
      strings = {
        "transport=polling",
        "EIO=5&transport=polling",
        "EIO=abc&transport=polling",
        "EIO=&transport=polling"
      })
  void unsupportedProtocolIsCode5EvenWithAllowEio3(String query) {
    // deliberate difference: the reference treats every EIO other than "4" as v3 when allowEIO3 is
    // on
    assertThat(h.server().options().allowEIO3()).isTrue();
    assertJsonError(h.get(query), 400, 5, "Unsupported protocol version");
    assertThat(lastError().context()).containsKey("protocol");
    FakeWsUpgrade up = h.upgrade(query.replace("polling", "websocket"));
    assertThat(up.rejectStatus()).isEqualTo(400);
    assertThat(up.rejectBody()).isEqualTo("Unsupported protocol version");
  }

  @Test
  void v3IsCode5WhenNotAllowed() {
    EngineHarness v4only = EngineHarness.create(b -> b.allowEIO3(false));
    assertJsonError(v4only.get("EIO=3&transport=polling"), 400, 5, "Unsupported protocol version");
    assertThat(v4only.connectionErrors().get(0).context()).containsEntry("protocol", "3");
    assertThat(v4only.upgrade("EIO=3&transport=websocket").rejectBody())
        .isEqualTo("Unsupported protocol version");
    assertThat(v4only.openPolling("EIO=4").sid()).isNotEmpty();
  }

  // ------------------------------------------------------------------ no code

  @ParameterizedTest
  @ValueSource(strings = {"PUT", "DELETE", "OPTIONS", "PATCH"})
  void anyOtherMethodWithASidIsCode3AndKeepsTheSession(String method) {
    // the reference answers 500 with an empty body; an unsupported method is the client's error
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange ex = h.request(method, c.pollingQuery());
    assertJsonError(ex, 400, 3, "Bad request");
    assertThat(lastError().context())
        .containsEntry("name", "BAD_METHOD")
        .containsEntry("method", method);
    c.events().assertOpen();
    assertThat(c.post("4still-here").bodyString()).isEqualTo("ok");
    assertThat(c.events().texts()).containsExactly("still-here");
  }

  @Test
  void websocketFrameOverTheLimitClosesWith1009() {
    EngineHarness small = EngineHarness.create(b -> b.maxHttpBufferSize(100));
    WsClient c = small.openWebSocket("EIO=4");
    FakeWsConnection ws = c.conn();
    assertThat(c.upgrade().maxPayload()).isEqualTo(100);
    ws.clientText("4" + "x".repeat(100));
    assertThat(ws.closeCalls())
        .extracting(FakeWsConnection.CloseCall::status)
        .containsExactly(1009);
    small.events().socket(c.sid()).assertClosed(DisconnectReason.TRANSPORT_ERROR);
    assertThat(small.events().socket(c.sid()).closeDescription())
        .contains("Max payload size exceeded");
    assertThat(small.clock().pendingTimers()).isZero();
  }

  @Test
  void corsHeadersAreOnErrorsAndWsRejectionsToo() {
    EngineHarness cors = EngineHarness.create(b -> b.cors(CorsOptions.anyOrigin()));
    assertThat(cors.get("EIO=4&transport=abc").responseHeader("Access-Control-Allow-Origin"))
        .isEqualTo("*");
    assertThat(
            cors.get("EIO=4&transport=polling&sid=x").responseHeader("Access-Control-Allow-Origin"))
        .isEqualTo("*");
    assertThat(
            cors.upgrade("EIO=4&transport=abc").rejectHeaders().get("Access-Control-Allow-Origin"))
        .isEqualTo("*");
    // with cors, OPTIONS with a sid is a preflight, not a 500
    PollingClient c = cors.openPolling("EIO=4");
    assertThat(cors.request("OPTIONS", c.pollingQuery()).status()).isEqualTo(204);
  }

  @Test
  void errorsAreReportedWithTheRequest() {
    FakeHttpExchange ex = h.get("EIO=4&transport=abc&x=1");
    ConnectionError e = lastError();
    assertThat(e.request().uri()).isEqualTo(ex.request().uri());
    assertThat(e.message()).isEqualTo("Transport unknown");
    assertThat(e.context()).containsEntry("transport", "abc");
  }

  @Test
  void aThrowingErrorListenerDoesNotChangeTheResponse() {
    h.server()
        .onConnectionError(
            e -> {
              throw new IllegalStateException("listener bug");
            });
    assertJsonError(h.get("EIO=4&transport=abc"), 400, 0, "Transport unknown");
  }
}
