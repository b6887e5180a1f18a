package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.netty.support.Bystander;
import dev.eio4j.netty.support.LogCapture;
import dev.eio4j.testing.RawClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slowloris and idle connections on the Netty runtime, over real sockets, with short deadlines (head
 * 400 ms, body 600 ms, idle 800 ms): each stalling connection is closed with its logged reason (a 408
 * when there is someone to answer), while a held long-poll GET and an open WebSocket outlive every
 * deadline, and two well-behaved clients (WebSocket and polling) run alongside untouched.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionTimeoutsTest {
  static final long HEAD = 400;
  static final long BODY = 600;
  static final long IDLE = 800;
  static EngineIoNettyServer running;
  static final Map<String, String> closes = new ConcurrentHashMap<>();
  static Bystander wsBystander;
  static Bystander pollingBystander;

  @BeforeAll
  static void start() throws Exception {
    EngineIoServer server =
        EngineIoServer.builder()
            .pingInterval(Duration.ofSeconds(20))
            .pingTimeout(Duration.ofSeconds(20))
            .build();
    server.onConnection(
        s -> {
          s.onMessage(s::send);
          s.onClose(
              (reason, description) ->
                  closes.put(
                      s.id(), reason.wireName() + (description == null ? "" : ": " + description)));
        });
    running =
        EngineIoNettyServer.builder(server)
            .host("127.0.0.1")
            .port(0)
            .ioThreads(2)
            .requestHeadersTimeout(Duration.ofMillis(HEAD))
            .requestBodyTimeout(Duration.ofMillis(BODY))
            .idleTimeout(Duration.ofMillis(IDLE))
            .start();
    wsBystander = Bystander.start(running.port(), true, 50);
    pollingBystander = Bystander.start(running.port(), false, 50);
  }

  @AfterEach
  void bystandersUntouched() {
    wsBystander.assertUntouched();
    pollingBystander.assertUntouched();
  }

  @AfterAll
  static void stop() throws Exception {
    System.out.println(
        "FIGURES: ConnectionTimeoutsTest bystanders wsRounds="
            + wsBystander.rounds()
            + " wsMaxRttMs="
            + wsBystander.maxRttMillis()
            + " pollingRounds="
            + pollingBystander.rounds()
            + " pollingMaxRttMs="
            + pollingBystander.maxRttMillis());
    wsBystander.close();
    pollingBystander.close();
    running.close();
  }

  private static long closedWithin(RawClient c, Duration max) throws Exception {
    long t0 = System.nanoTime();
    assertThat(c.awaitEof(max)).as("the server closed the connection").isTrue();
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  void aConnectionThatSendsNothingIsClosedSilently() throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      long ms = closedWithin(c, Duration.ofSeconds(5));
      assertThat(ms).isBetween(HEAD - 50, HEAD + 2_000);
      System.out.println(
          "FIGURES: ConnectionTimeoutsTest silent connection closed after "
              + ms
              + " ms (head deadline "
              + HEAD
              + " ms)");
    }
  }

  @Test
  void aHeadSentByteByByteIsCutAt408() throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      long t0 = System.nanoTime();
      c.write("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\n");
      // slowloris: a header line every 100 ms, never the blank line
      for (int i = 0; i < 30 && (System.nanoTime() - t0) < 3_000_000_000L; i++) {
        try {
          c.write("X-Slow-" + i + ": " + i + "\r\n");
        } catch (java.io.IOException closed) {
          break;
        }
        Thread.sleep(100);
        if (c.socket().getInputStream().available() > 0) {
          break;
        }
      }
      RawClient.Response r = c.readResponse();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.status()).isEqualTo(408);
      assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(c.awaitEof(Duration.ofSeconds(3))).isTrue();
      assertThat(ms).isBetween(HEAD - 50, HEAD + 2_000);
      System.out.println(
          "FIGURES: ConnectionTimeoutsTest slowloris head answered 408 after "
              + ms
              + " ms despite a header every 100 ms");
    }
    assertThat(LogCapture.linesContaining("request head not complete within " + HEAD + " ms"))
        .isNotEmpty();
  }

  @Test
  void aSlowHeadOnAKeptAliveConnectionGetsTheHeadDeadlineNotTheIdleOne() throws Exception {
    EngineIoNettyServer s =
        EngineIoNettyServer.builder(EngineIoServer.builder().build())
            .host("127.0.0.1")
            .port(0)
            .requestHeadersTimeout(Duration.ofMillis(200))
            .idleTimeout(Duration.ofMillis(3_000))
            .start();
    try (RawClient c = RawClient.connect(s.port())) {
      c.request("GET", "/not-engine-io", null);
      assertThat(c.readResponse().status()).isEqualTo(404);
      Thread.sleep(
          300); // the connection's first timer has fired and now waits for the idle deadline
      long t0 = System.nanoTime();
      c.write("GET /not-engine-io HTTP/1.1\r\nHost: x\r\n"); // and never the blank line
      RawClient.Response r = c.readResponse();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.status()).isEqualTo(408);
      assertThat(ms).isBetween(150L, 1_500L);
      System.out.println(
          "FIGURES: ConnectionTimeoutsTest slow head on a kept-alive connection answered 408 after "
              + ms
              + " ms (head 200 ms, idle 3000 ms)");
    } finally {
      s.close();
    }
  }

  @Test
  void aStalledPollingPostIsCutAndItsSessionEnds() throws Exception {
    String sid;
    try (RawClient c = RawClient.connect(running.port())) {
      c.request("GET", "/engine.io/?EIO=4&transport=polling", null);
      sid = RawClient.sidOf(c.readResponse().text());
      long t0 = System.nanoTime();
      c.write(
          RawClient.head(
              "POST",
              "/engine.io/?EIO=4&transport=polling&sid=" + sid,
              100,
              "Content-Type: text/plain;charset=UTF-8"));
      c.write("4abc"); // 4 of the 100 bytes announced, then nothing
      RawClient.Response r = c.readResponse();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.status()).isEqualTo(408);
      assertThat(c.awaitEof(Duration.ofSeconds(3))).isTrue();
      assertThat(ms).isBetween(BODY - 50, BODY + 2_000);
      System.out.println(
          "FIGURES: ConnectionTimeoutsTest stalled body answered 408 after "
              + ms
              + " ms (body deadline "
              + BODY
              + " ms)");
    }
    awaitClose(sid);
    assertThat(closes.get(sid))
        .isEqualTo("transport error: data request connection closed prematurely");
    assertThat(LogCapture.linesContaining("request body not complete within " + BODY + " ms"))
        .isNotEmpty();
  }

  @Test
  void aTricklingBodyIsCutAtTheSameDeadline() throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      c.request("GET", "/engine.io/?EIO=4&transport=polling", null);
      String sid = RawClient.sidOf(c.readResponse().text());
      long t0 = System.nanoTime();
      c.write(RawClient.head("POST", "/engine.io/?EIO=4&transport=polling&sid=" + sid, 1000));
      int sent = 0;
      while (c.socket().getInputStream().available() == 0 && sent < 100) {
        try {
          c.write("x");
        } catch (java.io.IOException closed) {
          break;
        }
        sent++;
        Thread.sleep(50);
      }
      RawClient.Response r = c.readResponse();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.status()).isEqualTo(408);
      assertThat(ms).isBetween(BODY - 50, BODY + 2_000);
      System.out.println(
          "FIGURES: ConnectionTimeoutsTest trickling body (1 byte / 50 ms, "
              + sent
              + " bytes) answered 408 after "
              + ms
              + " ms");
    }
  }

  @Test
  void aBodyAnsweredEarlyIsStillBoundButNotAnsweredTwice() throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      c.write(RawClient.head("POST", "/not-engine-io", 1000));
      c.write("x");
      assertThat(c.readResponse().status()).isEqualTo(404); // the fallback answers before the body
      long ms = closedWithin(c, Duration.ofSeconds(5)); // no 408 after it: the EOF comes first
      assertThat(ms).isLessThan(BODY + 2_000);
    }
  }

  @Test
  void anIdleKeptAliveConnectionIsClosedSilently() throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      c.request("GET", "/not-engine-io", null);
      assertThat(c.readResponse().status()).isEqualTo(404);
      c.request(
          "GET", "/not-engine-io", null); // still alive: the idle time restarts after each response
      assertThat(c.readResponse().status()).isEqualTo(404);
      long ms = closedWithin(c, Duration.ofSeconds(5));
      assertThat(ms).isBetween(IDLE - 50, IDLE + 2_000);
      System.out.println(
          "FIGURES: ConnectionTimeoutsTest idle keep-alive connection closed after "
              + ms
              + " ms (idle deadline "
              + IDLE
              + " ms)");
    }
    assertThat(LogCapture.linesContaining("idle for " + IDLE + " ms")).isNotEmpty();
  }

  @Test
  void aHeldLongPollAndAnOpenWebSocketOutliveEveryDeadline() throws Exception {
    try (RawClient poll = RawClient.connect(running.port());
        RawClient ws = RawClient.connect(running.port())) {
      poll.request("GET", "/engine.io/?EIO=4&transport=polling", null);
      String sid = RawClient.sidOf(poll.readResponse().text());
      poll.request("GET", "/engine.io/?EIO=4&transport=polling&sid=" + sid, null); // held
      assertThat(ws.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
      String wsSid = RawClient.sidOf(ws.readText());

      Thread.sleep(HEAD + BODY + IDLE + 300); // longer than all three deadlines together

      EngineIoSocket polling = running.server().socket(sid).orElseThrow();
      polling.send("still held");
      RawClient.Response r = poll.readResponse();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("4still held");
      ws.sendText("4still open");
      assertThat(ws.readText()).isEqualTo("4still open");
      assertThat(closes).doesNotContainKeys(sid, wsSid);
    }
  }

  @Test
  void aWebSocketWhosePeerDoesNotReadItsCloseFrameIsClosedAfterTheCloseTimeout() throws Exception {
    EngineIoServer server = EngineIoServer.builder().pingInterval(Duration.ofSeconds(20)).build();
    EngineIoNettyServer quick =
        EngineIoNettyServer.builder(server)
            .host("127.0.0.1")
            .port(0)
            .webSocketCloseTimeout(Duration.ofMillis(500))
            .start();
    try (RawClient c = RawClient.connect("127.0.0.1", quick.port(), 4096)) {
      assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
      String sid = RawClient.sidOf(c.readText());
      EngineIoSocket s = server.socket(sid).orElseThrow();
      // fill every buffer on the way (this client reads nothing more) until the socket pushes back
      byte[] chunk = new byte[64 * 1024];
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (s.isWritable() && System.nanoTime() < deadline) {
        s.send(chunk.clone());
        Thread.sleep(2);
      }
      assertThat(s.isWritable()).isFalse();
      assertThat(quick.connectionCount()).isEqualTo(1);
      // end the session as the heartbeat would: the close frame is queued behind megabytes nobody
      // reads
      long t0 = System.nanoTime();
      server.closeSessions(Duration.ZERO);
      long end = System.nanoTime() + 5_000_000_000L;
      while (quick.connectionCount() > 0 && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(quick.connectionCount()).isZero();
      assertThat(ms).isBetween(400L, 3_000L);
      System.out.println(
          "FIGURES: ConnectionTimeoutsTest WebSocket with an unread close frame closed after "
              + ms
              + " ms (close timeout 500 ms)");
    } finally {
      quick.close();
    }
    assertThat(LogCapture.linesContaining("close frame not written within 500 ms")).isNotEmpty();
  }

  private static void awaitClose(String sid) throws InterruptedException {
    long end = System.nanoTime() + 5_000_000_000L;
    while (!closes.containsKey(sid) && System.nanoTime() < end) {
      Thread.sleep(5);
    }
  }
}
