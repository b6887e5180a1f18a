package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.Message;
import dev.eio4j.ReadyState;
import dev.eio4j.SendResult;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.PacketType;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.EngineHarness.WsClient;
import dev.eio4j.testing.FakeHttpExchange;
import dev.eio4j.testing.FakeWsConnection;
import dev.eio4j.testing.ManualScheduler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Session lifecycle: timers, event order, listener isolation, send results, backpressure. */
@ExtendWith(NoUnexpectedEvents.class)
class LifecycleTest {
  private final EngineHarness h =
      EngineHarness.create(
              b -> b.pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200)))
          .echo();

  // ------------------------------------------------------------------ timers

  /**
   * Each scenario opens a session, ends it one way, and must leave no timer behind; the third argument
   * is every event the session delivers, in order.
   */
  static Stream<Arguments> endings() {
    List<Arguments> out = new ArrayList<>();
    for (String eio : new String[] {"EIO=4", "EIO=3"}) {
      out.add(
          Arguments.of(
              eio + " polling: client close",
              (Consumer<EngineHarness>)
                  x -> x.openPolling(eio).post(eio.equals("EIO=4") ? "1" : "1:1"),
              List.of("open", "close:transport close")));
      out.add(
          Arguments.of(
              eio + " polling: ping timeout",
              (Consumer<EngineHarness>)
                  x -> {
                    x.openPolling(eio);
                    x.clock().advanceMillis(2_000);
                  },
              List.of("open", "close:ping timeout")));
      out.add(
          Arguments.of(
              eio + " polling: socket.close() with a GET held",
              (Consumer<EngineHarness>)
                  x -> {
                    PollingClient c = x.openPolling(eio);
                    c.get();
                    x.server().socket(c.sid()).orElseThrow().close();
                    x.clock().runPending();
                  },
              List.of("open", "close:forced close")));
      out.add(
          Arguments.of(
              eio + " polling: deferred close then GET",
              (Consumer<EngineHarness>)
                  x -> {
                    PollingClient c = x.openPolling(eio);
                    x.server().socket(c.sid()).orElseThrow().close();
                    x.clock().runPending();
                    c.get();
                  },
              List.of("open", "close:forced close")));
      out.add(
          Arguments.of(
              eio + " polling: overlap",
              (Consumer<EngineHarness>)
                  x -> {
                    PollingClient c = x.openPolling(eio);
                    c.get();
                    c.get();
                  },
              List.of("open", "close:transport error:overlap from client")));
      out.add(
          Arguments.of(
              eio + " polling: parse error",
              (Consumer<EngineHarness>) x -> x.openPolling(eio).post("abc"),
              List.of(
                  "open",
                  eio.equals("EIO=4")
                      ? "close:parse error:unknown packet type 'a'"
                      : "close:parse error:non-digit 'a' in length at 0")));
      out.add(
          Arguments.of(
              eio + " websocket: client closes",
              (Consumer<EngineHarness>) x -> x.openWebSocket(eio).conn().clientClose(),
              List.of("open", "close:transport close")));
      out.add(
          Arguments.of(
              eio + " websocket: socket.close()",
              (Consumer<EngineHarness>)
                  x -> {
                    WsClient c = x.openWebSocket(eio);
                    x.server().socket(c.sid()).orElseThrow().close();
                    x.clock().runPending();
                  },
              List.of("open", "close:forced close")));
      out.add(
          Arguments.of(
              eio + " websocket: ping timeout",
              (Consumer<EngineHarness>)
                  x -> {
                    x.openWebSocket(eio);
                    x.clock().advanceMillis(2_000);
                  },
              List.of("open", "close:ping timeout")));
      out.add(
          Arguments.of(
              eio + " websocket: error",
              (Consumer<EngineHarness>) x -> x.openWebSocket(eio).conn().clientError("boom"),
              List.of("open", "close:transport error:boom")));
      out.add(
          Arguments.of(
              eio + " mid-upgrade (probing): client close over polling",
              (Consumer<EngineHarness>)
                  x -> {
                    PollingClient c = x.openPolling(eio);
                    c.upgrade().connection().clientText("2probe");
                    x.clock().advanceMillis(150); // noop ticker running
                    c.post(eio.equals("EIO=4") ? "1" : "1:1");
                  },
              List.of("open", "upgrading:websocket", "close:transport close")));
      out.add(
          Arguments.of(
              eio + " mid-upgrade (accepted, no probe): ping timeout",
              (Consumer<EngineHarness>)
                  x -> {
                    PollingClient c = x.openPolling(eio);
                    c.upgrade();
                    x.clock().advanceMillis(2_000);
                  },
              List.of("open", "close:ping timeout")));
      out.add(
          Arguments.of(
              eio + " mid-upgrade (probed): server close",
              (Consumer<EngineHarness>)
                  x -> {
                    PollingClient c = x.openPolling(eio);
                    FakeWsConnection ws = c.upgrade().connection();
                    ws.clientText("2probe");
                    x.server().close();
                    x.clock().advanceMillis(40_000);
                  },
              List.of("open", "upgrading:websocket", "close:forced close")));
      out.add(
          Arguments.of(
              eio + " upgraded: socket.close()",
              (Consumer<EngineHarness>)
                  x -> {
                    PollingClient c = x.openPolling(eio);
                    FakeWsConnection ws = c.upgrade().connection();
                    ws.clientText("2probe");
                    ws.clientText("5");
                    x.server().socket(c.sid()).orElseThrow().close();
                    x.clock().runPending();
                  },
              List.of("open", "upgrading:websocket", "upgrade:websocket", "close:forced close")));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endings")
  void everyTimerIsCancelledWhenASessionCloses(
      String name, Consumer<EngineHarness> scenario, List<String> expectedEvents) {
    EngineHarness x =
        EngineHarness.create(
            b -> b.pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200)));
    scenario.accept(x);
    assertThat(x.server().socketCount()).as("sessions left").isZero();
    assertThat(x.events().sockets()).allSatisfy(l -> assertThat(l.closeCount()).isEqualTo(1));
    assertThat(x.clock().pendingTimers()).as("timers left: %s", x.clock()).isZero();
    assertThat(x.clock().pendingTasks()).isZero();
    assertThat(x.events().only().log()).containsExactlyElementsOf(expectedEvents);
  }

  @Test
  void anOpenSessionKeepsExactlyItsHeartbeatTimer() {
    PollingClient c = h.openPolling("EIO=4");
    assertThat(h.clock().pendingTimerDelays()).containsExactly(300L);
    FakeWsConnection ws = c.upgrade().connection();
    assertThat(h.clock().pendingTimers()).isEqualTo(2); // + upgrade timeout
    ws.clientText("2probe");
    assertThat(h.clock().pendingTimers()).isEqualTo(3); // + noop tick
    ws.clientText("5");
    assertThat(h.clock().pendingTimers()).isEqualTo(1);
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "upgrade:websocket");
  }

  // ------------------------------------------------------------------ events

  @Test
  void eventsOfOneSocketAreDeliveredInOrderOnTheListenerExecutor() {
    ManualScheduler listenerLane = new ManualScheduler();
    List<String> threadsOk = new ArrayList<>();
    EngineHarness x = EngineHarness.create(b -> b.listenerExecutor(listenerLane));
    x.events()
        .onOpen(s -> threadsOk.add(listenerLane.inLane() ? "ok" : "not on the listener executor"));
    PollingClient c = x.openPolling("EIO=4");
    c.post("4one\u001e4two\u001ebAQI=");
    c.post("4three");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    ws.clientText("5");
    ws.clientText("4four");
    ws.clientClose();
    // nothing has reached the application yet: it all waits on the listener executor
    assertThat(x.events().count()).isZero();
    listenerLane.runPending();
    assertThat(x.events().only().log())
        .containsExactly(
            "open",
            "message:one",
            "message:two",
            "message:binary:01 02",
            "message:three",
            "upgrading:websocket",
            "upgrade:websocket",
            "message:four",
            "close:transport close");
    assertThat(threadsOk).containsExactly("ok");
  }

  @Test
  void packetListenersSeeEveryPacketBothWays() {
    PollingClient c = h.openPolling("EIO=4");
    h.clock().advanceMillis(300);
    c.post("3\u001e4hi");
    assertThat(c.events().packetsIn())
        .containsExactly(Packet.of(PacketType.PONG), Packet.message("hi"));
    assertThat(c.events().packetsOut())
        .extracting(Packet::type)
        .containsExactly(PacketType.PING, PacketType.MESSAGE);
    // the heartbeat event is the pong this test sent, so it is expected like the message
    assertThat(c.events().log()).containsExactly("open", "heartbeat", "message:hi");
  }

  @Test
  void listenerExceptionsDoNotBreakTheSession() {
    EngineHarness x = EngineHarness.create();
    x.server()
        .onConnection(
            s -> {
              throw new IllegalStateException("connection listener bug");
            });
    x.events()
        .onOpen(
            s -> {
              s.onMessage(
                  m -> {
                    throw new IllegalStateException("message listener bug");
                  });
              s.onMessage(s::send);
              s.onClose(
                  r -> {
                    throw new IllegalStateException("close listener bug");
                  });
            });
    x.server()
        .onConnection(
            s ->
                s.onUpgrade(
                    t -> {
                      throw new IllegalStateException("upgrade listener bug");
                    }));
    PollingClient c = x.openPolling("EIO=4");
    assertThat(c.post("4a").bodyString()).isEqualTo("ok");
    assertThat(c.get().bodyString()).isEqualTo("4a");
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    ws.clientText("5");
    ws.clientText("4b");
    assertThat(ws.texts()).containsExactly("3probe", "4b");
    ws.clientClose();
    assertThat(c.events().log())
        .containsExactly(
            "open",
            "message:a",
            "upgrading:websocket",
            "upgrade:websocket",
            "message:b",
            "close:transport close");
    assertThat(x.clock().failures()).isEmpty();
  }

  // ------------------------------------------------------------------ sending

  @Test
  void sendResults() {
    // every packet costs its payload plus the fixed overhead: a budget of 2 overheads + 10 bytes
    int overhead = EngineIoOptions.PACKET_OVERHEAD_BYTES;
    EngineHarness x = EngineHarness.create(b -> b.maxBufferedBytes(2 * overhead + 10));
    PollingClient c = x.openPolling("EIO=4");
    EngineIoSocket s = x.server().socket(c.sid()).orElseThrow();
    assertThat(s.send("12345678")).isEqualTo(SendResult.QUEUED);
    assertThat(s.bufferedAmount()).isEqualTo(8 + overhead);
    assertThat(s.send("abc")).isEqualTo(SendResult.BUFFER_FULL);
    assertThat(s.send(new byte[] {1, 2})).isEqualTo(SendResult.QUEUED);
    assertThat(s.send(ByteBuffer.wrap(new byte[] {3}))).isEqualTo(SendResult.BUFFER_FULL);
    x.clock().runPending();
    assertThat(c.get().bodyString()).isEqualTo("412345678\u001ebAQI=");
    assertThat(s.bufferedAmount()).isZero();
    // one message larger than the budget is accepted when nothing is queued
    assertThat(s.send("x".repeat(200))).isEqualTo(SendResult.QUEUED);
    assertThat(s.send(Message.text("y"))).isEqualTo(SendResult.BUFFER_FULL);
    x.clock().runPending();
    assertThat(c.get().bodyString()).isEqualTo("4" + "x".repeat(200));
    s.close();
    assertThat(s.send("z")).isEqualTo(SendResult.CLOSED);
    x.clock().runPending();
    c.get();
    assertThat(s.readyState()).isEqualTo(ReadyState.CLOSED);
    assertThat(s.send("z")).isEqualTo(SendResult.CLOSED);
    assertThat(c.events().log()).containsExactly("open", "close:forced close");
  }

  @Test
  void broadcastReachesEveryOpenSocket() {
    PollingClient a = h.openPolling("EIO=4");
    PollingClient b = h.openPolling("EIO=3&b64=1");
    WsClient w = h.openWebSocket("EIO=4");
    assertThat(h.server().broadcast("all")).isEqualTo(3);
    assertThat(h.server().broadcast(new byte[] {7})).isEqualTo(3);
    h.clock().runPending();
    assertThat(a.get().bodyString()).isEqualTo("4all\u001ebBw==");
    assertThat(b.get().bodyString()).isEqualTo("4:4all6:b4Bw==");
    assertThat(w.conn().takeFrameLog()).endsWith("text:4all", "binary:07");
  }

  @Test
  void webSocketBackpressureKeepsPacketsUntilWritable() {
    WsClient c = h.openWebSocket("EIO=4");
    FakeWsConnection ws = c.conn();
    ws.takeFrames();
    EngineIoSocket s = h.server().socket(c.sid()).orElseThrow();
    ws.setWritable(false);
    s.send("a");
    s.send("b");
    h.clock().runPending();
    assertThat(ws.takeFrames()).isEmpty();
    assertThat(s.bufferedAmount()).isEqualTo(2 + 2 * EngineIoOptions.PACKET_OVERHEAD_BYTES);
    ws.setWritable(true);
    assertThat(ws.takeFrameLog()).containsExactly("text:4a", "text:4b");
    assertThat(s.bufferedAmount()).isZero();
  }

  @Test
  void webSocketEchoOfTextAndBinaryV4AndV3() {
    WsClient v4 = h.openWebSocket("EIO=4");
    v4.conn().takeFrames();
    v4.conn().clientText("4hello").clientBinary(new byte[] {1, 2, 3, 4}).clientText("4");
    assertThat(v4.conn().takeFrameLog())
        .containsExactly("text:4hello", "binary:01 02 03 04", "text:4");
    WsClient v3 = h.openWebSocket("EIO=3");
    v3.conn().takeFrames();
    v3.conn().clientText("4hello").clientBinary(new byte[] {4, 1, 2, 3, 4});
    assertThat(v3.conn().takeFrameLog()).containsExactly("text:4hello", "binary:04 01 02 03 04");
    WsClient b64 = h.openWebSocket("EIO=4&b64=1");
    b64.conn().takeFrames();
    b64.conn().clientBinary(new byte[] {1, 2, 3, 4}).clientText("bAQIDBA==");
    assertThat(b64.conn().takeFrameLog()).containsExactly("text:bAQIDBA==", "text:bAQIDBA==");
    WsClient b64v3 = h.openWebSocket("EIO=3&b64=1");
    b64v3.conn().takeFrames();
    b64v3.conn().clientText("b4AQIDBA==");
    assertThat(b64v3.conn().takeFrameLog()).containsExactly("text:b4AQIDBA==");
    assertThat(h.events().socket(v4.sid()).log())
        .containsExactly("open", "message:hello", "message:binary:01 02 03 04", "message:");
    assertThat(h.events().socket(v3.sid()).log())
        .containsExactly("open", "message:hello", "message:binary:01 02 03 04");
    assertThat(h.events().socket(b64.sid()).log())
        .containsExactly("open", "message:binary:01 02 03 04", "message:binary:01 02 03 04");
    assertThat(h.events().socket(b64v3.sid()).log())
        .containsExactly("open", "message:binary:01 02 03 04");
  }

  @Test
  void webSocketParseErrorClosesTheSession() {
    WsClient c = h.openWebSocket("EIO=4");
    c.conn().clientText("abc");
    assertThat(c.conn().closed()).isTrue();
    h.events().socket(c.sid()).assertClosed(DisconnectReason.PARSE_ERROR);
    WsClient v3 = h.openWebSocket("EIO=3");
    v3.conn().clientBinary(new byte[] {9, 1});
    h.events().socket(v3.sid()).assertClosed(DisconnectReason.PARSE_ERROR);
  }

  @Test
  void directWebSocketClientCloseV3AndV4() {
    for (String eio : new String[] {"EIO=4", "EIO=3"}) {
      WsClient c = h.openWebSocket(eio);
      c.conn().clientText("1");
      h.events().socket(c.sid()).assertClosed(DisconnectReason.TRANSPORT_CLOSE);
      assertThat(c.conn().closed()).isTrue();
    }
  }

  @Test
  void coreNeverRespondsTwice() {
    PollingClient c = h.openPolling("EIO=4");
    FakeHttpExchange held = c.get();
    c.post("4x"); // echoed into the held GET
    h.server().socket(c.sid()).orElseThrow().close();
    h.clock().advanceMillis(60_000);
    assertThat(held.respondCalls()).isEqualTo(1);
    assertThat(c.handshake().respondCalls()).isEqualTo(1);
    assertThat(c.events().log()).containsExactly("open", "message:x", "close:forced close");
  }

  @Test
  void bufferedAmountReturnsToZeroWhenTheSessionEndsWithSendsInFlight() {
    PollingClient c = h.openPolling("EIO=4");
    EngineIoSocket s = h.server().socket(c.sid()).orElseThrow();
    FakeHttpExchange held = h.send(c.getBuilder().autoRun(false).build());
    s.send("queued-before"); // held GET: flushed at once
    h.clock().runPending();
    assertThat(held.bodyString()).isEqualTo("4queued-before");
    FakeHttpExchange held2 = h.send(c.getBuilder().autoRun(false).build());
    held2.clientGone(); // the session's end is queued on the lane, not run yet
    assertThat(s.send("in-flight"))
        .isEqualTo(SendResult.QUEUED); // still OPEN from this thread's view
    assertThat(s.bufferedAmount()).isEqualTo(9 + EngineIoOptions.PACKET_OVERHEAD_BYTES);
    h.clock().runPending();
    c.events().assertClosed(DisconnectReason.TRANSPORT_ERROR);
    assertThat(s.bufferedAmount()).isZero();
  }

  @Test
  void bufferedAmountIsReleasedForPacketsDroppedAtClose() {
    PollingClient c = h.openPolling("EIO=4");
    EngineIoSocket s = h.server().socket(c.sid()).orElseThrow();
    s.send("never-read");
    h.clock().runPending();
    assertThat(s.bufferedAmount()).isEqualTo(10 + EngineIoOptions.PACKET_OVERHEAD_BYTES);
    c.post("1"); // the client leaves with the packet unread
    assertThat(s.readyState()).isEqualTo(ReadyState.CLOSED);
    assertThat(s.bufferedAmount()).isZero();
    assertThat(c.events().log()).containsExactly("open", "close:transport close");
  }

  @Test
  void twoUpgradesAcceptedAtOnceOnlyOneProbes() {
    PollingClient c = h.openPolling("EIO=4");
    String q = "EIO=4&transport=websocket&sid=" + c.sid();
    var first = h.send(h.ws(q).deferOpen().build());
    var second = h.send(h.ws(q).deferOpen().build());
    assertThat(first.accepted()).isTrue();
    assertThat(second.accepted()).isTrue(); // both passed the checks before either opened
    FakeWsConnection a = first.open();
    FakeWsConnection b = second.open();
    assertThat(b.closed()).isTrue();
    assertThat(a.closed()).isFalse();
    a.clientText("2probe");
    a.clientText("5");
    assertThat(h.server().socket(c.sid()).orElseThrow().transport())
        .isEqualTo(dev.eio4j.protocol.TransportType.WEBSOCKET);
    // one upgrade reaches the application; the refused second connection adds no event
    assertThat(c.events().log())
        .containsExactly("open", "upgrading:websocket", "upgrade:websocket");
  }

  @Test
  void aFailedWebSocketHandshakeLeavesNothingBehind() {
    var up = h.send(h.ws("EIO=4&transport=websocket").deferOpen().build());
    assertThat(up.accepted()).isTrue();
    up.failHandshake();
    assertThat(h.server().socketCount()).isZero();
    assertThat(h.events().count()).isZero();
    assertThat(h.clock().pendingTimers()).isZero();
  }

  @Test
  void anUpgradeOpenedAfterTheSessionEndedIsClosed() {
    PollingClient c = h.openPolling("EIO=4");
    var up = h.send(h.ws("EIO=4&transport=websocket&sid=" + c.sid()).deferOpen().build());
    c.post("1");
    FakeWsConnection ws = up.open();
    assertThat(ws.closed()).isTrue();
    assertThat(h.clock().pendingTimers()).isZero();
    assertThat(c.events().log()).containsExactly("open", "close:transport close");
  }

  @Test
  void handshakesPendingInAllowRequestAreRefusedAfterServerClose() {
    java.util.concurrent.CompletableFuture<dev.eio4j.AllowRequest.Decision> verdict =
        new java.util.concurrent.CompletableFuture<>();
    EngineHarness x = EngineHarness.create(b -> b.allowRequest(req -> verdict));
    FakeHttpExchange hs = x.get("EIO=4&transport=polling");
    var ws = x.upgrade("EIO=4&transport=websocket");
    x.server().close();
    verdict.complete(dev.eio4j.AllowRequest.Decision.allow());
    x.clock().runPending();
    assertThat(hs.status()).isEqualTo(400);
    assertThat(ws.rejected()).isTrue();
    assertThat(x.server().socketCount()).isZero();
    assertThat(x.clock().pendingTimers()).isZero();
  }

  @Test
  void aWebSocketHandshakeThatCompletesAfterServerCloseIsClosed() {
    var up = h.send(h.ws("EIO=4&transport=websocket").deferOpen().build());
    assertThat(up.accepted()).isTrue();
    h.server().close();
    FakeWsConnection ws = up.open();
    assertThat(ws.closed()).isTrue();
    assertThat(h.server().socketCount()).isZero();
    h.events().only().assertClosed(DisconnectReason.FORCED_CLOSE);
    assertThat(h.clock().pendingTimers()).isZero();
  }
}
