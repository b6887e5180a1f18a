package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.EngineHarness.WsClient;
import dev.eio4j.testing.FakeHttpExchange;
import dev.eio4j.testing.FakeWsConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** docs/protocol.md §5: heartbeats under virtual time (pingInterval 300 ms, pingTimeout 200 ms). */
@ExtendWith(NoUnexpectedEvents.class)
class HeartbeatTest {
  private final EngineHarness h =
      EngineHarness.create(
          b -> b.pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200)));

  // ------------------------------------------------------------------ v4: the server pings

  @Test
  void v4PingGoesOutAtPingInterval() {
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange get = c.get();
    h.clock().advanceMillis(299);
    assertThat(get.responded()).isFalse();
    h.clock().advanceMillis(1);
    assertThat(get.bodyString()).isEqualTo("2");
  }

  @Test
  void v4PongRestartsTheIntervalFromThePong() {
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange ping1 = c.get();
    h.clock().advanceMillis(300);
    assertThat(ping1.bodyString()).isEqualTo("2");
    h.clock().advanceMillis(16); // t = 316
    assertThat(c.post("3").bodyString()).isEqualTo("ok");
    assertThat(c.events().log()).containsExactly("open", "heartbeat");
    FakeHttpExchange ping2 = c.get();
    h.clock().advanceTo(615);
    assertThat(ping2.responded()).isFalse();
    h.clock().advanceTo(616); // 300 ms after the pong, not after the ping
    assertThat(ping2.bodyString()).isEqualTo("2");
    // three rounds, as in the compliance suite
    for (int i = 0; i < 3; i++) {
      assertThat(c.post("3").bodyString()).isEqualTo("ok");
      FakeHttpExchange next = c.get();
      h.clock().advanceMillis(300);
      assertThat(next.bodyString()).isEqualTo("2");
    }
    c.events().assertOpen();
    assertThat(c.events().heartbeats()).isEqualTo(4);
  }

  @Test
  void v4MissingPongTimesOutAndTheHeldGetGetsClose() {
    PollingClient c = h.openPolling("EIO=4");
    h.clock().advanceMillis(300); // ping queued (no GET held)
    assertThat(c.get().bodyString()).isEqualTo("2");
    FakeHttpExchange held = c.get();
    h.clock().advanceMillis(199);
    assertThat(held.responded()).isFalse();
    c.events().assertOpen();
    h.clock().advanceMillis(1); // t = 500
    assertThat(held.bodyString()).isEqualTo("1");
    assertThat(c.events().log()).containsExactly("open", "close:ping timeout");
    assertThat(h.clock().pendingTimers()).isZero();
    assertThat(c.get().bodyString()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
  }

  @Test
  void v4GraceRuleExtendsThePongWaitOncePerPing() {
    PollingClient c = h.openPolling("EIO=4");
    h.clock().advanceMillis(300); // ping at 300, timeout due at 500
    assertThat(c.get().bodyString()).isEqualTo("2");
    h.clock().advanceTo(350);
    c.post("4first"); // extends once: timeout now due at 550
    h.clock().advanceTo(450);
    c.post("4second"); // does not extend again
    h.clock().advanceTo(549);
    c.events().assertOpen();
    h.clock().advanceTo(550);
    assertThat(c.events().log())
        .containsExactly("open", "message:first", "message:second", "close:ping timeout");
  }

  @Test
  void v4GraceIsGrantedAgainForTheNextPing() {
    PollingClient c = h.openPolling("EIO=4");
    h.clock().advanceTo(350); // ping 1 at 300 (stays queued: no GET held)
    c.post("4a"); // grace for ping 1
    c.post("3"); // pong at 350: next ping at 650
    h.clock().advanceTo(650);
    assertThat(c.get().bodyString()).isEqualTo("2\u001e2");
    h.clock().advanceTo(700);
    c.post("4b"); // grace for ping 2: timeout due at 900 instead of 850
    h.clock().advanceTo(899);
    c.events().assertOpen();
    h.clock().advanceTo(900);
    assertThat(c.events().log())
        .containsExactly("open", "message:a", "heartbeat", "message:b", "close:ping timeout");
  }

  @Test
  void v4ClientPingIsATransportError() {
    PollingClient c = h.openPolling("EIO=4");
    c.post("2");
    assertThat(c.events().log())
        .containsExactly("open", "close:transport error:invalid heartbeat direction");
    WsClient ws = h.openWebSocket("EIO=4");
    ws.conn().clientText("2");
    assertThat(h.events().socket(ws.sid()).log())
        .containsExactly("open", "close:transport error:invalid heartbeat direction");
    assertThat(ws.conn().closed()).isTrue();
  }

  @Test
  void v4WebSocketHeartbeat() {
    WsClient c = h.openWebSocket("EIO=4");
    FakeWsConnection conn = c.conn();
    conn.takeFrames();
    for (int i = 0; i < 3; i++) {
      h.clock().advanceMillis(300);
      assertThat(conn.takeFrameLog()).containsExactly("text:2");
      conn.clientText("3");
    }
    assertThat(h.events().socket(c.sid()).heartbeats()).isEqualTo(3);
    // no pong: the WebSocket is closed without a status, reason ping timeout
    h.clock().advanceMillis(300);
    assertThat(conn.takeFrameLog()).containsExactly("text:2");
    h.clock().advanceMillis(200);
    assertThat(conn.closeCalls())
        .extracting(FakeWsConnection.CloseCall::status)
        .containsExactly((Integer) null);
    h.events().socket(c.sid()).assertClosed(DisconnectReason.PING_TIMEOUT);
    assertThat(h.clock().pendingTimers()).isZero();
  }

  // ------------------------------------------------------------------ v3: the client pings

  @Test
  void v3TimesOutAfterPingIntervalPlusPingTimeout() {
    PollingClient c = h.openPolling("EIO=3");
    FakeHttpExchange held = c.get();
    h.clock().advanceMillis(499);
    assertThat(held.responded()).isFalse();
    c.events().assertOpen();
    h.clock().advanceMillis(1);
    assertThat(held.bodyString()).isEqualTo("1:1");
    assertThat(c.events().log()).containsExactly("open", "close:ping timeout");
    assertThat(h.clock().pendingTimers()).isZero();
  }

  @Test
  void v3PingGetsABarePongAndRestartsTheTimer() {
    PollingClient c = h.openPolling("EIO=3");
    for (int i = 0; i < 3; i++) {
      h.clock().advanceMillis(400);
      assertThat(c.post("1:2").bodyString()).isEqualTo("ok");
      assertThat(c.get().bodyString()).isEqualTo("1:3");
    }
    assertThat(c.events().log()).containsExactly("open", "heartbeat", "heartbeat", "heartbeat");
    h.clock().advanceMillis(499); // last ping at 1200: timeout at 1700
    c.events().assertOpen();
    h.clock().advanceMillis(1);
    c.events().assertClosed(DisconnectReason.PING_TIMEOUT);
  }

  @Test
  void v3PingDataIsNotEchoed() {
    PollingClient c = h.openPolling("EIO=3");
    c.post("6:2probe5:2data");
    assertThat(c.get().bodyString()).isEqualTo("1:31:3");
    assertThat(c.events().heartbeats()).isEqualTo(2);
  }

  @Test
  void v3OtherPacketsDoNotRestartTheTimer() {
    PollingClient c = h.openPolling("EIO=3");
    h.clock().advanceMillis(400);
    c.post("6:4hello");
    h.clock().advanceMillis(100);
    assertThat(c.events().log()).containsExactly("open", "message:hello", "close:ping timeout");
  }

  @Test
  void v3ClientPongIsATransportError() {
    PollingClient c = h.openPolling("EIO=3");
    c.post("1:3");
    assertThat(c.events().log())
        .containsExactly("open", "close:transport error:invalid heartbeat direction");
  }

  @Test
  void v3WebSocketHeartbeat() {
    WsClient c = h.openWebSocket("EIO=3");
    FakeWsConnection conn = c.conn();
    conn.takeFrames();
    for (int i = 0; i < 3; i++) {
      h.clock().advanceMillis(450);
      conn.clientText("2");
      assertThat(conn.takeFrameLog()).containsExactly("text:3");
    }
    h.clock().advanceMillis(500);
    assertThat(conn.closed()).isTrue();
    h.events().socket(c.sid()).assertClosed(DisconnectReason.PING_TIMEOUT);
    assertThat(h.events().socket(c.sid()).heartbeats()).isEqualTo(3);
    assertThat(h.clock().pendingTimers()).isZero();
  }

  @Test
  void v4GraceRuleOverWebSocket() {
    // T/06 C: ping at +300, message at +451 extends to +651, a second message at +603 does not
    h.echo();
    WsClient c = h.openWebSocket("EIO=4");
    FakeWsConnection conn = c.conn();
    conn.takeFrames();
    h.clock().advanceTo(300);
    assertThat(conn.takeFrameLog()).containsExactly("text:2");
    h.clock().advanceTo(451);
    conn.clientText("4still-here");
    h.clock().advanceTo(603);
    conn.clientText("4still-here-2");
    assertThat(conn.takeFrameLog()).containsExactly("text:4still-here", "text:4still-here-2");
    h.clock().advanceTo(650);
    assertThat(conn.closed()).isFalse();
    h.clock().advanceTo(651);
    assertThat(conn.closed()).isTrue();
    h.events().socket(c.sid()).assertClosed(DisconnectReason.PING_TIMEOUT);
    assertThat(h.events().socket(c.sid()).texts()).containsExactly("still-here", "still-here-2");
  }

  @Test
  void v4PingsContinueOverTheUpgradedWebSocket() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    ws.clientText("5");
    h.clock().advanceTo(300);
    assertThat(ws.frameLog()).containsExactly("text:3probe", "text:2");
    h.clock().advanceTo(499);
    c.events().assertOpen();
    h.clock().advanceTo(500);
    c.events().assertClosed(DisconnectReason.PING_TIMEOUT);
    assertThat(ws.closed()).isTrue();
    assertThat(c.events().takeLog())
        .containsExactly("open", "upgrading:websocket", "upgrade:websocket", "close:ping timeout");
  }

  @Test
  void v4PingQueuedDuringTheProbeGoesOutAfterTheUpgrade() {
    PollingClient c = h.openPolling("EIO=4");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    h.clock().advanceTo(300); // ping queued: no GET held, the probing WS must not carry it
    assertThat(ws.frameLog()).containsExactly("text:3probe");
    ws.clientText("5");
    assertThat(ws.frameLog()).containsExactly("text:3probe", "text:2");
    ws.clientText("3");
    c.events().assertOpen();
    assertThat(c.events().heartbeats()).isEqualTo(1);
    assertThat(c.events().takeLog())
        .containsExactly("open", "upgrading:websocket", "upgrade:websocket", "heartbeat");
  }
}
