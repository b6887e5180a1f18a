package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.fuzz.LogCounter;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.FakeHttpExchange;
import dev.eio4j.testing.FakeWsConnection;
import dev.eio4j.testing.FakeWsUpgrade;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Handshakes that cannot complete on the server's side: two handshakes given the same id, and an
 * exception while the session opens. The client gets a clear answer and nothing stays registered.
 */
@ExtendWith(NoUnexpectedEvents.class)
class OpenFailureTest {

  // ------------------------------------------------------------------ duplicate ids

  @Test
  void twoWebSocketHandshakesGivenTheSameIdKeepTheFirstAndCloseTheSecond() {
    EngineHarness h = EngineHarness.create(b -> b.idGenerator(req -> "dup"));
    // both pass the early check: neither is registered until its WebSocket opens
    FakeWsUpgrade first = h.send(h.ws("EIO=4&transport=websocket").deferOpen().build());
    FakeWsUpgrade second = h.send(h.ws("EIO=4&transport=websocket").deferOpen().build());
    assertThat(first.accepted()).isTrue();
    assertThat(second.accepted()).isTrue();
    FakeWsConnection a = first.open();
    h.clock().runPending();
    FakeWsConnection b = second.open();
    h.clock().runPending();

    assertThat(b.closeCalls()).extracting(FakeWsConnection.CloseCall::status).containsExactly(1011);
    assertThat(b.frames()).isEmpty();
    assertThat(h.connectionErrors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.code()).isEqualTo(3);
              assertThat(e.context()).containsEntry("name", "ID_GENERATION_ERROR");
            });
    assertThat(h.server().socketCount()).isEqualTo(1);
    a.clientText("4first");
    assertThat(h.events().socket("dup").texts()).containsExactly("first");
    assertThat(a.closed()).isFalse();
  }

  @Test
  void aPollingHandshakeThatTakesTheIdOfAnOpeningWebSocketKeepsIt() {
    EngineHarness h = EngineHarness.create(b -> b.idGenerator(req -> "dup"));
    FakeWsUpgrade ws = h.send(h.ws("EIO=4&transport=websocket").deferOpen().build());
    PollingClient c = h.openPolling("EIO=4");
    assertThat(c.sid()).isEqualTo("dup");
    FakeWsConnection conn = ws.open();
    h.clock().runPending();
    assertThat(conn.closeCalls())
        .extracting(FakeWsConnection.CloseCall::status)
        .containsExactly(1011);
    assertThat(c.post("4still-polling").status()).isEqualTo(200);
    assertThat(c.events().texts()).containsExactly("still-polling");
    assertThat(h.server().socketCount()).isEqualTo(1);
  }

  @Test
  void aSequentialDuplicateIsRefusedBeforeAnySessionIsMade() {
    EngineHarness h = EngineHarness.create(b -> b.idGenerator(req -> "dup"));
    h.openPolling("EIO=4");
    FakeHttpExchange again = h.get("EIO=4&transport=polling");
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.bodyString()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
    FakeWsUpgrade ws = h.upgrade("EIO=4&transport=websocket");
    assertThat(ws.rejected()).isTrue();
    assertThat(h.server().socketCount()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ an exception while opening

  private static long openFailures() {
    return LogCounter.errors().stream().filter(l -> l.contains("failed to open")).count();
  }

  @Test
  void aPollingHandshakeWhoseOpeningThrowsGets500AndLeavesNothingBehind() {
    AtomicBoolean refuse = new AtomicBoolean(true);
    EngineHarness h =
        EngineHarness.create(
            b ->
                b.listenerExecutor(
                    r -> {
                      if (refuse.get()) {
                        throw new RejectedExecutionException("listener executor shut down");
                      }
                      r.run();
                    }));
    long before = openFailures();
    FakeHttpExchange hs = h.get("EIO=4&transport=polling");
    assertThat(hs.status()).isEqualTo(500);
    assertThat(hs.body()).as("no details, no stack trace").isEmpty();
    assertThat(hs.respondCalls()).isEqualTo(1);
    assertThat(h.server().socketCount()).isZero();
    assertThat(h.clock().pendingTimers()).isZero();
    assertThat(h.clock().failures()).isEmpty();
    assertThat(openFailures() - before).as("logged once").isEqualTo(1);

    refuse.set(false);
    PollingClient ok = h.openPolling("EIO=4");
    assertThat(h.server().socketCount()).isEqualTo(1);
    ok.events().assertOpen();
  }

  @Test
  void aWebSocketHandshakeWhoseOpeningThrowsIsClosedWith1011AndLeavesNothingBehind() {
    EngineHarness h =
        EngineHarness.create(
            b ->
                b.listenerExecutor(
                    r -> {
                      throw new RejectedExecutionException("listener executor shut down");
                    }));
    FakeWsUpgrade up = h.upgrade("EIO=4&transport=websocket");
    assertThat(up.accepted()).isTrue();
    assertThat(up.connection().closeCalls())
        .extracting(FakeWsConnection.CloseCall::status)
        .containsExactly(1011);
    assertThat(h.server().socketCount()).isZero();
    assertThat(h.clock().pendingTimers()).isZero();
    assertThat(h.clock().failures()).isEmpty();
  }
}
