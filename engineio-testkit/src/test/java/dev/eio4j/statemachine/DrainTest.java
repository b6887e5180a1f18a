package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.SendResult;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.EngineHarness.WsClient;
import dev.eio4j.testing.FakeHttpExchange;
import dev.eio4j.testing.FakeWsUpgrade;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Drain mode under virtual time: the readiness flag drops, new handshakes get 503 {@code "Server is
 * draining"}, open sessions keep working until each is closed at a random moment within the window
 * (spread, not all at once), queued messages still go out, and the future completes with the last close.
 */
@ExtendWith(NoUnexpectedEvents.class)
class DrainTest {
  private static final int SESSIONS = 40;
  private static final long WINDOW = 10_000;

  private final EngineHarness h =
      EngineHarness.create(
              b -> b.pingInterval(Duration.ofSeconds(60)).pingTimeout(Duration.ofSeconds(60)))
          .echo();

  @Test
  void sessionsCloseSpreadOverTheWindowAndHandshakesAreRefused() {
    List<WsClient> ws = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      ws.add(h.openWebSocket(i % 2 == 0 ? "EIO=4" : "EIO=3"));
    }
    Map<String, Long> closedAt = new TreeMap<>();
    for (WsClient c : ws) {
      h.server().socket(c.sid()).orElseThrow().onClose(r -> closedAt.put(c.sid(), h.clock().now()));
    }
    assertThat(h.server().isReady()).isTrue();
    long start = h.clock().now();

    CompletableFuture<Void> drained = h.server().drain(Duration.ofMillis(WINDOW));
    assertThat(h.server().isReady()).isFalse();
    assertThat(h.server().isDraining()).isTrue();
    assertThat(h.server().drain(Duration.ofMillis(1))).as("idempotent").isSameAs(drained);

    FakeHttpExchange refused = h.get("EIO=4&transport=polling");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.bodyString()).isEqualTo("{\"code\":3,\"message\":\"Server is draining\"}");
    FakeWsUpgrade refusedWs = h.upgrade("EIO=4&transport=websocket");
    assertThat(refusedWs.rejectStatus()).isEqualTo(503);
    assertThat(refusedWs.rejectBody()).isEqualTo("Server is draining");

    // the sessions still work during the window
    h.clock().advanceMillis(1);
    int open = h.server().socketCount();
    WsClient probe = ws.stream().filter(c -> !c.conn().closed()).findFirst().orElseThrow();
    probe.conn().clientText("4still served");
    assertThat(probe.conn().texts()).contains("4still served");
    assertThat(h.events().socket(probe.sid()).texts()).containsExactly("still served");

    h.clock().advanceMillis(WINDOW);
    assertThat(drained).isCompleted();
    assertThat(h.server().socketCount()).isZero();
    assertThat(closedAt).hasSize(SESSIONS);
    for (WsClient c : ws) {
      h.events().socket(c.sid()).assertClosed(DisconnectReason.FORCED_CLOSE);
    }
    long first = closedAt.values().stream().mapToLong(Long::longValue).min().orElseThrow() - start;
    long last = closedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow() - start;
    long distinct = closedAt.values().stream().distinct().count();
    assertThat(last).isLessThan(WINDOW);
    assertThat(distinct).as("closes are spread, not at one instant").isGreaterThan(SESSIONS / 2);
    assertThat(last - first).as("spread over the window").isGreaterThan(WINDOW / 2);
    assertThat(h.clock().pendingTimers()).isZero();
    System.out.println(
        "FIGURES: DrainTest sessions="
            + SESSIONS
            + " windowMs="
            + WINDOW
            + " openAfter1ms="
            + open
            + " firstCloseMs="
            + first
            + " lastCloseMs="
            + last
            + " distinctCloseTimes="
            + distinct);
  }

  @Test
  void queuedMessagesGoOutBeforeTheDrainClose() {
    PollingClient p = h.openPolling("EIO=4");
    h.server().socket(p.sid()).orElseThrow().send("bye");
    CompletableFuture<Void> drained = h.server().drain(Duration.ZERO);
    h.clock().runPending();
    assertThat(drained).isNotCompleted(); // a polling close waits for the next GET
    assertThat(h.server().socket(p.sid()).orElseThrow().send("late")).isEqualTo(SendResult.CLOSED);
    assertThat(p.get().bodyString()).isEqualTo("4bye");
    assertThat(drained).isNotCompleted();
    assertThat(p.get().bodyString()).isEqualTo("6\u001e1");
    assertThat(drained).isCompleted();
    h.events().socket(p.sid()).assertClosed(DisconnectReason.FORCED_CLOSE);
  }

  @Test
  void aSessionThatClosesOnItsOwnLeavesNoDrainTimer() {
    WsClient c = h.openWebSocket("EIO=4");
    h.openWebSocket("EIO=4");
    CompletableFuture<Void> drained = h.server().drain(Duration.ofMillis(WINDOW));
    c.conn().clientClose();
    assertThat(h.clock().pendingTimers())
        .as("the other session's drain timer, and its heartbeat")
        .isEqualTo(2);
    h.clock().advanceMillis(WINDOW);
    assertThat(drained).isCompleted();
    assertThat(h.clock().pendingTimers()).isZero();
    h.events().socket(c.sid()).assertClosed(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(h.events().sockets()).allSatisfy(l -> assertThat(l.closed()).isTrue());
  }

  @Test
  void drainWithNoSessionCompletesAtOnce() {
    assertThat(h.server().drain(Duration.ofSeconds(30))).isCompleted();
    assertThat(h.server().isReady()).isFalse();
  }
}
