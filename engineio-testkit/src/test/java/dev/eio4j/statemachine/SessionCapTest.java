package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.ConnectionError;
import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineObserver;
import dev.eio4j.HandshakeError;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.FakeHttpExchange;
import dev.eio4j.testing.FakeWsUpgrade;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code maxSessions}: a handshake over the cap is refused with 503 and {@code
 * {"code":3,"message":"Server at capacity"}} (a WebSocket handshake with 503 before any 101), reported
 * as a connection error (code 3) and a {@code session cap} limit rejection; existing sessions are
 * untouched, and a freed slot is usable at once.
 */
@ExtendWith(NoUnexpectedEvents.class)
class SessionCapTest {
  private final List<EngineObserver.Limit> limits = new ArrayList<>();
  private final EngineHarness h =
      EngineHarness.create(
              b ->
                  b.maxSessions(2)
                      .observer(
                          new EngineObserver() {
                            @Override
                            public void limitRejected(Limit limit) {
                              synchronized (limits) {
                                limits.add(limit);
                              }
                            }
                          }))
          .echo();

  @Test
  void handshakesOverTheCapGet503AndExistingSessionsKeepWorking() {
    PollingClient a = h.openPolling("EIO=4");
    EngineHarness.WsClient b = h.openWebSocket("EIO=3");
    assertThat(h.server().socketCount()).isEqualTo(2);

    FakeHttpExchange refused = h.get("EIO=4&transport=polling");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.responseHeader("Content-Type")).isEqualTo("application/json");
    assertThat(refused.bodyString()).isEqualTo("{\"code\":3,\"message\":\"Server at capacity\"}");

    FakeWsUpgrade refusedWs = h.upgrade("EIO=4&transport=websocket");
    assertThat(refusedWs.rejected()).isTrue();
    assertThat(refusedWs.rejectStatus()).isEqualTo(503);
    assertThat(refusedWs.rejectBody()).isEqualTo("Server at capacity");

    List<ConnectionError> errors = h.connectionErrors();
    assertThat(errors).hasSize(2);
    assertThat(errors)
        .allSatisfy(
            e -> {
              assertThat(e.error()).isEqualTo(HandshakeError.BAD_REQUEST);
              assertThat(e.message()).isEqualTo("Server at capacity");
            });
    assertThat(limits)
        .containsExactly(EngineObserver.Limit.SESSION_CAP, EngineObserver.Limit.SESSION_CAP);

    // the open sessions are untouched
    a.post("4still here");
    assertThat(a.get().bodyString()).isEqualTo("4still here");
    b.conn().clientText("4me too");
    assertThat(b.conn().texts()).contains("4me too");

    // a freed slot is usable at once
    b.conn().clientClose();
    assertThat(h.server().socketCount()).isEqualTo(1);
    assertThat(h.get("EIO=4&transport=polling").status()).isEqualTo(200);
    assertThat(h.server().socketCount()).isEqualTo(2);
    assertThat(a.events().texts()).containsExactly("still here");
    assertThat(h.events().socket(b.sid()).texts()).containsExactly("me too");
    h.events().socket(b.sid()).assertClosed(DisconnectReason.TRANSPORT_CLOSE);
    System.out.println(
        "FIGURES: SessionCapTest maxSessions=2 refusedPolling=1 refusedWebSocket=1 status=503");
  }

  @Test
  void requestsOfExistingSessionsAreNotCountedAgainstTheCap() {
    PollingClient a = h.openPolling("EIO=4");
    h.openPolling("EIO=4");
    for (int i = 0; i < 5; i++) {
      assertThat(a.post("4m" + i).status()).isEqualTo(200);
      assertThat(a.get().bodyString()).isEqualTo("4m" + i);
    }
    // the upgrade of an existing session is not a new session either
    assertThat(a.upgrade().accepted()).isTrue();
    assertThat(a.events().texts()).containsExactly("m0", "m1", "m2", "m3", "m4");
  }

  @Test
  void zeroMeansUnlimited() {
    EngineHarness unlimited = EngineHarness.create();
    for (int i = 0; i < 50; i++) {
      unlimited.openPolling("EIO=4");
    }
    assertThat(unlimited.server().socketCount()).isEqualTo(50);
  }
}
