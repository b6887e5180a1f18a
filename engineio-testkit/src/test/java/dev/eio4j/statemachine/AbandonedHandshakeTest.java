package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.EngineHarness.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A handshake never followed up needs no option of its own: the heartbeat reaps it. With the default
 * options a v4 session whose client never comes back is closed ("ping timeout") at pingInterval +
 * pingTimeout = 45 s, a v3 one at the same 45 s (it never pings), over polling and over WebSocket alike,
 * while a client that does follow the protocol next to them stays open.
 */
@ExtendWith(NoUnexpectedEvents.class)
class AbandonedHandshakeTest {
  @Test
  void theHeartbeatReapsAbandonedHandshakes() {
    EngineHarness h = EngineHarness.create();
    PollingClient v4 = h.openPolling("EIO=4");
    PollingClient v3 = h.openPolling("EIO=3");
    WsClient ws = h.openWebSocket("EIO=4");
    PollingClient alive = h.openPolling("EIO=4");

    for (int s = 0; s < 44; s++) {
      h.clock().advanceMillis(1_000);
      if (s == 25) {
        assertThat(alive.get().bodyString()).isEqualTo("2"); // the ping
        alive.post("3");
      }
    }
    assertThat(h.server().socketCount()).isEqualTo(4);
    h.clock().advanceMillis(1_000); // 45 s
    v4.events().assertClosed(DisconnectReason.PING_TIMEOUT);
    v3.events().assertClosed(DisconnectReason.PING_TIMEOUT);
    h.events().socket(ws.sid()).assertClosed(DisconnectReason.PING_TIMEOUT);
    alive.events().assertOpen();
    assertThat(alive.events().heartbeats()).isEqualTo(1); // the one pong
    assertThat(h.server().socketCount()).isEqualTo(1);
    System.out.println(
        "FIGURES: AbandonedHandshakeTest abandoned v4 polling, v3 polling and v4 WebSocket handshakes closed by ping timeout at 45000 ms (virtual); the live session stayed open");
  }
}
