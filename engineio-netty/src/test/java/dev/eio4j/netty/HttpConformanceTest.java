package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.netty.support.LogCapture;
import dev.eio4j.testing.RawClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/1.1 message rules (RFC 9112, RFC 9110) on the Netty runtime, with raw bytes on a loopback socket:
 * request framing, chunk framing, {@code Host}, protocol versions, size limits and their statuses,
 * {@code Expect: 100-continue}, responses in request order on one connection, and the WebSocket opening
 * handshake (RFC 6455 §4). After each case a plain handshake on a new connection must still work.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpConformanceTest {
  static final int MAX_HTTP = 1000;
  static EngineIoServer server;
  static EngineIoNettyServer running;
  static final Queue<String> messages = new ConcurrentLinkedQueue<>();
  static final Map<String, String> closes = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    server =
        EngineIoServer.builder()
            // a held GET is answered by a ping after 300 ms; pongs are not needed within the tests
            .pingInterval(Duration.ofMillis(300))
            .pingTimeout(Duration.ofSeconds(30))
            .maxHttpBufferSize(MAX_HTTP)
            .perMessageDeflate(true)
            .build();
    server.onConnection(
        s -> {
          s.onMessage(
              m -> {
                messages.add(m.text());
                s.send(m.text());
              });
          s.onClose(
              (reason, description) ->
                  closes.put(
                      s.id(), reason.wireName() + (description == null ? "" : ": " + description)));
        });
    running = EngineIoNettyServer.builder(server).host("127.0.0.1").port(0).ioThreads(1).start();
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @AfterEach
  void serverStillServes() throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      c.request("GET", "/engine.io/?EIO=4&transport=polling", null);
      RawClient.Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(200);
      RawClient.sidOf(r.text());
    }
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

  /** Polls until a payload holds {@code text} (pings queued in the meantime may come first). */
  private static String pollFor(RawClient c, String sid, String text) throws IOException {
    for (int i = 0; i < 20; i++) {
      c.request("GET", q(sid), null);
      String body = c.readResponse().text();
      if (body.contains(text)) {
        return body;
      }
    }
    throw new AssertionError("never received " + text);
  }

  private static String awaitClose(String sid) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (!closes.containsKey(sid) && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    return closes.get(sid);
  }

  /** Sends raw bytes on a new connection; expects {@code status} and the connection closed after it. */
  private static RawClient.Response refusedAndClosed(String raw, int status) throws IOException {
    try (RawClient c = RawClient.connect(running.port())) {
      c.write(raw);
      RawClient.Response r = c.readResponse();
      assertThat(r.status()).as(raw).isEqualTo(status);
      assertThat(r.header("Connection")).as(raw).isEqualToIgnoringCase("close");
      assertThat(c.awaitEof(Duration.ofSeconds(5))).as("closed after " + status).isTrue();
      return r;
    }
  }

  // --- chunk framing (RFC 9112 §7.1)

  @ParameterizedTest
  @ValueSource(
      strings = {
        "9\r\n4smuggled\r\nzz\r\n\r\n", // a chunk size that is no hex number
        "9\r\n4smuggledXX0\r\n\r\n", // chunk data not followed by CRLF
        "9;\u0001\r\n4smuggled\r\n0\r\n\r\n", // a control character in a chunk extension
        "fffffffffffffffff\r\n4smuggled\r\n0\r\n\r\n", // a chunk size that overflows
      })
  void brokenChunkFramingIsRefusedAndNothingIsDelivered(String chunks) throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      String sid = handshake(c);
      c.write(
          "POST "
              + q(sid)
              + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n"
              + chunks);
      RawClient.Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(c.awaitEof(Duration.ofSeconds(5))).isTrue();
      // the POST broke off: the session ends as when its connection drops, and the body never
      // arrives
      assertThat(awaitClose(sid))
          .isEqualTo("transport error: data request connection closed prematurely");
      assertThat(messages).doesNotContain("smuggled");
    }
  }

  @Test
  void brokenChunkFramingAfterAnAnswerClosesTheConnection() throws Exception {
    // a request outside Engine.IO is answered from its head; its body is then found broken: no
    // further
    // request can be framed on this connection, so it is closed rather than left to idle
    try (RawClient c = RawClient.connect(running.port())) {
      c.write(
          "POST /elsewhere HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n\r\n");
      assertThat(c.readResponse().status()).isEqualTo(404);
      assertThat(c.awaitEof(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void wellFramedChunksAreDelivered() throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      String sid = handshake(c);
      c.write(
          "POST "
              + q(sid)
              + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "3;name=value\r\n4ch\r\n6\r\nunked!\r\n0\r\nX-Trailer: y\r\n\r\n");
      RawClient.Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("ok");
      assertThat(pollFor(c, sid, "4chunked!")).contains("4chunked!");
    }
  }

  // --- message framing (RFC 9112 §6)

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // Content-Length and Transfer-Encoding together: a smuggling attempt (RFC 9112 §6.3 item 3)
        "Content-Length: 5\\r\\nTransfer-Encoding: chunked|400",
        "Transfer-Encoding: chunked\\r\\nContent-Length: 5|400",
        // two Content-Lengths that differ, or a list, or no number (RFC 9112 §6.3 item 5)
        "Content-Length: 5\\r\\nContent-Length: 6|400",
        "Content-Length: 5, 5|400",
        "Content-Length: 5x|400",
        "Content-Length: -5|400",
        // chunked that is not the final coding (RFC 9112 §6.3 item 4)
        "Transfer-Encoding: chunked, gzip|400",
        "Transfer-Encoding: gzip|400",
        // a transfer coding we do not decode (RFC 9112 §6.1)
        "Transfer-Encoding: gzip, chunked|501",
        // whitespace before a colon (RFC 9112 §5.1) or inside a field name (RFC 9110 §5.1)
        "Content-Length : 5|400",
        "X Bad: y\\r\\nContent-Length: 5|400",
        // a field line without a colon (RFC 9112 §5)
        "NoColonHere\\r\\nContent-Length: 5|400",
        // an expectation other than 100-continue (RFC 9110 §10.1.1)
        "Expect: something-else\\r\\nContent-Length: 5|417",
      })
  void badFramingIsRefusedAndTheConnectionClosed(String headers, int status) throws Exception {
    String h = headers.replace("\\r\\n", "\r\n");
    refusedAndClosed(
        "POST /engine.io/?EIO=4&transport=polling&sid=none HTTP/1.1\r\nHost: x\r\n"
            + h
            + "\r\n\r\n4body",
        status);
  }

  // --- Host and versions (RFC 9112 §2.3, §3.2)

  @Test
  void hostIsRequiredOnceInHttp11() throws Exception {
    refusedAndClosed("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\n\r\n", 400);
    refusedAndClosed(
        "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
    refusedAndClosed("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: a b\r\n\r\n", 400);
    refusedAndClosed("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: a/b\r\n\r\n", 400);
    // HTTP/1.0 has no Host requirement; a Host with a port is fine
    try (RawClient c = RawClient.connect(running.port())) {
      c.write("GET /engine.io/?EIO=4&transport=polling HTTP/1.0\r\n\r\n");
      RawClient.Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(200);
      RawClient.sidOf(r.text());
    }
    try (RawClient c = RawClient.connect(running.port())) {
      c.write("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n");
      assertThat(c.readResponse().status()).isEqualTo(200);
    }
  }

  @Test
  void onlyHttp1IsServed() throws Exception {
    refusedAndClosed("GET /engine.io/?EIO=4&transport=polling HTTP/2.0\r\nHost: x\r\n\r\n", 505);
    refusedAndClosed("GET /engine.io/?EIO=4&transport=polling HTTP/3.0\r\nHost: x\r\n\r\n", 505);
    refusedAndClosed("GET /engine.io/?EIO=4&transport=polling HTTP/0.9\r\nHost: x\r\n\r\n", 505);
    refusedAndClosed("GET /engine.io/?EIO=4&transport=polling FOO/1.1\r\nHost: x\r\n\r\n", 400);
    refusedAndClosed("GET /engine.io/?EIO=4&transport=polling HTTP/1\r\nHost: x\r\n\r\n", 400);
    // a higher minor version of HTTP/1 is served as HTTP/1.1
    try (RawClient c = RawClient.connect(running.port())) {
      c.write("GET /engine.io/?EIO=4&transport=polling HTTP/1.2\r\nHost: x\r\n\r\n");
      RawClient.Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(200);
      RawClient.sidOf(r.text());
    }
  }

  @Test
  void bareLineFeedsAndCarriageReturnsAreRefused() throws Exception {
    // RFC 9112 §2.2: a lone LF may be taken as a line end or refused; a lone CR must be refused or
    // replaced.
    // Both are refused: a line end that another parser on the path would read differently is a
    // smuggling path
    refusedAndClosed("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\nHost: x\n\n", 400);
    refusedAndClosed(
        "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400);
  }

  // --- limits and their statuses

  @Test
  void aTooLongRequestLineIs414AndATooLargeHeaderBlockIs431() throws Exception {
    String longTarget = "/engine.io/?EIO=4&transport=polling&pad=" + "x".repeat(5000);
    RawClient.Response r =
        refusedAndClosed("GET " + longTarget + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
    assertThat(r.text()).doesNotContain("Exception");
    String bigHeaders = "X-Pad: " + "y".repeat(8000) + "\r\nX-Pad2: " + "y".repeat(9000) + "\r\n";
    r =
        refusedAndClosed(
            "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n" + bigHeaders + "\r\n",
            431);
    assertThat(r.text()).doesNotContain("Exception");
    // just under the limits: served
    try (RawClient c = RawClient.connect(running.port())) {
      c.write(
          "GET /engine.io/?EIO=4&transport=polling&pad="
              + "x".repeat(3900)
              + " HTTP/1.1\r\nHost: x\r\nX-Pad: "
              + "y".repeat(15_000)
              + "\r\n\r\n");
      assertThat(c.readResponse().status()).isEqualTo(200);
    }
  }

  // --- Expect: 100-continue (RFC 9110 §10.1.1)

  @Test
  void expectContinueIsAnsweredBeforeTheBody() throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      String sid = handshake(c);
      byte[] body = "4after 100".getBytes(StandardCharsets.UTF_8);
      c.write(
          RawClient.head(
              "POST",
              q(sid),
              body.length,
              "Content-Type: text/plain;charset=UTF-8",
              "Expect: 100-continue"));
      // the client sends nothing more until it has the 100
      RawClient.Response interim = c.readResponse();
      assertThat(interim.status()).isEqualTo(100);
      c.write(body);
      RawClient.Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("ok");
      // the connection is kept and in step
      assertThat(pollFor(c, sid, "4after 100")).contains("4after 100");
    }
  }

  @Test
  void expectContinueOverTheLimitIsRefusedAtOnce() throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      String sid = handshake(c);
      c.write(
          RawClient.head(
              "POST",
              q(sid),
              MAX_HTTP + 1,
              "Content-Type: text/plain;charset=UTF-8",
              "Expect: 100-continue"));
      RawClient.Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(c.awaitEof(Duration.ofSeconds(5))).isTrue();
      assertThat(closes).doesNotContainKey(sid);
    }
  }

  // --- request order (RFC 9112 §9.3.2)

  @Test
  void pipelinedResponsesLeaveInRequestOrder() throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      String sid = handshake(c);
      byte[] body = "4pipelined".getBytes(StandardCharsets.UTF_8);
      // a long-poll GET (held until the next ping) and a POST behind it, in one write
      c.write(
          RawClient.head("GET", q(sid), -1)
              + RawClient.head(
                  "POST", q(sid), body.length, "Content-Type: text/plain;charset=UTF-8")
              + "4pipelined");
      RawClient.Response first = c.readResponse();
      RawClient.Response second = c.readResponse();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.text()).as("the GET's answer comes first").isEqualTo("2");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.text()).isEqualTo("ok");
      assertThat(pollFor(c, sid, "4pipelined")).contains("4pipelined");
    }
    // quick ones of every kind in one write: answered one by one, in order, on the kept connection
    try (RawClient c = RawClient.connect(running.port())) {
      String sid = handshake(c);
      StringBuilder all = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        all.append(RawClient.head("GET", "/elsewhere", -1));
        all.append(RawClient.head("POST", q(sid), 3, "Content-Type: text/plain;charset=UTF-8"))
            .append("4p")
            .append(i);
        all.append(RawClient.head("GET", "/engine.io/?EIO=4&transport=polling&sid=unknown", -1));
      }
      c.write(all.toString());
      for (int i = 0; i < 5; i++) {
        assertThat(c.readResponse().status()).isEqualTo(404);
        RawClient.Response ok = c.readResponse();
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.text()).isEqualTo("ok");
        assertThat(c.readResponse().status()).isEqualTo(400);
      }
      assertThat(pollFor(c, sid, "4p4")).endsWith("4p0\u001e4p1\u001e4p2\u001e4p3\u001e4p4");
    }
  }

  // --- WebSocket opening handshake (RFC 6455 §4.2)

  @Test
  void malformedUpgradesAreRefusedCleanly() throws Exception {
    String target =
        "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    int errorsBefore = LogCapture.linesContaining(" ERROR ").size();
    refusedAndClosed(target + "Sec-WebSocket-Version: 13\r\n\r\n", 400); // no key
    refusedAndClosed(
        target + "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n",
        400); // not 16 bytes
    refusedAndClosed(
        target + "Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        400);
    refusedAndClosed(target + key + key + "Sec-WebSocket-Version: 13\r\n\r\n", 400); // two keys
    refusedAndClosed(target + key + "\r\n", 400); // no version
    RawClient.Response r = refusedAndClosed(target + key + "Sec-WebSocket-Version: 8\r\n\r\n", 426);
    assertThat(r.header("Sec-WebSocket-Version")).isEqualTo("13");
    r = refusedAndClosed(target + key + "Sec-WebSocket-Version: 14\r\n\r\n", 426);
    assertThat(r.header("Sec-WebSocket-Version")).isEqualTo("13");
    refusedAndClosed(
        target.replace("HTTP/1.1", "HTTP/1.0") + key + "Sec-WebSocket-Version: 13\r\n\r\n", 400);
    assertThat(LogCapture.linesContaining(" ERROR ")).as("no error logged").hasSize(errorsBefore);
    // the same request, well formed, is upgraded
    try (RawClient c = RawClient.connect(running.port())) {
      c.write(target + key + "Sec-WebSocket-Version: 13\r\n\r\n");
      RawClient.Response ok = c.readResponse();
      assertThat(ok.status()).isEqualTo(101);
      assertThat(ok.header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
  }
}
