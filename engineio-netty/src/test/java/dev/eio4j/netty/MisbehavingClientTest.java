package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.SendResult;
import dev.eio4j.netty.support.Bystander;
import dev.eio4j.testing.RawClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The misbehaving-client kit ({@link RawClient}) against the Netty runtime: duplicate GETs, oversized
 * POSTs, garbage WebSocket frames, a probe never followed by the upgrade, half-closed TCP, clients that
 * never read. Each case checks the documented answer (docs/limits-and-security.md) and what
 * the application saw, while a well-behaved WebSocket client and a well-behaved polling client run
 * alongside and must be untouched after every case.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MisbehavingClientTest {
  static final int MAX_HTTP = 10_000;
  static final long BUDGET = 1024 * 1024;
  static EngineIoServer server;
  static EngineIoNettyServer running;
  static final Map<String, String> closes = new ConcurrentHashMap<>();
  static Bystander wsBystander;
  static Bystander pollingBystander;
  static final AtomicLong cases = new AtomicLong();

  @BeforeAll
  static void start() throws Exception {
    server =
        EngineIoServer.builder()
            .pingInterval(Duration.ofMillis(1_000))
            // generous: the bystanders must survive a machine so busy that a pong takes seconds
            .pingTimeout(Duration.ofMillis(5_000))
            .upgradeTimeout(Duration.ofMillis(500))
            .maxHttpBufferSize(MAX_HTTP)
            .maxBufferedBytes(BUDGET)
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
            .idleTimeout(Duration.ofSeconds(2))
            .requestHeadersTimeout(Duration.ofSeconds(2))
            .webSocketCloseTimeout(Duration.ofMillis(500))
            .start();
    wsBystander = Bystander.start(running.port(), true, 40);
    pollingBystander = Bystander.start(running.port(), false, 40);
  }

  @AfterEach
  void bystandersUntouched(org.junit.jupiter.api.TestInfo info) {
    cases.incrementAndGet();
    wsBystander.assertUntouched();
    pollingBystander.assertUntouched();
    System.out.println(
        "FIGURES: MisbehavingClientTest "
            + info.getTestMethod().orElseThrow().getName()
            + ": bystanders untouched, max round trip ws="
            + wsBystander.takeMaxRttMillis()
            + "ms polling="
            + pollingBystander.takeMaxRttMillis()
            + "ms");
    assertThat(closes).doesNotContainKeys(wsBystander.sid(), pollingBystander.sid());
  }

  @AfterAll
  static void stop() throws Exception {
    System.out.println(
        "FIGURES: MisbehavingClientTest cases="
            + cases
            + " bystanders untouched: wsRounds="
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

  private static String handshake(RawClient c) throws IOException {
    c.request("GET", "/engine.io/?EIO=4&transport=polling", null);
    RawClient.Response r = c.readResponse();
    assertThat(r.status()).isEqualTo(200);
    return RawClient.sidOf(r.text());
  }

  private static String q(String sid) {
    return "/engine.io/?EIO=4&transport=polling&sid=" + sid;
  }

  private static String awaitClose(String sid) throws InterruptedException {
    long end = System.nanoTime() + 60_000_000_000L;
    while (!closes.containsKey(sid) && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    return closes.get(sid);
  }

  // ------------------------------------------------------------------ polling

  @Test
  void duplicateGets() throws Exception {
    try (RawClient a = RawClient.connect(running.port());
        RawClient b = RawClient.connect(running.port())) {
      String sid = handshake(a);
      a.request("GET", q(sid), null); // held
      Thread.sleep(50);
      b.request("GET", q(sid), null); // the duplicate
      RawClient.Response dup = b.readResponse();
      RawClient.Response held = a.readResponse();
      assertThat(dup.status()).isEqualTo(400);
      assertThat(dup.body()).isEmpty();
      assertThat(held.status()).isEqualTo(200);
      assertThat(held.text()).isEqualTo("1"); // the held GET gets the close packet
      assertThat(awaitClose(sid)).isEqualTo("transport error: overlap from client");
      b.request("GET", q(sid), null);
      assertThat(b.readResponse().text())
          .isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    }
  }

  @Test
  void oversizedPosts() throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      String sid = handshake(c);
      // announced too large: 413 before a byte of the body is read, and the connection is closed
      c.write(
          RawClient.head("POST", q(sid), MAX_HTTP + 1, "Content-Type: text/plain;charset=UTF-8"));
      RawClient.Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(c.awaitEof(Duration.ofSeconds(3))).isTrue();

      // chunked and growing past the limit while it streams: 413 as soon as the limit is crossed
      try (RawClient d = RawClient.connect(running.port())) {
        d.write(
            "POST "
                + q(sid)
                + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n");
        byte[] chunk = ("1000\r\n" + "4".repeat(4096) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        int sent = 0;
        try {
          for (; sent < 100 && d.socket().getInputStream().available() == 0; sent++) {
            d.write(chunk);
            Thread.sleep(5);
          }
        } catch (IOException closedByServer) {
          // the server stopped reading and closed
        }
        RawClient.Response streamed = d.readResponse();
        assertThat(streamed.status()).isEqualTo(413);
        assertThat((long) sent * 4096)
            .as("the server stopped before the whole body")
            .isLessThan(100L * 4096);
        System.out.println(
            "FIGURES: MisbehavingClientTest chunked POST refused with 413 after "
                + sent
                + " chunks of 4096 bytes (limit "
                + MAX_HTTP
                + ")");
      }
      // the session stays open
      assertThat(closes).doesNotContainKey(sid);
      try (RawClient e = RawClient.connect(running.port())) {
        e.request("POST", q(sid), "4after 413", "Content-Type: text/plain;charset=UTF-8");
        assertThat(e.readResponse().text()).isEqualTo("ok");
        e.request("GET", q(sid), null);
        assertThat(e.readResponse().text()).isEqualTo("4after 413");
      }
    }
  }

  @Test
  void halfClosedTcp() throws Exception {
    // a held GET whose client half-closes: the server closes the connection, the session ends
    try (RawClient c = RawClient.connect(running.port())) {
      String sid = handshake(c);
      c.request("GET", q(sid), null);
      Thread.sleep(50);
      c.shutdownOutput();
      assertThat(c.awaitEof(Duration.ofSeconds(3))).isTrue();
      assertThat(awaitClose(sid)).isEqualTo("transport error: poll connection closed prematurely");
    }
    // a complete POST then a half-close: the message is delivered (the server closes at once, so
    // the
    // "ok" may or may not reach the client)
    try (RawClient c = RawClient.connect(running.port());
        RawClient other = RawClient.connect(running.port())) {
      String sid = handshake(c);
      c.request("POST", q(sid), "4before the half-close", "Content-Type: text/plain;charset=UTF-8");
      c.shutdownOutput();
      assertThat(c.awaitEof(Duration.ofSeconds(3))).isTrue();
      other.request("GET", q(sid), null);
      assertThat(other.readResponse().text()).isEqualTo("4before the half-close");
    }
    // a WebSocket whose client half-closes: "transport close"
    try (RawClient c = RawClient.connect(running.port())) {
      assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
      String sid = RawClient.sidOf(c.readText());
      c.shutdownOutput();
      assertThat(awaitClose(sid)).isEqualTo("transport close");
    }
  }

  // ------------------------------------------------------------------ WebSocket

  @Test
  void garbageWebSocketFrames() throws Exception {
    // bytes that are no WebSocket frame: close 1002, "transport error"
    try (RawClient c = RawClient.connect(running.port())) {
      assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
      String sid = RawClient.sidOf(c.readText());
      c.write(new byte[] {(byte) 0x8f, (byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14});
      assertThat(c.awaitClose()).isEqualTo(1002);
      assertThat(awaitClose(sid)).startsWith("transport error");
    }
    // an unmasked client frame breaks RFC 6455: close 1002
    try (RawClient c = RawClient.connect(running.port())) {
      assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
      String sid = RawClient.sidOf(c.readText());
      c.sendFrame(RawClient.TEXT, "4hi".getBytes(StandardCharsets.UTF_8), false);
      assertThat(c.awaitClose()).isEqualTo(1002);
      assertThat(awaitClose(sid)).startsWith("transport error");
    }
    // a frame over maxHttpBufferSize: close 1009
    try (RawClient c = RawClient.connect(running.port())) {
      assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
      String sid = RawClient.sidOf(c.readText());
      c.sendText("4" + "x".repeat(MAX_HTTP + 1));
      assertThat(c.awaitClose()).isEqualTo(1009);
      assertThat(awaitClose(sid)).isEqualTo("transport error: Max payload size exceeded");
    }
    // a well-formed frame that is no Engine.IO packet: "parse error", the WebSocket is closed
    try (RawClient c = RawClient.connect(running.port())) {
      assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
      String sid = RawClient.sidOf(c.readText());
      c.sendText("x-not-a-packet");
      int code = c.awaitClose();
      assertThat(code).isIn(RawClient.NO_STATUS, RawClient.ABNORMAL);
      assertThat(awaitClose(sid)).startsWith("parse error");
    }
  }

  @Test
  void aProbeNeverFollowedByTheUpgrade() throws Exception {
    try (RawClient poll = RawClient.connect(running.port());
        RawClient ws = RawClient.connect(running.port())) {
      String sid = handshake(poll);
      assertThat(ws.upgrade("/engine.io/?EIO=4&transport=websocket&sid=" + sid).status())
          .isEqualTo(101);
      ws.sendText("2probe");
      assertThat(ws.readText()).isEqualTo("3probe");
      long t0 = System.nanoTime();
      // no "5": after upgradeTimeout (500 ms) the probe WebSocket is closed
      assertThat(ws.awaitClose()).isIn(RawClient.NO_STATUS, RawClient.ABNORMAL);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(ms).isBetween(400L, 3_000L);
      // and the session goes on over polling
      poll.request("POST", q(sid), "4still polling", "Content-Type: text/plain;charset=UTF-8");
      assertThat(poll.readResponse().text()).isEqualTo("ok");
      String body = "";
      while (!body.contains("4still polling")) {
        poll.request("GET", q(sid), null);
        body = poll.readResponse().text(); // noops sent during the probe may come first
      }
      assertThat(closes).doesNotContainKey(sid);
      assertThat(server.socket(sid).orElseThrow().transport().wireName()).isEqualTo("polling");
      System.out.println(
          "FIGURES: MisbehavingClientTest probe without upgrade closed after "
              + ms
              + " ms (upgradeTimeout 500 ms); session kept on polling");
    }
  }

  // ------------------------------------------------------------------ clients that never read

  @Test
  void aWebSocketClientThatNeverReads() throws Exception {
    try (RawClient c = RawClient.connect("127.0.0.1", running.port(), 4096)) {
      assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
      String sid = RawClient.sidOf(c.readText());
      EngineIoSocket s = server.socket(sid).orElseThrow();
      long queued = 0;
      long full = 0;
      long maxBuffered = 0;
      for (int i = 0; i < 400; i++) {
        SendResult r = s.send(new byte[16 * 1024]);
        if (r == SendResult.QUEUED) {
          queued++;
        } else if (r == SendResult.BUFFER_FULL) {
          full++;
        }
        maxBuffered = Math.max(maxBuffered, s.bufferedAmount());
        assertThat(s.bufferedAmount()).isLessThanOrEqualTo(BUDGET);
      }
      assertThat(full).as("sends refused once the budget is used up").isPositive();
      // it does not answer pings either: the heartbeat ends the session, then the unread close
      // frame times out
      assertThat(awaitClose(sid)).isEqualTo("ping timeout");
      long end = System.nanoTime() + 5_000_000_000L;
      while (running.connectionCount() > 2 && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(running.connectionCount()).as("only the two bystanders are left").isEqualTo(2);
      System.out.println(
          "FIGURES: MisbehavingClientTest never-reading WebSocket: offered="
              + 400 * 16
              + "KiB queued="
              + queued
              + " bufferFull="
              + full
              + " maxBufferedAmount="
              + maxBuffered
              + " (budget "
              + BUDGET
              + "); closed by ping timeout, TCP closed after the close timeout");
    }
  }

  /**
   * The server must push back on a client that pipelines requests and never reads a response (it stops
   * reading once its responses pile up), then close the stalled connection. The test waits for that close,
   * the event it is about: how many requests go through before the push-back depends on the kernel's
   * buffers, and how long they take on the machine's load (at load 15 the earlier fixed 60 s wait after
   * a sleep-based stall guess ran out before the server had answered enough requests to fill them).
   * Each request carries a 1 KiB header so that the buffers fill with fewer requests.
   */
  @Test
  @Timeout(value = 200, unit = TimeUnit.SECONDS)
  void anHttpClientThatPipelinesWithoutReading() throws Exception {
    try (RawClient c = RawClient.connect("127.0.0.1", running.port(), 4096)) {
      byte[] request =
          RawClient.head(
                  "GET", "/engine.io/?EIO=4&transport=nope", -1, "X-Pad: " + "p".repeat(1024))
              .getBytes(StandardCharsets.US_ASCII);
      AtomicLong written = new AtomicLong();
      AtomicBoolean closedByServer = new AtomicBoolean();
      Thread writer =
          new Thread(
              () -> {
                try {
                  OutputStream out = c.socket().getOutputStream();
                  while (!Thread.currentThread().isInterrupted()) {
                    out.write(request);
                    written.incrementAndGet();
                  }
                } catch (IOException stopped) {
                  closedByServer.set(true); // the only way out of the loop but the interrupt
                }
              },
              "pipeliner");
      writer.setDaemon(true);
      writer.start();
      // the writer writes until the server closes the connection: it blocks once the server stops
      // reading (push-back), and the stalled connection is closed by its deadline (unread
      // responses,
      // or idleness). Without push-back or the close, it would write until this bound.
      writer.join(TimeUnit.SECONDS.toMillis(180));
      boolean alive = writer.isAlive();
      writer.interrupt();
      assertThat(alive)
          .as("the writer still writing after 180 s (%d requests)", written.get())
          .isFalse();
      assertThat(closedByServer).as("the writer ended because the server closed").isTrue();
      System.out.println(
          "FIGURES: MisbehavingClientTest pipelining client that never reads: wrote "
              + written.get()
              + " requests of "
              + request.length
              + " bytes before the server pushed back and closed");
    }
  }
}
