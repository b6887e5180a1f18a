package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.ReadyState;
import dev.eio4j.SendResult;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.EngineHarness.WsClient;
import dev.eio4j.testing.FakeHttpExchange;
import dev.eio4j.testing.FakeWsConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/protocol.md §8.6: {@code socket.close()} and {@code server.close()}. */
@ExtendWith(NoUnexpectedEvents.class)
class CloseTest {
  private final EngineHarness h = EngineHarness.create();

  private EngineIoSocket socket(String sid) {
    return h.server().socket(sid).orElseThrow();
  }

  @ParameterizedTest
  @CsvSource({"EIO=4, 1", "EIO=3, 1:1"})
  void closeWithAHeldGetAnswersItWithClose(String eio, String close) {
    PollingClient c = h.openPolling(eio);
    FakeHttpExchange held = c.get();
    socket(c.sid()).close();
    h.clock().runPending();
    assertThat(held.bodyString()).isEqualTo(close);
    assertThat(c.events().log()).containsExactly("open", "close:forced close");
    assertThat(h.clock().pendingTimers()).isZero();
    assertThat(h.server().socketCount()).isZero();
  }

  @ParameterizedTest
  @CsvSource({"EIO=4, 6\u001e1", "EIO=3, 1:61:1"})
  void closeWithoutAGetIsDeferredToTheNextGet(String eio, String noopClose) {
    PollingClient c = h.openPolling(eio);
    EngineIoSocket s = socket(c.sid());
    s.close();
    h.clock().runPending();
    assertThat(s.readyState()).isEqualTo(ReadyState.CLOSING);
    c.events().assertOpen();
    h.clock().advanceMillis(100);
    FakeHttpExchange next = c.get();
    assertThat(next.bodyString()).isEqualTo(noopClose);
    assertThat(c.events().log()).containsExactly("open", "close:forced close");
    assertThat(s.readyState()).isEqualTo(ReadyState.CLOSED);
    assertThat(c.get().bodyString()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    assertThat(h.clock().pendingTimers()).isZero();
  }

  @Test
  void bufferedPacketsAreFlushedBeforeTheClose() {
    PollingClient c = h.openPolling("EIO=4");
    EngineIoSocket s = socket(c.sid());
    assertThat(s.send("queued-1")).isEqualTo(SendResult.QUEUED);
    s.close();
    h.clock().runPending();
    assertThat(c.get().bodyString()).isEqualTo("4queued-1");
    c.events().assertOpen();
    assertThat(c.get().bodyString()).isEqualTo("6\u001e1");
    c.events().assertClosed(DisconnectReason.FORCED_CLOSE);
    assertThat(h.clock().pendingTimers()).isZero();
  }

  @Test
  void closeFromAMessageListenerAfterAnEcho() {
    // T/10 F: POST "4queued-1\x1e4server-close" with an echo server that closes on "server-close"
    h.events()
        .onOpen(
            s ->
                s.onMessage(
                    m -> {
                      if (m.text().equals("server-close")) {
                        s.close();
                      } else {
                        s.send(m);
                      }
                    }));
    PollingClient c = h.openPolling("EIO=4");
    assertThat(c.post("4queued-1\u001e4server-close").bodyString()).isEqualTo("ok");
    assertThat(c.get().bodyString()).isEqualTo("4queued-1");
    assertThat(c.get().bodyString()).isEqualTo("6\u001e1");
    assertThat(c.events().log())
        .containsExactly("open", "message:queued-1", "message:server-close", "close:forced close");
  }

  @Test
  void closeTimeoutFinishesADeferredClose() {
    EngineHarness fast = EngineHarness.create(b -> b.closeTimeout(Duration.ofSeconds(2)));
    PollingClient c = fast.openPolling("EIO=4");
    fast.server().socket(c.sid()).orElseThrow().close();
    fast.clock().advanceMillis(1_999);
    c.events().assertOpen();
    fast.clock().advanceMillis(1);
    assertThat(c.events().log()).containsExactly("open", "close:forced close");
    assertThat(fast.clock().pendingTimers()).isZero();
    assertThat(c.get().status()).isEqualTo(400);
  }

  @Test
  void defaultCloseTimeoutIs30Seconds() {
    EngineHarness slowPings =
        EngineHarness.create(
            b -> b.pingInterval(Duration.ofMinutes(5)).pingTimeout(Duration.ofMinutes(5)));
    PollingClient c = slowPings.openPolling("EIO=4");
    slowPings.server().socket(c.sid()).orElseThrow().close();
    slowPings.clock().advanceMillis(29_999);
    c.events().assertOpen();
    slowPings.clock().advanceMillis(1);
    c.events().assertClosed(DisconnectReason.FORCED_CLOSE);
  }

  @Test
  void sendsAfterCloseReturnClosedAndAreDropped() {
    PollingClient c = h.openPolling("EIO=4");
    EngineIoSocket s = socket(c.sid());
    s.close();
    // even before the lane has run the close
    assertThat(s.send("late")).isEqualTo(SendResult.CLOSED);
    assertThat(s.send(new byte[] {1})).isEqualTo(SendResult.CLOSED);
    h.clock().runPending();
    assertThat(s.send("later")).isEqualTo(SendResult.CLOSED);
    assertThat(c.get().bodyString()).isEqualTo("6\u001e1");
    assertThat(s.send("closed")).isEqualTo(SendResult.CLOSED);
    assertThat(s.bufferedAmount()).isZero();
    c.events().assertClosed(DisconnectReason.FORCED_CLOSE);
  }

  @Test
  void closeIsIdempotent() {
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange held = c.get();
    EngineIoSocket s = socket(c.sid());
    s.close();
    s.close();
    h.clock().runPending();
    s.close();
    h.clock().runPending();
    assertThat(held.bodyString()).isEqualTo("1");
    assertThat(c.events().closeCount()).isEqualTo(1);
  }

  @Test
  void serverCloseOnAWebSocketClosesWithoutStatus() {
    WsClient c = h.openWebSocket("EIO=4");
    FakeWsConnection ws = c.conn();
    socket(c.sid()).send("bye");
    socket(c.sid()).close();
    h.clock().runPending();
    assertThat(ws.frameLog()).last().isEqualTo("text:4bye");
    assertThat(ws.closeCalls())
        .extracting(FakeWsConnection.CloseCall::status)
        .containsExactly((Integer) null);
    assertThat(ws.texts()).doesNotContain("1"); // no close packet over WS
    assertThat(ws.framesAfterClose()).isZero();
    h.events().socket(c.sid()).assertClosed(DisconnectReason.FORCED_CLOSE);
    assertThat(h.clock().pendingTimers()).isZero();
    // the TCP connection goes away afterwards: nothing more happens
    ws.clientClose();
    assertThat(h.events().socket(c.sid()).closeCount()).isEqualTo(1);
  }

  @Test
  void serverCloseClosesEverySessionAndRefusesNewOnes() {
    PollingClient a = h.openPolling("EIO=4");
    FakeHttpExchange heldA = a.get();
    WsClient b = h.openWebSocket("EIO=3");
    PollingClient c = h.openPolling("EIO=3");
    h.server().close();
    h.clock().runPending();
    assertThat(heldA.bodyString()).isEqualTo("1");
    assertThat(b.conn().closed()).isTrue();
    assertThat(c.get().bodyString()).isEqualTo("1:61:1");
    for (var log : h.events().sockets()) {
      log.assertClosed(DisconnectReason.FORCED_CLOSE);
    }
    assertThat(h.server().socketCount()).isZero();
    assertThat(h.clock().pendingTimers()).isZero();
    FakeHttpExchange refused = h.get("EIO=4&transport=polling");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(h.upgrade("EIO=4&transport=websocket").rejected()).isTrue();
  }

  // ------------------------------------------------------------------ a close that waits for the
  // drain

  private static EngineHarness fastHeartbeat() {
    return EngineHarness.create(
        b ->
            b.pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200))
                .closeTimeout(Duration.ofMillis(1_000)));
  }

  @Test
  void aCloseWaitingForAWebSocketToDrainEndsAtCloseTimeoutWithForcedClose() {
    EngineHarness x = fastHeartbeat();
    WsClient c = x.openWebSocket("EIO=4");
    FakeWsConnection ws = c.conn();
    ws.takeFrames();
    ws.setWritable(false); // the peer stops reading
    EngineIoSocket s = x.server().socket(c.sid()).orElseThrow();
    s.send("never-written");
    s.close();
    x.clock().runPending();
    assertThat(s.readyState()).isEqualTo(ReadyState.CLOSING);
    x.clock().advanceMillis(999); // past pingInterval + pingTimeout: no heartbeat while closing
    assertThat(s.readyState()).isEqualTo(ReadyState.CLOSING);
    assertThat(ws.unflushed()).isEmpty();
    x.clock().advanceMillis(1);
    x.events().socket(c.sid()).assertClosed(DisconnectReason.FORCED_CLOSE);
    assertThat(ws.closed()).isTrue();
    assertThat(ws.texts()).as("no ping was ever written").doesNotContain("2");
    assertThat(x.clock().pendingTimers()).isZero();
    assertThat(s.bufferedAmount()).isZero();
  }

  @Test
  void aCloseWaitingForAPollingDrainEndsAtCloseTimeoutWithForcedClose() {
    EngineHarness x = fastHeartbeat();
    PollingClient c = x.openPolling("EIO=4");
    EngineIoSocket s = x.server().socket(c.sid()).orElseThrow();
    s.send("never-polled");
    s.close();
    x.clock().runPending();
    x.clock().advanceMillis(999);
    assertThat(s.readyState()).isEqualTo(ReadyState.CLOSING);
    x.clock().advanceMillis(1);
    c.events().assertClosed(DisconnectReason.FORCED_CLOSE);
    assertThat(x.clock().pendingTimers()).isZero();
    assertThat(c.get().status()).isEqualTo(400);
  }

  @Test
  void aCloseThatDrainsInTimeStillEndsAsBefore() {
    EngineHarness x = fastHeartbeat();
    PollingClient c = x.openPolling("EIO=4");
    EngineIoSocket s = x.server().socket(c.sid()).orElseThrow();
    s.send("queued");
    s.close();
    x.clock().advanceMillis(400);
    assertThat(c.get().bodyString())
        .isEqualTo("4queued"); // the drain; the close now waits for the next GET
    assertThat(c.get().bodyString()).isEqualTo("6\u001e1");
    c.events().assertClosed(DisconnectReason.FORCED_CLOSE);
    assertThat(x.clock().pendingTimers()).isZero();
  }
}
