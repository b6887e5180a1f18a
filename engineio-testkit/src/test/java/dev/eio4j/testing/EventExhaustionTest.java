package dev.eio4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.DisconnectReason;
import dev.eio4j.testing.EngineHarness.PollingClient;
import org.junit.jupiter.api.Test;

/** What counts as taken, and that the leftover check fails on an event no accessor showed. */
class EventExhaustionTest {
  @Test
  void anUntakenMessageFailsTheCheckUntilAnAccessorShowsIt() {
    EngineHarness h = EngineHarness.create();
    PollingClient c = h.openPolling("EIO=4");
    h.verifyNoMoreEvents(); // the open event is taken from the start
    c.post("4surprise");
    assertThatThrownBy(h::verifyNoMoreEvents)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("#1 message:surprise");
    assertThat(c.events().texts()).containsExactly("surprise");
    h.verifyNoMoreEvents();
  }

  @Test
  void eachAccessorTakesOnlyTheKindItShows() {
    EngineHarness h = EngineHarness.create();
    PollingClient c = h.openPolling("EIO=4");
    c.post("4m\u001e3"); // a message and a pong
    c.events().texts();
    assertThatThrownBy(h::verifyNoMoreEvents).hasMessageContaining("#2 heartbeat");
    h.verifyNoMoreEventsExceptHeartbeats();
    c.post("1");
    c.events().assertClosed(DisconnectReason.TRANSPORT_CLOSE);
    assertThatThrownBy(h::verifyNoMoreEvents)
        .hasMessageContaining("#2 heartbeat")
        .hasMessageNotContaining("close");
    assertThat(c.events().heartbeats()).isEqualTo(1);
    h.verifyNoMoreEvents();
  }

  @Test
  void takeLogReturnsEachEventOnceAndLogShowsAll() {
    EngineHarness h = EngineHarness.create();
    PollingClient c = h.openPolling("EIO=4");
    c.post("4a");
    assertThat(c.events().takeLog()).containsExactly("open", "message:a");
    c.post("4b");
    assertThatThrownBy(h::verifyNoMoreEvents).hasMessageContaining("#2 message:b");
    assertThat(c.events().log()).containsExactly("open", "message:a", "message:b");
    h.verifyNoMoreEvents();
    assertThat(c.events().takeLog()).containsExactly("message:b");
  }
}
