package dev.eio4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.spi.Headers;
import dev.eio4j.spi.HttpExchange;
import dev.eio4j.spi.WsHandler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fakes behave like a well-behaved adapter. */
class FakesTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final List<String> seen = new ArrayList<>();

  private HttpExchange.BodyHandler recorder() {
    return new HttpExchange.BodyHandler() {
      @Override
      public void onBody(byte[] body) {
        seen.add("body:" + new String(body));
      }

      @Override
      public void onTooLarge() {
        seen.add("tooLarge");
      }

      @Override
      public void onError(Throwable cause) {
        seen.add("error");
      }
    };
  }

  @Test
  void bodyWithinTheLimitIsDelivered() {
    FakeHttpExchange ex = FakeHttpExchange.post("/engine.io/?x", "1234", clock);
    ex.readBody(4, recorder());
    assertThat(seen).containsExactly("body:1234");
    assertThat(ex.bodyLimit()).isEqualTo(4);
    assertThat(ex.bodyOutcome()).isEqualTo("body");
    assertThatThrownBy(() -> ex.readBody(4, recorder())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void bodyOverTheLimitIsTooLarge() {
    FakeHttpExchange ex = FakeHttpExchange.post("/engine.io/?x", "12345", clock);
    ex.readBody(4, recorder());
    assertThat(seen).containsExactly("tooLarge");
  }

  @Test
  void announcedContentLengthOverTheLimitIsTooLarge() {
    FakeHttpExchange ex =
        FakeHttpExchange.builder("POST", "/engine.io/?x")
            .header("Content-Length", "5000")
            .body("12")
            .build();
    ex.readBody(100, recorder());
    assertThat(seen).containsExactly("tooLarge");
  }

  @Test
  void deferredBodyWaitsAndCanFail() {
    FakeHttpExchange ok = FakeHttpExchange.builder("POST", "/e/").body("ab").deferBody().build();
    ok.readBody(10, recorder());
    assertThat(seen).isEmpty();
    ok.completeBody();
    FakeHttpExchange ko = FakeHttpExchange.builder("POST", "/e/").body("ab").deferBody().build();
    ko.readBody(10, recorder());
    ko.clientGone();
    assertThat(seen).containsExactly("body:ab", "error");
  }

  @Test
  void respondKeepsTheFirstResponseAndStopsGoneCallbacks() {
    FakeHttpExchange ex = FakeHttpExchange.get("/engine.io/?x", clock);
    ex.onClientGone(() -> seen.add("gone"));
    assertThat(ex.responded()).isFalse();
    assertThatThrownBy(ex::status).isInstanceOf(IllegalStateException.class);
    ex.respond(200, new Headers().add("A", "1"), "ok".getBytes());
    ex.respond(500, new Headers(), new byte[0]);
    assertThat(ex.status()).isEqualTo(200);
    assertThat(ex.bodyString()).isEqualTo("ok");
    assertThat(ex.responseHeader("a")).isEqualTo("1");
    assertThat(ex.respondCalls()).isEqualTo(2);
    ex.clientGone();
    ex.onClientGone(() -> seen.add("late"));
    assertThat(seen).isEmpty();
  }

  @Test
  void clientGoneRunsCallbacksOnceAndLateRegistrationsAtOnce() {
    FakeHttpExchange ex = FakeHttpExchange.get("/engine.io/?x", clock);
    ex.onClientGone(() -> seen.add("first"));
    ex.clientGone();
    ex.clientGone();
    ex.onClientGone(() -> seen.add("late"));
    assertThat(seen).containsExactly("first", "late");
    assertThat(ex.isClientGone()).isTrue();
    ex.abort();
    assertThat(ex.aborted()).isTrue();
    assertThat(ex.toString()).contains("aborted", "client-gone");
  }

  @Test
  void wsUpgradeRecordsRejectAndAccept() {
    FakeWsUpgrade rejected = FakeWsUpgrade.of("/engine.io/?x", clock);
    rejected.reject(400, new Headers(), "Bad request");
    assertThat(rejected.rejected()).isTrue();
    assertThat(rejected.rejectBody()).isEqualTo("Bad request");
    assertThat(rejected.decisions()).isEqualTo(1);
    assertThat(rejected.request().header("upgrade")).isEqualTo("websocket");

    FakeWsUpgrade up = FakeWsUpgrade.builder("/engine.io/?x").lane(clock).deferOpen().build();
    up.accept(new Headers().add("X", "y"), 42, conn -> handler(conn));
    assertThat(up.accepted()).isTrue();
    assertThat(up.maxPayload()).isEqualTo(42);
    assertThatThrownBy(up::connection).isInstanceOf(IllegalStateException.class);
    FakeWsConnection conn = up.open();
    assertThat(up.connection()).isSameAs(conn);
    assertThat(conn.frames()).isEmpty();
  }

  @Test
  void wsConnectionShowsOnlyFlushedFramesAndDeliversClientFrames() {
    FakeWsUpgrade up = FakeWsUpgrade.of("/engine.io/?x", clock);
    up.accept(new Headers(), 6, this::handler);
    FakeWsConnection conn = up.connection();
    conn.sendText("3probe");
    conn.sendBinary(new byte[] {1, 2});
    assertThat(conn.frames()).isEmpty();
    assertThat(conn.unflushed()).hasSize(2);
    conn.flush();
    assertThat(conn.frameLog()).containsExactly("text:3probe", "binary:01 02");
    assertThat(conn.takeFrameLog()).containsExactly("text:3probe", "binary:01 02");
    assertThat(conn.takeFrameLog()).isEmpty();
    conn.clientText("2probe").clientBinary(new byte[] {9});
    conn.setWritable(false);
    assertThat(conn.isWritable()).isFalse();
    conn.setWritable(true);
    conn.clientText("1234567"); // over maxPayload 6: close 1009 + onError
    conn.clientText("dropped");
    conn.clientClose();
    assertThat(seen)
        .containsExactly(
            "text:2probe", "binary:1", "writable", "error:RangeError: Max payload size exceeded");
    assertThat(conn.closeCalls())
        .extracting(FakeWsConnection.CloseCall::status)
        .containsExactly(1009);
    conn.sendText("late");
    assertThat(conn.framesAfterClose()).isEqualTo(1);
  }

  private WsHandler handler(Object conn) {
    return new WsHandler() {
      @Override
      public void onText(String text) {
        seen.add("text:" + text);
      }

      @Override
      public void onBinary(byte[] data) {
        seen.add("binary:" + data.length);
      }

      @Override
      public void onClose() {
        seen.add("close");
      }

      @Override
      public void onError(String description) {
        seen.add("error:" + description);
      }

      @Override
      public void onWritable() {
        seen.add("writable");
      }
    };
  }

  @Test
  void openPacketsHelpers() {
    String sid = "XOPMNoYYwJ5ouC0oAAAA";
    String json = OpenPackets.expectedJson(sid, true, 25000, 20000, 1000000);
    assertThat(json)
        .isEqualTo(
            "{\"sid\":\"XOPMNoYYwJ5ouC0oAAAA\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}");
    assertThat(OpenPackets.sid("118:0" + json + "14:4hello-initial")).isEqualTo(sid);
    assertThat(OpenPackets.json("0" + json + "\u001e4x")).isEqualTo(json);
    assertThat(OpenPackets.keys("0" + json))
        .containsExactly("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
    assertThat(OpenPackets.field("0" + json, "upgrades")).isEqualTo("[\"websocket\"]");
    assertThat(OpenPackets.field("0" + json, "pingTimeout")).isEqualTo("20000");
    assertThat(OpenPackets.sid("___eio[0](\"0{\\\"sid\\\":\\\"abc\\\",\\\"upgrades\\\":[]}\");"))
        .isEqualTo("abc");
    assertThat(Bytes.hex(Bytes.fromHex("00 06 ff"))).isEqualTo("00 06 ff");
    assertThat(Bytes.printable(Bytes.utf8("4a\u001e\\"))).isEqualTo("4a\\x1e\\\\");
  }
}
