package dev.eio4j.interop;

import static dev.eio4j.interop.TestServer.header;
import static dev.eio4j.interop.TestServer.target;
import static dev.eio4j.interop.TestServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.eio4j.AllowRequest;
import dev.eio4j.ConnectionError;
import dev.eio4j.DisconnectReason;
import dev.eio4j.HandshakeError;
import dev.eio4j.protocol.TransportType;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the error table (docs/protocol.md §7) over real sockets, with the exact status, Content-Type
 * and body, the effect on the session, and what the {@code connection_error} listener receives.
 *
 * <p>Servers: {@code main} (v4 only, an {@code allowRequest} that refuses {@code deny=1} with a message
 * and {@code deny=2} without one, an id generator that fails for {@code badid=1}); {@code small}
 * ({@code allowEIO3}, maxHttpBufferSize 100, as the reference's probe profile "small");
 * {@code pollingOnly} (WebSocket not enabled).
 */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.eio4j.interop.Backend#selected")
class ErrorTableTest {
  /** The runtime of this run of the suite. */
  @Parameter Backend backend;

  static final String Q4 = "EIO=4&transport=polling";
  static final String Q3 = "EIO=3&transport=polling";

  static TestServer main;
  static TestServer small;
  static TestServer pollingOnly;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    main =
        TestServer.echo(
            backend,
            b ->
                b.allowEIO3(false)
                    .allowRequest(
                        req -> {
                          String deny = req.queryParam("deny");
                          AllowRequest.Decision d =
                              "1".equals(deny)
                                  ? AllowRequest.Decision.deny("denied by allowRequest")
                                  : "2".equals(deny)
                                      ? AllowRequest.Decision.deny(null)
                                      : AllowRequest.Decision.allow();
                          return CompletableFuture.completedFuture(d);
                        })
                    .idGenerator(
                        req ->
                            req.queryParam("badid") != null ? null : UUID.randomUUID().toString()));
    small = TestServer.echo(backend, b -> b.allowEIO3(true).maxHttpBufferSize(100));
    pollingOnly = TestServer.echo(backend, b -> b.transports(TransportType.POLLING));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    for (TestServer s : new TestServer[] {main, small, pollingOnly}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @BeforeEach
  void forgetEarlierErrors() {
    main.clearErrors();
    small.clearErrors();
    pollingOnly.clearErrors();
  }

  /** A coded error over polling: status, {@code Content-Type: application/json} and the exact JSON body. */
  static void assertCoded(HttpResponse<byte[]> r, int status, int code, String message) {
    assertThat(r.statusCode()).as("status of %s", text(r)).isEqualTo(status);
    assertThat(header(r, "Content-Type")).isEqualTo("application/json");
    assertThat(text(r)).isEqualTo("{\"code\":" + code + ",\"message\":\"" + message + "\"}");
  }

  /** A bare error: the status, no body and no Content-Type. */
  static void assertEmpty(HttpResponse<byte[]> r, int status) {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.body()).isEmpty();
    assertThat(header(r, "Content-Type")).isNull();
  }

  static void assertOk(HttpResponse<byte[]> r) {
    assertThat(r.statusCode()).isEqualTo(200);
    Wire.assertContentType(r, "text/html");
    assertThat(text(r)).isEqualTo("ok");
  }

  /** The next {@code connection_error} of {@code server}: its code and message. */
  static ConnectionError expectError(TestServer server, HandshakeError error, String message)
      throws Exception {
    ConnectionError e = server.nextError();
    assertThat(e.error()).isEqualTo(error);
    assertThat(e.code()).isEqualTo(error.code());
    assertThat(e.message()).isEqualTo(message);
    return e;
  }

  /** A WebSocket handshake refused before the 101, as we do for every handshake error. */
  static void assertWsRefused(TestServer server, String query, String message) throws Exception {
    RawWebSocket.Handshake h = RawWebSocket.connect(server.port(), target(query));
    assertThat(h.socket()).as("no 101 for %s", query).isNull();
    RawHttp.Response r = h.response();
    Wire.assertStatusLine(server.backend, r.statusLine(), 400, "Bad Request");
    assertThat(r.header("Connection")).isEqualTo("close");
    // the reference writes this header name in this exact case (Netty copies it; see Wire)
    Wire.assertHeaderNameAsSent(server.backend, r, "Content-Type", "Content-type");
    Wire.assertContentType(server.backend, r.header("Content-Type"), "text/html");
    assertThat(r.header("Content-Length"))
        .isEqualTo(Integer.toString(message.getBytes(StandardCharsets.UTF_8).length));
    assertThat(r.text()).isEqualTo(message);
    assertThat(h.closedAfterRefusal()).as("connection closed after the 400").isTrue();
  }

  // ------------------------------------------------------------------ code 0

  @Test
  void code0TransportUnknown() throws Exception {
    assertCoded(main.get("EIO=4"), 400, 0, "Transport unknown");
    assertThat(
            expectError(main, HandshakeError.UNKNOWN_TRANSPORT, "Transport unknown")
                .context()
                .get("transport"))
        .isNull();
    assertCoded(main.get("EIO=4&transport=foo"), 400, 0, "Transport unknown");
    assertThat(expectError(main, HandshakeError.UNKNOWN_TRANSPORT, "Transport unknown").context())
        .containsExactly(entry("transport", "foo"));
    assertCoded(main.get("EIO=4&transport=webtransport"), 400, 0, "Transport unknown");
    assertThat(expectError(main, HandshakeError.UNKNOWN_TRANSPORT, "Transport unknown").context())
        .containsExactly(entry("transport", "webtransport"));
    // a transport that exists but is not enabled
    assertCoded(pollingOnly.get("EIO=4&transport=websocket"), 400, 0, "Transport unknown");
    assertThat(
            expectError(pollingOnly, HandshakeError.UNKNOWN_TRANSPORT, "Transport unknown")
                .context())
        .containsExactly(entry("transport", "websocket"));
  }

  // ------------------------------------------------------------------ code 1

  @Test
  void code1SessionIdUnknown() throws Exception {
    assertCoded(main.get(Q4 + "&sid=doesnotexist"), 400, 1, "Session ID unknown");
    assertThat(expectError(main, HandshakeError.UNKNOWN_SID, "Session ID unknown").context())
        .containsExactly(entry("sid", "doesnotexist"));
    assertCoded(main.post(Q4 + "&sid=doesnotexist", "4x"), 400, 1, "Session ID unknown");
    assertThat(expectError(main, HandshakeError.UNKNOWN_SID, "Session ID unknown").context())
        .containsExactly(entry("sid", "doesnotexist"));
  }

  // ------------------------------------------------------------------ code 2

  @Test
  void code2BadHandshakeMethod() throws Exception {
    assertCoded(main.post(Q4, "4x"), 400, 2, "Bad handshake method");
    assertThat(
            expectError(main, HandshakeError.BAD_HANDSHAKE_METHOD, "Bad handshake method")
                .context())
        .containsExactly(entry("method", "POST"));
    assertCoded(main.request("PUT", Q4, new byte[0]), 400, 2, "Bad handshake method");
    assertThat(
            expectError(main, HandshakeError.BAD_HANDSHAKE_METHOD, "Bad handshake method")
                .context())
        .containsExactly(entry("method", "PUT"));
    // OPTIONS when no CORS is configured
    assertCoded(main.request("OPTIONS", Q4, null), 400, 2, "Bad handshake method");
    assertThat(
            expectError(main, HandshakeError.BAD_HANDSHAKE_METHOD, "Bad handshake method")
                .context())
        .containsExactly(entry("method", "OPTIONS"));
  }

  // ------------------------------------------------------------------ code 3

  @Test
  void code3WebSocketWithoutUpgrade() throws Exception {
    assertCoded(main.get("EIO=4&transport=websocket"), 400, 3, "Bad request");
    assertThat(expectError(main, HandshakeError.BAD_REQUEST, "Bad request").context())
        .containsEntry("name", "TRANSPORT_HANDSHAKE_ERROR");
  }

  @Test
  void code3TransportMismatchKeepsTheSession() throws Exception {
    String sid = main.handshake(Q4);
    assertCoded(main.get("EIO=4&transport=websocket&sid=" + sid), 400, 3, "Bad request");
    assertThat(expectError(main, HandshakeError.BAD_REQUEST, "Bad request").context())
        .containsEntry("name", "TRANSPORT_MISMATCH")
        .containsEntry("transport", "websocket")
        .containsEntry("previousTransport", "polling");
    assertSessionWorks(main, Q4, sid);
  }

  @Test
  void code3TransportMismatchAfterUpgrade() throws Exception {
    String sid = main.handshake(Q4);
    try (RawWebSocket ws =
        RawWebSocket.open(main.port(), target("EIO=4&transport=websocket&sid=" + sid))) {
      ws.sendText("2probe");
      assertThat(ws.readText()).isEqualTo("3probe");
      ws.sendText("5");
      main.upgraded(sid).get(2, TimeUnit.SECONDS);
      assertCoded(main.get(Q4 + "&sid=" + sid), 400, 3, "Bad request");
      assertThat(expectError(main, HandshakeError.BAD_REQUEST, "Bad request").context())
          .containsEntry("name", "TRANSPORT_MISMATCH")
          .containsEntry("transport", "polling")
          .containsEntry("previousTransport", "websocket");
      ws.sendText("4still here");
      assertThat(ws.readText()).isEqualTo("4still here");
    }
  }

  @Test
  void code3ProtocolMismatchKeepsTheSession() throws Exception {
    String sid = main.handshake(Q4);
    assertCoded(main.get(Q3 + "&sid=" + sid), 400, 3, "Bad request");
    ConnectionError e = expectError(main, HandshakeError.BAD_REQUEST, "Bad request");
    assertThat(e.context()).containsEntry("name", "PROTOCOL_MISMATCH");
    assertThat(String.valueOf(e.context().get("protocol"))).isEqualTo("3");
    assertThat(String.valueOf(e.context().get("previousProtocol"))).isEqualTo("4");
    assertSessionWorks(main, Q4, sid);
  }

  @Test
  void code3InvalidOriginNeverReachesTheEngine() throws Exception {
    // Control characters in the Origin value (docs/protocol.md §4.4 step 3) are refused by the HTTP
    // parser
    // before Engine.IO sees the request, with a bare 400 and a close, as Node's parser does (T/05):
    // the
    // INVALID_ORIGIN code 3 cannot be produced over a real socket. Bytes 0x80-0xff are valid
    // obs-text.
    for (char bad : new char[] {0x7f, 0x01, 0x1f}) {
      try (RawHttp c = RawHttp.connect(main.port())) {
        c.sendRequest("GET", target(Q4), null, "Origin: http://a" + bad + "b");
        RawHttp.Response r = c.readResponse();
        Wire.assertStatusLine(main.backend, r.statusLine(), 400, "Bad Request");
        assertThat(r.header("Connection")).isEqualTo("close");
        assertThat(c.peerClosed()).isTrue();
      }
    }
    assertThat(main.pendingErrors()).isZero();
    RawHttp.Response ok =
        RawHttp.exchange(main.port(), "GET", target(Q4), null, "Origin: http://a\u00e9b");
    assertThat(ok.status()).isEqualTo(200);
  }

  @Test
  void code3IdGenerationError() throws Exception {
    assertCoded(main.get(Q4 + "&badid=1"), 400, 3, "Bad request");
    assertThat(expectError(main, HandshakeError.BAD_REQUEST, "Bad request").context())
        .containsEntry("name", "ID_GENERATION_ERROR");
  }

  // ------------------------------------------------------------------ code 4

  @Test
  void code4AllowRequestDenied() throws Exception {
    assertCoded(main.get(Q4 + "&deny=1"), 403, 4, "denied by allowRequest");
    ConnectionError custom = main.nextError();
    assertThat(custom.code()).isEqualTo(4);
    assertThat(custom.context()).containsExactly(entry("message", "denied by allowRequest"));
    assertCoded(main.get(Q4 + "&deny=2"), 403, 4, "Forbidden");
    ConnectionError plain = expectError(main, HandshakeError.FORBIDDEN, "Forbidden");
    assertThat(plain.context()).containsKey("message");
    assertThat(plain.context().get("message")).isNull();
  }

  // ------------------------------------------------------------------ code 5

  @Test
  void code5UnsupportedProtocolVersion() throws Exception {
    for (String eio : new String[] {"EIO=3&", "EIO=5&", "EIO=abc&", ""}) {
      assertCoded(main.get(eio + "transport=polling"), 400, 5, "Unsupported protocol version");
      expectError(
          main, HandshakeError.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version");
    }
  }

  @Test
  void code5EvenWithAllowEio3ForAnythingButThreeAndFour() throws Exception {
    // deliberate difference: the reference serves any EIO other than "4" as v3 when allowEIO3 is on
    for (String eio : new String[] {"EIO=5&", "EIO=abc&", ""}) {
      assertCoded(small.get(eio + "transport=polling"), 400, 5, "Unsupported protocol version");
      assertThat(
              expectError(
                      small,
                      HandshakeError.UNSUPPORTED_PROTOCOL_VERSION,
                      "Unsupported protocol version")
                  .context())
          .containsKey("protocol");
    }
    assertThat(small.get(Q3).statusCode()).isEqualTo(200);
  }

  // ------------------------------------------------------------------ overlapping requests

  @Test
  void secondConcurrentGetV4() throws Exception {
    Overlap.run(() -> secondConcurrentGet(main, Q4, "1"));
  }

  @Test
  void secondConcurrentGetV3() throws Exception {
    Overlap.run(() -> secondConcurrentGet(small, Q3 + "&b64=1", "1:1"));
  }

  private static boolean secondConcurrentGet(TestServer server, String q, String closePayload)
      throws Exception {
    String sid = server.handshake(q);
    CompletableFuture<HttpResponse<byte[]>> held = server.getAsync(q + "&sid=" + sid);
    Overlap.letItArrive();
    HttpResponse<byte[]> second = server.get(q + "&sid=" + sid);
    HttpResponse<byte[]> first = held.get(5, TimeUnit.SECONDS);
    if (first.statusCode() == 400) {
      return false; // the second GET arrived first
    }
    assertEmpty(second, 400);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(text(first)).isEqualTo(closePayload);
    TestServer.Closed closed = server.awaitClosed(sid, Duration.ofSeconds(2));
    assertThat(closed.reason()).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    assertThat(closed.description()).isEqualTo("overlap from client");
    assertThat(server.pendingErrors()).as("an overlap is not a coded error").isZero();
    assertCoded(server.get(q + "&sid=" + sid), 400, 1, "Session ID unknown");
    expectError(server, HandshakeError.UNKNOWN_SID, "Session ID unknown");
    return true;
  }

  @Test
  void secondConcurrentPost() throws Exception {
    Overlap.run(
        () -> {
          String sid = main.handshake(Q4);
          try (RawHttp slow = RawHttp.connect(main.port())) {
            // the first POST announces 10 bytes and sends 4
            slow.write(
                "POST "
                    + target(Q4 + "&sid=" + sid)
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n4hel");
            Overlap.letItArrive();
            HttpResponse<byte[]> second = main.post(Q4 + "&sid=" + sid, "4second");
            if (second.statusCode() == 200) {
              main.socket(sid).close();
              return false; // the second POST arrived first
            }
            assertEmpty(second, 400);
            TestServer.Closed closed = main.awaitClosed(sid, Duration.ofSeconds(2));
            assertThat(closed.reason()).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
            assertThat(closed.description()).isEqualTo("data request overlap from client");
            assertThat(slow.peerClosed()).as("the first POST's connection is dropped").isTrue();
          }
          assertThat(main.received(sid)).isEmpty();
          assertCoded(main.get(Q4 + "&sid=" + sid), 400, 1, "Session ID unknown");
          return true;
        });
  }

  // ------------------------------------------------------------------ bodies

  @Test
  void v4OctetStreamPost() throws Exception {
    String sid = main.handshake(Q4);
    assertEmpty(
        main.request(
            "POST",
            Q4 + "&sid=" + sid,
            new byte[] {4, 1, 2},
            "Content-Type",
            "application/octet-stream"),
        400);
    TestServer.Closed closed = main.awaitClosed(sid, Duration.ofSeconds(2));
    assertThat(closed.reason()).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    assertThat(closed.description()).isEqualTo("invalid content");
  }

  @Test
  void postOverTheLimitKeepsTheSession() throws Exception {
    String sid = small.handshake(Q4);
    String q = Q4 + "&sid=" + sid;
    String atLimit = "4" + "x".repeat(99);
    assertOk(small.post(q, atLimit));
    assertThat(text(small.get(q))).isEqualTo(atLimit);
    assertEmpty(small.post(q, "4" + "x".repeat(100)), 413);
    // 51 chars but 101 UTF-8 bytes: the limit counts bytes
    assertEmpty(small.post(q, "4" + "\u00e9".repeat(50)), 413);
    assertThat(small.received(sid)).hasSize(1);
    assertSessionWorks(small, Q4, sid);
    assertThat(small.pendingErrors()).isZero();
  }

  @Test
  void chunkedPostOverTheLimit() throws Exception {
    String sid = small.handshake(Q4);
    try (RawHttp c = RawHttp.connect(small.port())) {
      c.write(
          "POST "
              + target(Q4 + "&sid=" + sid)
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
      c.writeChunk(("4" + "y".repeat(59)).getBytes(StandardCharsets.US_ASCII));
      c.writeChunk(
          "z".repeat(60).getBytes(StandardCharsets.US_ASCII)); // 120 bytes so far: over 100
      RawHttp.Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.body()).isEmpty();
      assertThat(r.header("Content-Type")).isNull();
    }
    // a chunked body within the limit is fine
    try (RawHttp c = RawHttp.connect(small.port())) {
      c.write(
          "POST "
              + target(Q4 + "&sid=" + sid)
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
      c.writeChunk("4chu".getBytes(StandardCharsets.US_ASCII));
      c.writeChunk("nked".getBytes(StandardCharsets.US_ASCII));
      c.writeChunk(new byte[0]);
      RawHttp.Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("ok");
    }
    assertThat(small.nextReceived(sid).text()).isEqualTo("chunked");
    assertThat(text(small.get(Q4 + "&sid=" + sid))).isEqualTo("4chunked");
    assertSessionWorks(small, Q4, sid);
  }

  @Test
  void hugeChunkedBodyIsRefusedBeforeItEnds() throws Exception {
    String sid = main.handshake(Q4);
    long total = 256L * 1024 * 1024; // far more than the 1e6 limit, and than any socket buffer
    AtomicLong sent = new AtomicLong();
    RawHttp.Response r;
    try (RawHttp c = RawHttp.connect(main.port())) {
      c.write(
          "POST "
              + target(Q4 + "&sid=" + sid)
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) 'x');
      chunk[0] = '4';
      Thread writer =
          new Thread(
              () -> {
                try {
                  while (sent.get() < total) {
                    c.writeChunk(chunk);
                    sent.addAndGet(chunk.length);
                    chunk[0] = 'x';
                  }
                  c.writeChunk(new byte[0]);
                } catch (IOException expected) {
                  // the server stopped reading and closed the connection after its 413
                }
              },
              "huge-body-writer");
      writer.setDaemon(true);
      writer.start();
      r = c.readResponse();
      long sentWhenAnswered = sent.get();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.body()).isEmpty();
      assertThat(sentWhenAnswered).as("413 before the body was complete").isLessThan(total);
      // the server closes the connection after its 413: the writer fails on its own
      writer.join(5_000);
      assertThat(writer.isAlive()).as("writer stopped by the closed connection").isFalse();
      assertThat(sent.get()).isLessThan(total);
    }
    // the same with an announced Content-Length: refused from the headers alone
    try (RawHttp c = RawHttp.connect(main.port())) {
      c.write(
          "POST "
              + target(Q4 + "&sid=" + sid)
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
              + total
              + "\r\n\r\n4abc");
      RawHttp.Response early = c.readResponse();
      assertThat(early.status()).isEqualTo(413);
      assertThat(early.body()).isEmpty();
    }
    assertThat(main.received(sid)).isEmpty();
    assertSessionWorks(main, Q4, sid);
  }

  @Test
  void malformedPayloadIsAnsweredOkThenTheSessionIsGone() throws Exception {
    for (String body : new String[] {"abc", ""}) {
      String sid = main.handshake(Q4);
      assertOk(main.post(Q4 + "&sid=" + sid, body));
      assertThat(main.awaitClosed(sid, Duration.ofSeconds(2)).reason())
          .isEqualTo(DisconnectReason.PARSE_ERROR);
      assertCoded(main.get(Q4 + "&sid=" + sid), 400, 1, "Session ID unknown");
      expectError(main, HandshakeError.UNKNOWN_SID, "Session ID unknown");
    }
  }

  @Test
  void packetsBeforeAMalformedOneAreDelivered() throws Exception {
    // T/05b D2: "4ok<RS>x9" delivers "ok" to the application, then the session closes (parse error)
    String sid = main.handshake(Q4);
    assertOk(main.post(Q4 + "&sid=" + sid, "4ok\u001ex9"));
    assertThat(main.nextReceived(sid).text()).isEqualTo("ok");
    assertThat(main.awaitClosed(sid, Duration.ofSeconds(2)).reason())
        .isEqualTo(DisconnectReason.PARSE_ERROR);
  }

  @Test
  void echoOfAPacketBeforeAMalformedOneReachesTheHeldGet() throws Exception {
    String sid = main.handshake(Q4);
    CompletableFuture<HttpResponse<byte[]>> held = main.getAsync(Q4 + "&sid=" + sid);
    Overlap.letItArrive();
    assertOk(main.post(Q4 + "&sid=" + sid, "4ok\u001ex9"));
    HttpResponse<byte[]> poll = held.get(5, TimeUnit.SECONDS);
    assertThat(poll.statusCode()).isEqualTo(200);
    assertThat(text(poll)).isEqualTo("4ok");
    assertThat(main.awaitClosed(sid, Duration.ofSeconds(2)).reason())
        .isEqualTo(DisconnectReason.PARSE_ERROR);
  }

  @Test
  void otherMethodsWithASidGetCode3() throws Exception {
    String sid = main.handshake(Q4);
    for (String method : new String[] {"PUT", "DELETE", "PATCH", "OPTIONS"}) {
      HttpResponse<byte[]> r =
          main.request(method, Q4 + "&sid=" + sid, method.equals("OPTIONS") ? null : new byte[0]);
      assertCoded(r, 400, 3, "Bad request");
      assertThat(main.nextError().code()).isEqualTo(3);
    }
    assertSessionWorks(main, Q4, sid);
  }

  // ------------------------------------------------------------------ WebSocket

  @Test
  void webSocketFrameOverTheLimitCloses1009() throws Exception {
    try (RawWebSocket ws = RawWebSocket.open(small.port(), target("EIO=4&transport=websocket"))) {
      String sid = TestServer.sidOf(ws.readText());
      String atLimit = "4" + "x".repeat(99);
      ws.sendText(atLimit);
      assertThat(ws.readText()).isEqualTo(atLimit);
      ws.sendText("4" + "x".repeat(100));
      assertThat(ws.awaitClose()).isEqualTo(1009);
      TestServer.Closed closed = small.awaitClosed(sid, Duration.ofSeconds(2));
      assertThat(closed.reason()).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
      assertThat(small.isOpen(sid)).isFalse();
    }
  }

  @Test
  void webSocketHandshakeErrors() throws Exception {
    assertWsRefused(main, "EIO=4&transport=websocket&sid=nope", "Session ID unknown");
    assertThat(expectError(main, HandshakeError.UNKNOWN_SID, "Session ID unknown").context())
        .containsExactly(entry("sid", "nope"));

    assertWsRefused(main, "EIO=4&transport=foo", "Transport unknown");
    assertThat(expectError(main, HandshakeError.UNKNOWN_TRANSPORT, "Transport unknown").context())
        .containsExactly(entry("transport", "foo"));

    assertWsRefused(main, "EIO=4", "Transport unknown");
    expectError(main, HandshakeError.UNKNOWN_TRANSPORT, "Transport unknown");

    assertWsRefused(pollingOnly, "EIO=4&transport=websocket", "Transport unknown");
    expectError(pollingOnly, HandshakeError.UNKNOWN_TRANSPORT, "Transport unknown");

    // the reference answers a 101 and then writes a 400 into the WebSocket ([ref-bug],
    // docs/protocol.md §4.4)
    assertWsRefused(main, "transport=websocket", "Unsupported protocol version");
    expectError(main, HandshakeError.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version");

    // Forbidden is still a 400 over WebSocket
    assertWsRefused(main, "EIO=4&transport=websocket&deny=1", "denied by allowRequest");
    assertThat(main.nextError().context())
        .containsExactly(entry("message", "denied by allowRequest"));
    assertWsRefused(main, "EIO=4&transport=websocket&deny=2", "Forbidden");
    expectError(main, HandshakeError.FORBIDDEN, "Forbidden");

    // the reference completes the 101 for a WebSocket with transport=polling and closes it at once
    assertWsRefused(main, "EIO=4&transport=polling", "Bad request");
    expectError(main, HandshakeError.BAD_REQUEST, "Bad request");

    // protocol mismatch on an upgrade
    String sid = main.handshake(Q4);
    assertWsRefused(main, "EIO=3&transport=websocket&sid=" + sid, "Bad request");
    assertThat(expectError(main, HandshakeError.BAD_REQUEST, "Bad request").context())
        .containsEntry("name", "PROTOCOL_MISMATCH");
    assertSessionWorks(main, Q4, sid);
  }

  /** POST a message and read its echo: the session is alive and usable. */
  private static void assertSessionWorks(TestServer server, String q, String sid) throws Exception {
    assertThat(server.isOpen(sid)).isTrue();
    assertOk(server.post(q + "&sid=" + sid, "4alive"));
    HttpResponse<byte[]> r = server.get(q + "&sid=" + sid);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(text(r)).isEqualTo("4alive");
  }
}
