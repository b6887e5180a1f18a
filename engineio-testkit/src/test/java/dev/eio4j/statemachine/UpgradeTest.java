package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.FakeHttpExchange;
import dev.eio4j.testing.FakeWsConnection;
import dev.eio4j.testing.FakeWsUpgrade;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/protocol.md §6.3: the polling → WebSocket upgrade, v4 and v3. */
@ExtendWith(NoUnexpectedEvents.class)
class UpgradeTest {
  private static final String BAD_REQUEST = "{\"code\":3,\"message\":\"Bad request\"}";

  private final EngineHarness h = EngineHarness.create().echo();

  private EngineIoSocket socket(PollingClient c) {
    return h.server().socket(c.sid()).orElseThrow();
  }

  @ParameterizedTest
  @CsvSource({"EIO=4, 6", "EIO=3, 1:6"})
  void canonicalUpgrade(String eio, String noop) {
    PollingClient c = h.openPolling(eio);
    FakeHttpExchange held = c.get();
    FakeWsUpgrade up = c.upgrade();
    assertThat(up.accepted()).isTrue();
    assertThat(up.maxPayload()).isEqualTo(1_000_000);
    FakeWsConnection ws = up.connection();
    assertThat(ws.frames()).isEmpty(); // no open packet on an upgrade

    ws.clientText("2probe");
    assertThat(ws.frameLog()).containsExactly("text:3probe");
    assertThat(c.events().log()).containsExactly("open", "upgrading:websocket");
    assertThat(socket(c).transport()).isEqualTo(TransportType.POLLING);

    h.clock().advanceMillis(99);
    assertThat(held.responded()).isFalse();
    h.clock().advanceMillis(1); // the 100 ms noop tick
    assertThat(held.bodyString()).isEqualTo(noop);

    ws.clientText("5");
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "upgrade:websocket");
    assertThat(socket(c).transport()).isEqualTo(TransportType.WEBSOCKET);
    ws.clientText("4hello");
    assertThat(ws.frameLog()).containsExactly("text:3probe", "text:4hello");
    assertThat(h.clock().pendingTimers()).isEqualTo(1); // only the heartbeat
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "upgrade:websocket", "message:hello");
  }

  @ParameterizedTest
  @CsvSource({
    "EIO=4, '', binary:01 02 03",
    "EIO=3, '', binary:04 01 02 03",
    "EIO=4, &b64=1, text:bAQID",
    "EIO=3, &b64=1, text:b4AQID"
  })
  void packetsQueuedDuringTheUpgradeAreFlushedOverTheWebSocketAfter5(
      String eio, String wsQuery, String binaryFrame) {
    PollingClient c = h.openPolling(eio);
    FakeWsConnection ws = c.upgrade(wsQuery).connection();
    ws.clientText("2probe");
    // the client posts over polling meanwhile; the echoes are queued, not written to the probing WS
    String body = eio.equals("EIO=4") ? "4buffered-text\u001ebAQID" : "14:4buffered-text6:b4AQID";
    assertThat(c.post(body).bodyString()).isEqualTo("ok");
    socket(c).send("from-app");
    h.clock().advanceMillis(300);
    assertThat(ws.frameLog()).containsExactly("text:3probe");

    ws.clientText("5");
    assertThat(ws.frameLog())
        .containsExactly("text:3probe", "text:4buffered-text", binaryFrame, "text:4from-app");
    assertThat(ws.flushes()).isEqualTo(2);
    // the messages posted during the probe arrive between upgrading and upgrade
    assertThat(c.events().log())
        .containsExactly(
            "open",
            "upgrading:websocket",
            "message:buffered-text",
            "message:binary:01 02 03",
            "upgrade:websocket");
  }

  @ParameterizedTest
  @CsvSource({"EIO=4, 1", "EIO=3, 1:1"})
  void aGetStillHeldWhen5ArrivesGetsClose(String eio, String close) {
    PollingClient c = h.openPolling(eio);
    FakeHttpExchange held = c.get();
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    ws.clientText("5"); // before the 100 ms tick
    assertThat(held.bodyString()).isEqualTo(close);
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "upgrade:websocket");
    c.events().assertOpen();
  }

  @Test
  void upgradeWithoutProbeIsAccepted() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("5");
    ws.clientText("4after-bare-upgrade");
    assertThat(ws.frameLog()).containsExactly("text:4after-bare-upgrade");
    assertThat(c.events().log())
        .containsExactly("open", "upgrade:websocket", "message:after-bare-upgrade");
  }

  @Test
  void anyOtherPacketDuringTheProbeAbortsTheUpgrade() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsUpgrade up = c.upgrade();
    FakeWsConnection ws = up.connection();
    ws.clientText("4too-early");
    assertThat(ws.closeCalls())
        .extracting(FakeWsConnection.CloseCall::status)
        .containsExactly((Integer) null);
    assertThat(socket(c).transport()).isEqualTo(TransportType.POLLING);
    assertThat(c.post("4polling-still-works").bodyString()).isEqualTo("ok");
    assertThat(c.get().bodyString()).isEqualTo("4polling-still-works");
    assertThat(c.events().log()).containsExactly("open", "message:polling-still-works");
    assertThat(h.clock().pendingTimers()).isEqualTo(1); // upgrade timer and noop tick are gone
    // the session may try again
    FakeWsConnection again = c.upgrade().connection();
    again.clientText("2probe");
    again.clientText("5");
    assertThat(socket(c).transport()).isEqualTo(TransportType.WEBSOCKET);
    assertThat(c.events().log())
        .containsExactly(
            "open", "message:polling-still-works", "upgrading:websocket", "upgrade:websocket");
  }

  @Test
  void anUndecodableFrameDuringTheProbeAbortsTheUpgrade() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    ws.clientText("x");
    assertThat(ws.closed()).isTrue();
    c.events().assertOpen();
    assertThat(socket(c).transport()).isEqualTo(TransportType.POLLING);
    assertThat(c.events().log()).containsExactly("open", "upgrading:websocket");
  }

  @Test
  void probeClosedByTheClientLeavesPollingAlone() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    ws.clientClose();
    assertThat(c.events().log()).containsExactly("open", "upgrading:websocket");
    assertThat(c.post("4x").bodyString()).isEqualTo("ok");
    assertThat(c.get().bodyString()).isEqualTo("4x");
    assertThat(h.clock().pendingTimers()).isEqualTo(1);
    assertThat(c.events().log()).containsExactly("open", "upgrading:websocket", "message:x");
  }

  @Test
  void upgradeTimeoutClosesTheWebSocketAndKeepsPolling() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    h.clock().advanceMillis(9_999);
    assertThat(ws.closed()).isFalse();
    h.clock().advanceMillis(1); // 10 000 ms after the WebSocket was accepted
    assertThat(ws.closeCalls())
        .extracting(FakeWsConnection.CloseCall::status)
        .containsExactly((Integer) null);
    assertThat(c.post("4polling-alive").bodyString()).isEqualTo("ok");
    assertThat(c.get().bodyString()).isEqualTo("4polling-alive");
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "message:polling-alive");
    ws.clientText("5"); // too late: ignored
    assertThat(socket(c).transport()).isEqualTo(TransportType.POLLING);
  }

  @Test
  void configuredUpgradeTimeout() {
    EngineHarness fast = EngineHarness.create(b -> b.upgradeTimeout(Duration.ofMillis(500)));
    PollingClient c = fast.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    fast.clock().advanceMillis(499);
    assertThat(ws.closed()).isFalse();
    fast.clock().advanceMillis(1);
    assertThat(ws.closed()).isTrue();
  }

  @Test
  void pollingRequestsAfterTheUpgradeGetCode3() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    ws.clientText("5");

    FakeHttpExchange get = c.get();
    assertThat(get.status()).isEqualTo(400);
    assertThat(get.bodyString()).isEqualTo(BAD_REQUEST);
    assertThat(get.responseHeader("Content-Type")).isEqualTo("application/json");
    FakeHttpExchange post = c.post("4x");
    assertThat(post.status()).isEqualTo(400);
    assertThat(post.bodyString()).isEqualTo(BAD_REQUEST);
    assertThat(h.connectionErrors())
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.code()).isEqualTo(3);
              assertThat(e.context())
                  .containsEntry("name", "TRANSPORT_MISMATCH")
                  .containsEntry("transport", "polling")
                  .containsEntry("previousTransport", "websocket");
            });
    c.events().assertOpen();
    ws.clientText("4still-ok");
    assertThat(ws.texts()).endsWith("4still-ok");
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "upgrade:websocket", "message:still-ok");
  }

  @Test
  void aSecondWebSocketAfterTheUpgradeIsAcceptedThenClosedAndTheFirstKeepsWorking() {
    // as the reference: 101, then closed at once (1005), so that a client sees a close, not a
    // failed handshake
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    ws.clientText("5");
    FakeWsUpgrade second = c.upgrade();
    assertThat(second.accepted()).isTrue();
    assertThat(second.connection().closeCalls())
        .extracting(FakeWsConnection.CloseCall::status)
        .containsExactly((Integer) null);
    assertThat(second.connection().frames()).isEmpty();
    second.connection().clientText("4ignored");
    assertThat(h.connectionErrors())
        .singleElement()
        .satisfies(e -> assertThat(e.context()).containsEntry("name", "TRANSPORT_MISMATCH"));
    ws.clientText("4still-ok");
    assertThat(ws.texts()).containsExactly("3probe", "4still-ok");
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "upgrade:websocket", "message:still-ok");
  }

  @Test
  void aSecondWebSocketDuringTheProbeIsAcceptedThenClosed() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection first = c.upgrade().connection();
    first.clientText("2probe");
    FakeWsUpgrade second = c.upgrade();
    assertThat(second.accepted()).isTrue();
    assertThat(second.connection().closed()).isTrue();
    first.clientText("5");
    assertThat(socket(c).transport()).isEqualTo(TransportType.WEBSOCKET);
    // the refused second WebSocket adds no event
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "upgrade:websocket");
  }

  @Test
  void aWebSocketForADirectWebSocketSessionIsAcceptedThenClosed() {
    EngineHarness.WsClient direct = h.openWebSocket("EIO=4");
    FakeWsUpgrade second = h.upgrade("EIO=4&transport=websocket&sid=" + direct.sid());
    assertThat(second.accepted()).isTrue();
    assertThat(second.connection().closed()).isTrue();
    assertThat(direct.conn().closed()).isFalse();
    h.events().socket(direct.sid()).assertOpen();
  }

  @Test
  void upgradeHandshakesThatCannotBeServedAreStillRefusedBeforeThe101() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsUpgrade unknown = h.upgrade("EIO=4&transport=websocket&sid=nope");
    assertThat(unknown.rejected()).isTrue();
    assertThat(unknown.rejectBody()).isEqualTo("Session ID unknown");
    FakeWsUpgrade pollingTransport = h.upgrade("EIO=4&transport=polling&sid=" + c.sid());
    assertThat(pollingTransport.rejected()).isTrue();
    assertThat(pollingTransport.rejectStatus()).isEqualTo(400);
    c.events().assertOpen();
  }

  // ------------------------------------------------------------------ a GET racing the upgrade

  @ParameterizedTest
  @CsvSource({"EIO=4", "EIO=3"})
  void aGetThatArrivesAfterTheProbeWaitsForTheUpgradeAndGets400WhenItCommits(String eio) {
    // the suite's "ignores HTTP requests with same sid after upgrade": the GET sent just after 5
    // may
    // reach the session before the 5 (another connection); it must get the 400 all the same
    PollingClient c = h.openPolling(eio);
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    FakeHttpExchange get = c.get();
    assertThat(get.responded()).isFalse();
    h.clock().advanceMillis(5);
    ws.clientText("5");
    assertThat(get.status()).isEqualTo(400);
    assertThat(get.bodyString()).isEqualTo(BAD_REQUEST);
    assertThat(h.connectionErrors())
        .singleElement()
        .satisfies(e -> assertThat(e.context()).containsEntry("name", "TRANSPORT_MISMATCH"));
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "upgrade:websocket");
    assertThat(h.clock().pendingTimers()).isEqualTo(1); // only the heartbeat
  }

  @Test
  void aGetThatArrivesAfterTheProbeGetsItsNoopOneFullTickAfterItsArrival() {
    // a real client whose first poll got the noop before it read 3probe polls again, and sends 5
    // only
    // once that poll is answered: the noop must still come, one tick after the GET arrived
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe"); // t=0: the shared tick is due at 100
    h.clock().advanceMillis(60);
    FakeHttpExchange get = c.get(); // t=60
    h.clock().advanceMillis(40); // t=100
    assertThat(get.responded()).as("not answered by the shared tick").isFalse();
    h.clock().advanceMillis(59); // t=159
    assertThat(get.responded()).isFalse();
    h.clock().advanceMillis(1); // t=160
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.bodyString()).isEqualTo("6");
    ws.clientText("5");
    assertThat(socket(c).transport()).isEqualTo(TransportType.WEBSOCKET);
    assertThat(h.clock().pendingTimers()).isEqualTo(1);
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "upgrade:websocket");
  }

  @Test
  void aParkedGetTakesWhatIsQueuedWhenItsTickEnds() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    FakeHttpExchange get = c.get();
    socket(c).send("during-probe");
    h.clock().runPending();
    assertThat(get.responded()).isFalse();
    h.clock().advanceMillis(100);
    assertThat(get.bodyString()).isEqualTo("4during-probe");
    assertThat(c.events().log()).containsExactly("open", "upgrading:websocket");
  }

  @Test
  void aParkedGetBecomesTheHeldGetWhenTheUpgradeFails() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    FakeHttpExchange get = c.get();
    ws.clientText("4not-an-upgrade-packet"); // aborts the upgrade
    assertThat(ws.closed()).isTrue();
    h.clock().advanceMillis(1_000);
    assertThat(get.responded()).as("an ordinary long poll again").isFalse();
    socket(c).send("after-abort");
    h.clock().runPending();
    assertThat(get.bodyString()).isEqualTo("4after-abort");
    assertThat(h.clock().pendingTimers()).isEqualTo(1);
    assertThat(c.events().log()).containsExactly("open", "upgrading:websocket");
  }

  @Test
  void aParkedGetGetsTheClosePacketWhenTheSessionEnds() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    FakeHttpExchange get = c.get();
    socket(c).close();
    h.clock().runPending();
    assertThat(get.bodyString()).isEqualTo("1");
    c.events().assertClosed(DisconnectReason.FORCED_CLOSE);
    assertThat(ws.closed()).isTrue();
    assertThat(h.clock().pendingTimers()).isZero();
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "close:forced close");
  }

  @Test
  void aParkedGetWhoseClientGoesAwayEndsTheSession() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    FakeHttpExchange get = c.get();
    get.clientGone();
    h.clock().runPending();
    c.events().assertClosed(DisconnectReason.TRANSPORT_ERROR);
    assertThat(ws.closed()).isTrue();
    assertThat(h.clock().pendingTimers()).isZero();
    assertThat(c.events().log())
        .containsExactly(
            "open",
            "upgrading:websocket",
            "close:transport error:poll connection closed prematurely");
  }

  @Test
  void aSecondGetWhileOneIsParkedIsAnOverlap() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    FakeHttpExchange parked = c.get();
    FakeHttpExchange second = c.get();
    assertThat(second.status()).isEqualTo(400);
    assertThat(second.body()).isEmpty();
    assertThat(parked.bodyString()).isEqualTo("1");
    c.events().assertClosed(DisconnectReason.TRANSPORT_ERROR);
    assertThat(h.clock().pendingTimers()).isZero();
    assertThat(c.events().log())
        .containsExactly(
            "open", "upgrading:websocket", "close:transport error:overlap from client");
  }

  @Test
  void upgradeWithAnotherProtocolIsRefused() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsUpgrade up = h.upgrade("EIO=3&transport=websocket&sid=" + c.sid());
    assertThat(up.rejected()).isTrue();
    assertThat(up.rejectBody()).isEqualTo("Bad request");
    assertThat(h.connectionErrors())
        .singleElement()
        .satisfies(e -> assertThat(e.context()).containsEntry("name", "PROTOCOL_MISMATCH"));
  }

  @Test
  void upgradeIsRefusedWhenUpgradesAreOff() {
    EngineHarness off = EngineHarness.create(b -> b.allowUpgrades(false));
    PollingClient c = off.openPolling("EIO=4");
    assertThat(c.upgrade().rejected()).isTrue();
  }

  @Test
  void v3HeartbeatIsReArmedAfterTheUpgrade() {
    // [ref-bug] fixed: the reference never re-arms the v3 timer, so such a session lives forever
    // (T/06b)
    EngineHarness fast =
        EngineHarness.create(
            b -> b.pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200)));
    PollingClient c = fast.openPolling("EIO=3");
    fast.clock().advanceMillis(400);
    c.post("1:2"); // t=400: timeout due at 900
    FakeWsConnection ws = c.upgrade().connection();
    fast.clock().advanceMillis(50);
    ws.clientText("2probe");
    ws.clientText("5"); // upgrade at t=450: re-armed, due at 950
    fast.clock().advanceTo(949);
    c.events().assertOpen();
    fast.clock().advanceTo(950);
    c.events().assertClosed(DisconnectReason.PING_TIMEOUT);
    assertThat(ws.closed()).isTrue();
    assertThat(fast.clock().pendingTimers()).isZero();
    assertThat(c.events().log())
        .containsExactly(
            "open", "heartbeat", "upgrading:websocket", "upgrade:websocket", "close:ping timeout");
  }

  @Test
  void v3PingOverTheUpgradedWebSocket() {
    EngineHarness fast =
        EngineHarness.create(
            b -> b.pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200)));
    PollingClient c = fast.openPolling("EIO=3&b64=1");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    ws.clientText("5");
    for (int i = 0; i < 4; i++) {
      fast.clock().advanceMillis(450);
      ws.clientText("2");
    }
    assertThat(ws.texts()).containsExactly("3probe", "3", "3", "3", "3");
    c.events().assertOpen();
    // one heartbeat event per v3 ping the test sent
    assertThat(c.events().log())
        .containsExactly(
            "open",
            "upgrading:websocket",
            "upgrade:websocket",
            "heartbeat",
            "heartbeat",
            "heartbeat",
            "heartbeat");
  }

  @Test
  void clientCloseOverTheWebSocketClosesTheSession() {
    // deliberate difference: the reference ignores a "1" over WS until the ping timeout
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    ws.clientText("5");
    ws.clientText("1");
    assertThat(c.events().log())
        .containsExactly(
            "open", "upgrading:websocket", "upgrade:websocket", "close:transport close");
    assertThat(ws.closeCalls())
        .extracting(FakeWsConnection.CloseCall::status)
        .containsExactly((Integer) null);
    assertThat(h.clock().pendingTimers()).isZero();
  }

  @Test
  void closingWhenTheUpgradeCommitsEndsWithForcedClose() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    h.clock().advanceMillis(100);
    socket(c).close(); // no GET held: the close waits for the next GET
    h.clock().runPending();
    ws.clientText("5");
    assertThat(ws.closed()).isTrue();
    assertThat(c.get().bodyString()).isEqualTo("6\u001e1");
    c.events().assertClosed(DisconnectReason.FORCED_CLOSE);
    assertThat(h.clock().pendingTimers()).isZero();
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "close:forced close");
  }

  @Test
  void theSessionClosingMidProbeClosesTheProbe() {
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange held = c.get();
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    c.post("1");
    assertThat(held.bodyString()).isEqualTo("6");
    assertThat(ws.closed()).isTrue();
    c.events().assertClosed(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(h.clock().pendingTimers()).isZero();
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "close:transport close");
  }

  @Test
  void upgradedWebSocketClosedByThePeerIsTransportClose() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("5");
    ws.clientClose();
    c.events().assertClosed(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(h.clock().pendingTimers()).isZero();
    assertThat(c.events().log())
        .containsExactly("open", "upgrade:websocket", "close:transport close");
  }
}
