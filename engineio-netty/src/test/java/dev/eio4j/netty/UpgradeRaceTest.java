package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.testing.RawClient;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two "same sid after upgrade" checks of the official compliance suite, on real sockets: a GET sent
 * right after {@code 5} travels on another connection (often served by another event loop) and may
 * reach the session first; it must get the 400 either way. A second WebSocket for an upgraded session
 * completes its handshake and is then closed, as with the reference.
 */
class UpgradeRaceTest {
  private static final String BAD_REQUEST = "{\"code\":3,\"message\":\"Bad request\"}";
  private static final Duration IO = Duration.ofSeconds(10);

  private static EngineIoServer server;
  private static EngineIoNettyServer running;

  @BeforeAll
  static void start() throws Exception {
    server = EngineIoServer.builder().pingInterval(Duration.ofSeconds(60)).build();
    server.onConnection(s -> s.onMessage(s::send));
    running = EngineIoNettyServer.builder(server).host("127.0.0.1").port(0).ioThreads(2).start();
  }

  @AfterAll
  static void stop() throws Exception {
    running.close();
  }

  private static String handshake(RawClient http) throws IOException {
    http.request("GET", "/engine.io/?EIO=4&transport=polling", null);
    RawClient.Response r = http.readResponse();
    assertThat(r.status()).isEqualTo(200);
    return RawClient.sidOf(r.text());
  }

  /** Opens a WebSocket for {@code sid} and completes the probe and the upgrade. */
  private static RawClient upgraded(String sid) throws IOException {
    RawClient ws = RawClient.connect(running.port()).timeout(IO);
    assertThat(ws.upgrade("/engine.io/?EIO=4&transport=websocket&sid=" + sid).status())
        .isEqualTo(101);
    ws.sendText("2probe");
    assertThat(ws.readText()).isEqualTo("3probe");
    return ws;
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aGetSentRightAfterTheUpgradePacketGets400AThousandTimesInARow() throws Exception {
    int iterations = 1_000;
    try (RawClient http = RawClient.connect(running.port()).timeout(IO)) {
      for (int i = 0; i < iterations; i++) {
        String sid = handshake(http);
        try (RawClient ws = upgraded(sid)) {
          ws.sendText("5");
          http.request("GET", "/engine.io/?EIO=4&transport=polling&sid=" + sid, null);
          RawClient.Response r = http.readResponse();
          assertThat(r.status()).as("iteration %d: %s", i, r).isEqualTo(400);
          assertThat(r.text()).isEqualTo(BAD_REQUEST);
          ws.sendText("4after-" + i);
          assertThat(ws.readText()).as("the upgraded WebSocket works").isEqualTo("4after-" + i);
          ws.sendClose(1000);
          ws.awaitClose();
        }
      }
    }
    System.out.println(
        "FIGURES: UpgradeRaceTest " + iterations + " GETs sent right after 5: all 400");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aSecondWebSocketAfterTheUpgradeCompletesItsHandshakeAndIsClosed() throws Exception {
    try (RawClient http = RawClient.connect(running.port()).timeout(IO)) {
      String sid = handshake(http);
      try (RawClient first = upgraded(sid);
          RawClient second = RawClient.connect(running.port()).timeout(IO)) {
        first.sendText("5");
        first.sendText("4one");
        assertThat(first.readText())
            .isEqualTo("4one"); // upgraded: the echo comes over the WebSocket

        RawClient.Response r = second.upgrade("/engine.io/?EIO=4&transport=websocket&sid=" + sid);
        assertThat(r.status()).as("%s", r).isEqualTo(101);
        assertThat(second.awaitClose()).isEqualTo(RawClient.NO_STATUS);

        first.sendText("4two");
        assertThat(first.readText()).as("the first WebSocket is untouched").isEqualTo("4two");
      }
      try (RawClient unknown = RawClient.connect(running.port()).timeout(IO)) {
        RawClient.Response r = unknown.upgrade("/engine.io/?EIO=4&transport=websocket&sid=unknown");
        assertThat(r.status()).as("no session at all: refused before any 101").isEqualTo(400);
        assertThat(r.text()).isEqualTo("Session ID unknown");
      }
    }
  }
}
