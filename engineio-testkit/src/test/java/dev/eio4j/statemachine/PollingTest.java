package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.Message;
import dev.eio4j.testing.Bytes;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.FakeHttpExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/protocol.md §3, §6.1: long-polling GET and POST, v4 and v3, exact bytes. */
@ExtendWith(NoUnexpectedEvents.class)
class PollingTest {
  private static final String SESSION_UNKNOWN = "{\"code\":1,\"message\":\"Session ID unknown\"}";
  private static final String OCTET = "application/octet-stream";

  private final EngineHarness h = EngineHarness.create();

  private EngineIoSocket socket(PollingClient c) {
    return h.server().socket(c.sid()).orElseThrow();
  }

  private static void assertOk(FakeHttpExchange post) {
    assertThat(post.status()).isEqualTo(200);
    assertThat(post.bodyString()).isEqualTo("ok");
    assertThat(post.responseHeader("Content-Type")).isEqualTo("text/html");
    assertThat(post.responseHeader("cache-control")).isEqualTo("no-store");
  }

  private static void assertEmpty400(FakeHttpExchange ex) {
    assertThat(ex.status()).isEqualTo(400);
    assertThat(ex.body()).isEmpty();
    assertThat(ex.responseHeader("Content-Type")).isNull();
  }

  @ParameterizedTest
  @CsvSource({"EIO=4, 4hello", "EIO=3, 6:4hello"})
  void heldGetIsAnsweredWhenAMessageIsSent(String eio, String expected) {
    PollingClient c = h.openPolling(eio);
    FakeHttpExchange get = c.get();
    assertThat(get.responded()).isFalse();
    h.clock().advanceMillis(5_000);
    assertThat(get.responded()).isFalse();
    socket(c).send("hello");
    h.clock().runPending();
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.bodyString()).isEqualTo(expected);
    assertThat(get.responseHeader("Content-Type")).isEqualTo("text/plain; charset=UTF-8");
    assertThat(get.responseHeader("cache-control")).isEqualTo("no-store");
  }

  @Test
  void sendsAreBatchedIntoOnePayloadV4() {
    PollingClient c = h.openPolling("EIO=4&b64=1");
    EngineIoSocket s = socket(c);
    s.send("a");
    s.send("b");
    s.send(new byte[] {1, 2, 3, 4});
    h.clock().runPending();
    // b64 has no effect on v4 polling: binary is always base64
    assertThat(c.get().bodyString()).isEqualTo("4a\u001e4b\u001ebAQIDBA==");
  }

  @Test
  void sendsAreBatchedIntoOnePayloadV3Text() {
    PollingClient c = h.openPolling("EIO=3&b64=1");
    EngineIoSocket s = socket(c);
    s.send("hello");
    s.send("world");
    s.send(new byte[] {1, 2, 3, 4});
    h.clock().runPending();
    FakeHttpExchange get = c.get();
    assertThat(get.bodyString()).isEqualTo("6:4hello6:4world10:b4AQIDBA==");
    assertThat(get.responseHeader("Content-Type")).isEqualTo("text/plain; charset=UTF-8");
  }

  @Test
  void v3TextLengthsCountUtf16Units() {
    PollingClient c = h.openPolling("EIO=3");
    socket(c).send("€ 😀");
    h.clock().runPending();
    assertThat(c.get().bodyString()).isEqualTo("5:4€ 😀");
  }

  @Test
  void v3BinaryPayloadToTheClient() {
    PollingClient c = h.openPolling("EIO=3");
    EngineIoSocket s = socket(c);
    s.send("hello");
    s.send(new byte[] {1, 2, 3, 4});
    h.clock().runPending();
    FakeHttpExchange get = c.get();
    assertThat(Bytes.hex(get.body()))
        .isEqualTo("00 06 ff 34 68 65 6c 6c 6f 01 05 ff 04 01 02 03 04");
    assertThat(get.responseHeader("Content-Type")).isEqualTo(OCTET);

    s.send("€");
    s.send(new byte[] {1, 2, 3, 4});
    h.clock().runPending();
    assertThat(Bytes.hex(c.get().body())).isEqualTo("00 04 ff 34 e2 82 ac 01 05 ff 04 01 02 03 04");
    // no binary queued: the text format, even on a binary-capable session
    s.send("x");
    h.clock().runPending();
    assertThat(c.get().bodyString()).isEqualTo("2:4x");
  }

  @Test
  void v3BinaryPayloadFromTheClient() {
    PollingClient c = h.openPolling("EIO=3");
    assertOk(c.post(Bytes.fromHex("00 06 ff 34 68 65 6c 6c 6f 01 05 ff 04 01 02 03 04"), OCTET));
    assertThat(c.events().log())
        .containsExactly("open", "message:hello", "message:binary:01 02 03 04");
  }

  @Test
  void postedPacketsAreDeliveredInOrder() {
    PollingClient v4 = h.openPolling("EIO=4");
    assertOk(v4.post("4test1\u001e4test2\u001ebAQIDBA==\u001e4"));
    assertThat(v4.events().messages())
        .containsExactly(
            Message.text("test1"),
            Message.text("test2"),
            Message.binary(new byte[] {1, 2, 3, 4}),
            Message.text(""));
    PollingClient v3 = h.openPolling("EIO=3");
    assertOk(v3.post("6:4test16:4test210:b4AQIDBA=="));
    assertThat(v3.events().log())
        .containsExactly("open", "message:test1", "message:test2", "message:binary:01 02 03 04");
  }

  @Test
  void echoRoundTripsByteForByte() {
    EngineHarness e = EngineHarness.create().echo();
    PollingClient c = e.openPolling("EIO=4");
    c.post("4test1\u001e4test2\u001e4test3");
    assertThat(c.get().bodyString()).isEqualTo("4test1\u001e4test2\u001e4test3");
    c.post("4hello\u001ebAQIDBA==");
    assertThat(c.get().bodyString()).isEqualTo("4hello\u001ebAQIDBA==");
    PollingClient v3 = e.openPolling("EIO=3&b64=1");
    v3.post("6:4hello10:b4AQIDBA==");
    assertThat(v3.get().bodyString()).isEqualTo("6:4hello10:b4AQIDBA==");
    assertThat(c.events().takeLog())
        .containsExactly(
            "open",
            "message:test1",
            "message:test2",
            "message:test3",
            "message:hello",
            "message:binary:01 02 03 04");
    assertThat(v3.events().takeLog())
        .containsExactly("open", "message:hello", "message:binary:01 02 03 04");
  }

  @ParameterizedTest
  @CsvSource({"EIO=4, 1", "EIO=3, 1:1"})
  void overlappingGetKillsTheSession(String eio, String closePayload) {
    PollingClient c = h.openPolling(eio);
    FakeHttpExchange held = c.get();
    FakeHttpExchange second = c.get();
    assertEmpty400(second);
    assertThat(held.status()).isEqualTo(200);
    assertThat(held.bodyString()).isEqualTo(closePayload);
    assertThat(c.events().log())
        .containsExactly("open", "close:transport error:overlap from client");
    FakeHttpExchange later = c.get();
    assertThat(later.status()).isEqualTo(400);
    assertThat(later.bodyString()).isEqualTo(SESSION_UNKNOWN);
    assertThat(h.clock().pendingTimers()).isZero();
  }

  @Test
  void overlappingPostKillsTheSessionAndResetsTheFirst() {
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange first = h.send(c.postBuilder().body("4first").deferBody().build());
    assertThat(first.responded()).isFalse();
    FakeHttpExchange second = c.post("4second");
    assertEmpty400(second);
    assertThat(first.aborted()).isTrue();
    assertThat(c.events().log())
        .containsExactly("open", "close:transport error:data request overlap from client");
    // the rest of the first body arrives after all: nothing happens
    first.completeBody();
    assertThat(first.responded()).isFalse();
    assertThat(c.events().messages()).isEmpty();
  }

  @Test
  void v4OctetStreamPostIsInvalidContent() {
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange held = c.get();
    FakeHttpExchange post = c.post(new byte[] {4, 1, 2}, OCTET);
    assertEmpty400(post);
    assertThat(post.bodyRequested()).isFalse();
    assertThat(held.bodyString()).isEqualTo("1");
    assertThat(c.events().log()).containsExactly("open", "close:transport error:invalid content");
  }

  @Test
  void tooLargeBodyGets413AndKeepsTheSession() {
    EngineHarness small = EngineHarness.create(b -> b.maxHttpBufferSize(100)).echo();
    PollingClient c = small.openPolling("EIO=4");
    FakeHttpExchange tooBig = c.post("4" + "x".repeat(100)); // 101 bytes
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.body()).isEmpty();
    assertThat(tooBig.bodyLimit()).isEqualTo(100);
    FakeHttpExchange utf8 = c.post("4" + "é".repeat(50)); // 51 chars, 101 UTF-8 bytes
    assertThat(utf8.status()).isEqualTo(413);
    FakeHttpExchange announced =
        small.send(c.postBuilder().header("Content-Length", "5000").body("4tiny").build());
    assertThat(announced.status()).isEqualTo(413);

    assertOk(c.post("4" + "y".repeat(99))); // exactly 100 bytes
    assertThat(c.get().bodyString()).isEqualTo("4" + "y".repeat(99));
    assertThat(c.events().log()).containsExactly("open", "message:" + "y".repeat(99));
  }

  @ParameterizedTest
  @CsvSource({"EIO=4, abc", "EIO=3, abc", "EIO=3, 4:4€"})
  void malformedPostIsOkButClosesWithParseError(String eio, String body) {
    PollingClient c = h.openPolling(eio);
    FakeHttpExchange held = c.get();
    assertOk(c.post(body));
    assertThat(held.responded()).isTrue();
    assertThat(c.events().log()).hasSize(2);
    c.events().assertClosed(DisconnectReason.PARSE_ERROR);
    FakeHttpExchange later = c.get();
    assertThat(later.status()).isEqualTo(400);
    assertThat(later.bodyString()).isEqualTo(SESSION_UNKNOWN);
  }

  @Test
  void packetsBeforeABadPartAreDelivered() {
    PollingClient c = h.openPolling("EIO=4");
    assertOk(c.post("4ok\u001ex9"));
    assertThat(c.events().log())
        .containsExactly("open", "message:ok", "close:parse error:unknown packet type 'x'");
  }

  @Test
  void emptyPostIsAParseError() {
    PollingClient v4 = h.openPolling("EIO=4");
    assertOk(v4.post(""));
    v4.events().assertClosed(DisconnectReason.PARSE_ERROR);
    PollingClient v3 = h.openPolling("EIO=3");
    assertOk(v3.post(""));
    v3.events().assertClosed(DisconnectReason.PARSE_ERROR);
  }

  @ParameterizedTest
  @CsvSource({"EIO=4, 1, 6", "EIO=3, 1:1, 1:6"})
  void clientClosePacketAnswersTheHeldGetWithNoop(String eio, String closeBody, String noop) {
    PollingClient c = h.openPolling(eio);
    FakeHttpExchange held = c.get();
    assertOk(c.post(closeBody));
    assertThat(held.bodyString()).isEqualTo(noop);
    assertThat(c.events().log()).containsExactly("open", "close:transport close");
    assertThat(c.get().bodyString()).isEqualTo(SESSION_UNKNOWN);
    assertThat(h.clock().pendingTimers()).isZero();
  }

  @Test
  void packetsBeforeTheClosePacketAreDelivered() {
    PollingClient c = h.openPolling("EIO=4");
    assertOk(c.post("4bye\u001e1"));
    assertThat(c.events().log()).containsExactly("open", "message:bye", "close:transport close");
  }

  @Test
  void abandonedHeldGetClosesTheSession() {
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange held = c.get();
    held.clientGone();
    assertThat(held.responded()).isFalse();
    assertThat(c.events().log())
        .containsExactly("open", "close:transport error:poll connection closed prematurely");
    assertThat(h.server().socketCount()).isZero();
    assertThat(h.clock().pendingTimers()).isZero();
  }

  @Test
  void aGetThatWasAnsweredCanGoAwayHarmlessly() {
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange get = c.get();
    socket(c).send("x");
    h.clock().runPending();
    assertThat(get.bodyString()).isEqualTo("4x");
    get.clientGone();
    assertThat(c.events().log()).containsExactly("open");
  }

  @Test
  void brokenPostBodyClosesTheSession() {
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange post = h.send(c.postBuilder().body("4x").deferBody().build());
    post.failBody(new java.io.IOException("reset"));
    assertThat(post.responded()).isFalse();
    assertThat(c.events().log())
        .containsExactly(
            "open", "close:transport error:data request connection closed prematurely");
  }

  @Test
  void jsonpPostUnescapesNewlines() {
    PollingClient v3 = h.openPolling("EIO=3&j=0");
    FakeHttpExchange post =
        v3.post(Bytes.utf8("d=4%3A4a%5Cnb"), "application/x-www-form-urlencoded");
    assertOk(post);
    PollingClient v4 = h.openPolling("EIO=4&j=1");
    // \\n (escaped backslash) stays a backslash followed by n
    assertOk(v4.post(Bytes.utf8("d=4a%5Cnb%1E4c%5C%5Cnd"), "application/x-www-form-urlencoded"));
    assertThat(v3.events().texts()).containsExactly("a\nb");
    assertThat(v4.events().texts()).containsExactly("a\nb", "c\\nd");
  }

  @Test
  void jsonpGetWrapsThePayloadAndForcesBase64() {
    PollingClient v4 = h.openPolling("EIO=4&j=0");
    EngineIoSocket s4 = socket(v4);
    s4.send("hello");
    s4.send("world");
    h.clock().runPending();
    assertThat(v4.get().bodyString()).isEqualTo("___eio[0](\"4hello\\u001e4world\");");

    // [ref-bug] fixed: without b64 the reference serialises a Buffer; we force base64 for JSONP
    PollingClient v3 = h.openPolling("EIO=3&j=1");
    socket(v3).send(new byte[] {1, 2, 3, 4});
    h.clock().runPending();
    FakeHttpExchange get = v3.get();
    assertThat(get.bodyString()).isEqualTo("___eio[1](\"10:b4AQIDBA==\");");
    assertThat(get.responseHeader("Content-Type")).isEqualTo("text/plain; charset=UTF-8");
  }

  @Test
  void jsonpEscapesLineSeparators() {
    PollingClient c = h.openPolling("EIO=4&j=0");
    socket(c).send("a\u2028b\"c");
    h.clock().runPending();
    assertThat(c.get().bodyString()).isEqualTo("___eio[0](\"4a\\u2028b\\\"c\");");
  }

  @Test
  void ieUserAgentsGetXssProtectionOff() {
    PollingClient c = h.openPolling("EIO=4");
    socket(c).send("x");
    h.clock().runPending();
    FakeHttpExchange get =
        h.send(
            c.getBuilder()
                .header("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Trident/7.0)")
                .build());
    assertThat(get.responseHeader("X-XSS-Protection")).isEqualTo("0");
  }

  @Test
  void largeGetResponsesAreCompressedWhenAccepted() {
    PollingClient c = h.openPolling("EIO=4");
    socket(c).send("x".repeat(2000));
    h.clock().runPending();
    FakeHttpExchange get =
        h.send(c.getBuilder().header("Accept-Encoding", "gzip, deflate, br").build());
    assertThat(get.responseHeader("Content-Encoding")).isEqualTo("gzip");
    assertThat(get.body().length).isLessThan(2000);
    socket(c).send("x".repeat(10));
    h.clock().runPending();
    FakeHttpExchange small = h.send(c.getBuilder().header("Accept-Encoding", "gzip").build());
    assertThat(small.responseHeader("Content-Encoding")).isNull();
    assertThat(small.bodyString()).isEqualTo("4xxxxxxxxxx");
  }

  @Test
  void afterAnsweringAGetTheNextOneIsHeldAgain() {
    PollingClient c = h.openPolling("EIO=4");
    socket(c).send("one");
    h.clock().runPending();
    assertThat(c.get().bodyString()).isEqualTo("4one");
    FakeHttpExchange next = c.get();
    assertThat(next.responded()).isFalse();
    socket(c).send("two");
    h.clock().runPending();
    assertThat(next.bodyString()).isEqualTo("4two");
  }

  @ParameterizedTest
  @CsvSource({"EIO=4, 4hello1, 4hello", "EIO=3, 6:4hello1:1, 6:4hello"})
  void aPostOfAMessageThenCloseGivesTheHeldGetWhatWasQueuedBeforeTheClose(
      String eio, String post, String expected) {
    EngineHarness echo = EngineHarness.create().echo();
    PollingClient c = echo.openPolling(eio);
    FakeHttpExchange held = c.get();
    assertThat(c.post(post).bodyString()).isEqualTo("ok");
    assertThat(held.bodyString()).as("the echo, not a noop").isEqualTo(expected);
    c.events().assertClosed(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(c.events().texts()).containsExactly("hello");
    assertThat(echo.clock().pendingTimers()).isZero();
  }

  @Test
  void aCloseWithNothingQueuedStillGivesTheHeldGetANoop() {
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange held = c.get();
    c.post("4unanswered1");
    assertThat(held.bodyString()).isEqualTo("6");
    c.events().assertClosed(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(c.events().texts()).containsExactly("unanswered");
  }
}
