package dev.eio4j.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.socketio.SioHarness.Ws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The server's behaviour under virtual time, wire frames compared with those the reference server 4.8.x
 * sends for the same input.
 */
class SocketIoServerTest {
  private final SioHarness sio = new SioHarness(b -> b.connectTimeout(Duration.ofMillis(1000)));
  private final List<String> log = new ArrayList<>();

  /** The reference suite's application: echo on "/", auth on both, "/custom" acks. */
  private void suiteApp() {
    sio.io
        .sockets()
        .onConnection(
            s -> {
              s.emit("auth", s.handshake().auth());
              s.on("message", (args, ack) -> s.emit("message-back", args.valueStream().toArray()));
              s.on("message-with-ack", (args, ack) -> ack.send(args.valueStream().toArray()));
              s.onDisconnect(r -> log.add("/ " + r.wireName()));
            });
    sio.io
        .of("/custom")
        .onConnection(
            s -> {
              s.emit("auth", s.handshake().auth());
              s.on("message-with-ack", (args, ack) -> ack.send(args.valueStream().toArray()));
              s.onDisconnect(r -> log.add("/custom " + r.wireName()));
            });
  }

  @Test
  void connectWithAuthThenEventsAndAcksAsTheReference() {
    suiteApp();
    Ws c = sio.ws("4");
    List<String> connect = c.send("0{\"token\":\"123\"}").take();
    assertThat(connect).hasSize(2);
    assertThat(connect.get(0))
        .matches("text:40\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}")
        .doesNotContain(c.sid);
    assertThat(connect.get(1)).isEqualTo("text:42[\"auth\",{\"token\":\"123\"}]");

    assertThat(c.send("2[\"message\",1,\"2\",{\"3\":[true]}]").take())
        .containsExactly("text:42[\"message-back\",1,\"2\",{\"3\":[true]}]");
    assertThat(c.send("2456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]").take())
        .containsExactly("text:43456[1,\"2\",{\"3\":[false]}]");

    c.send(
            "52-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]")
        .sendBinary((byte) 1, (byte) 2, (byte) 3);
    assertThat(c.take()).isEmpty(); // one attachment still missing
    assertThat(c.sendBinary((byte) 4, (byte) 5, (byte) 6).take())
        .containsExactly(
            "text:462-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
            "binary:01 02 03",
            "binary:04 05 06");

    c.send(
            "52-[\"message\",{\"_placeholder\":true,\"num\":0},{\"x\":{\"num\":1,\"_placeholder\":true}}]")
        .sendBinary((byte) 9)
        .sendBinary((byte) 8);
    assertThat(c.take())
        .containsExactly(
            "text:452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"x\":{\"_placeholder\":true,\"num\":1}}]",
            "binary:09",
            "binary:08");
  }

  @Test
  void mainNamespaceWithoutPayloadGetsAnEmptyAuth() {
    suiteApp();
    Ws c = sio.ws("4");
    assertThat(c.send("0").take()).element(1).isEqualTo("text:42[\"auth\",{}]");
  }

  @Test
  void customDynamicUnknownAndRefusedNamespaces() {
    suiteApp();
    DynamicNamespace dyn = sio.io.of(Pattern.compile("/dyn-\\w+"));
    dyn.onConnection(s -> s.emit("hello", s.namespace().name(), s.handshake().auth()));
    sio.io
        .of("/private")
        .use(
            s -> {
              throw new ConnectError(
                  "Not authorized", JsonNodeFactory.instance.objectNode().put("code", 42));
            });
    Ws c = sio.ws("4");
    c.send("0").take();

    List<String> custom = c.send("0/custom,").take();
    assertThat(custom.get(0)).matches("text:40/custom,\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}");
    assertThat(custom.get(1)).isEqualTo("text:42/custom,[\"auth\",{}]");
    assertThat(c.send("2/custom,7[\"message-with-ack\",\"a\"]").take())
        .containsExactly("text:43/custom,7[\"a\"]");

    List<String> d = c.send("0/dyn-abc,").take();
    assertThat(d.get(0)).matches("text:40/dyn-abc,\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}");
    assertThat(d.get(1)).isEqualTo("text:42/dyn-abc,[\"hello\",\"/dyn-abc\",{}]");
    assertThat(sio.io.namespaces()).containsKey("/dyn-abc");

    assertThat(c.send("0/random,").take())
        .containsExactly("text:44/random,{\"message\":\"Invalid namespace\"}");
    assertThat(c.send("0/private,").take())
        .containsExactly("text:44/private,{\"message\":\"Not authorized\",\"data\":{\"code\":42}}");
    assertThat(sio.io.namespaces()).doesNotContainKey("/random");

    // leaving: no reply, the connection stays, the emptied dynamic child is removed
    assertThat(c.send("1/custom,").take()).isEmpty();
    assertThat(log).containsExactly("/custom client namespace disconnect");
    c.send("1/dyn-abc,");
    assertThat(sio.io.namespaces()).doesNotContainKey("/dyn-abc");
    assertThat(c.send("2[\"message\",1]").take()).containsExactly("text:42[\"message-back\",1]");
    assertThat(c.closed()).isFalse();
  }

  @Test
  void dynamicChildrenDoNotAccumulate() {
    sio.io.of(name -> name.startsWith("/room-"));
    Ws c = sio.ws("4");
    for (int i = 0; i < 50; i++) {
      c.send("0/room-" + i + ",").send("1/room-" + i + ",");
    }
    assertThat(sio.io.namespaces().keySet()).containsExactly("/");
  }

  @Test
  void asyncMiddlewareDelaysTheReplyAndSeesTheAuth() {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    AtomicReference<String> token = new AtomicReference<>();
    sio.io
        .of("/slow")
        .use(
            s -> {
              token.set(s.handshake().auth().path("token").asString());
              s.data().put("user", "u1");
              return gate;
            })
        .onConnection(s -> s.emit("welcome", s.data().get("user")));
    Ws c = sio.ws("4");
    assertThat(c.send("0/slow,{\"token\":\"abc\"}").take()).isEmpty();
    assertThat(token.get()).isEqualTo("abc");
    gate.complete(null);
    List<String> out = c.take();
    assertThat(out.get(0)).startsWith("text:40/slow,{\"sid\":");
    assertThat(out.get(1)).isEqualTo("text:42/slow,[\"welcome\",\"u1\"]");
  }

  @Test
  void failingMiddlewareRefusesWithoutDetailsAndReportsTheError() {
    sio.io
        .of("/boom")
        .use(
            s ->
                CompletableFuture.failedFuture(
                    new IllegalStateException("db password wrong at Foo.java:12")));
    Ws c = sio.ws("4");
    assertThat(c.send("0/boom,").take())
        .containsExactly("text:44/boom,{\"message\":\"Server error\"}");
    assertThat(sio.errors)
        .singleElement()
        .extracting(Throwable::getMessage)
        .asString()
        .contains("db password");
    assertThat(c.closed()).isFalse();
  }

  @Test
  void serverDisconnectThenDisconnectWithClose() {
    suiteApp();
    sio.io.of(Pattern.compile("/dyn-\\w+"));
    AtomicReference<SocketIoSocket> main = new AtomicReference<>();
    sio.io.sockets().onConnection(main::set);
    Ws c = sio.ws("4");
    c.send("0").take();
    main.get().disconnect();
    assertThat(c.take()).containsExactly("text:41");
    assertThat(log).containsExactly("/ server namespace disconnect");
    assertThat(c.closed()).isFalse();

    c.send("0").send("0/dyn-abc,").take();
    main.get().disconnect(true);
    assertThat(c.take()).containsExactly("text:41", "text:41/dyn-abc,");
    assertThat(c.closed()).isTrue();
    assertThat(log)
        .containsExactly("/ server namespace disconnect", "/ server namespace disconnect");
  }

  @Test
  void connectTimeoutClosesAConnectionThatJoinedNothing() {
    Ws idle = sio.ws("4");
    Ws joined = sio.ws("4");
    joined.send("0").take();
    sio.clock().advanceMillis(999);
    assertThat(idle.closed()).isFalse();
    sio.clock().advanceMillis(1);
    assertThat(idle.closed()).isTrue();
    assertThat(joined.closed()).isFalse();
  }

  @Test
  void invalidPacketsCloseThatConnectionOnly() {
    suiteApp();
    Ws other = sio.ws("4");
    other.send("0").take();
    for (String bad :
        List.of(
            "abc",
            "2{}",
            "2abc[\"message-with-ack\",1]",
            "2[]",
            "2[1]",
            "0[1]",
            "2[\"connect\"]")) {
      Ws c = sio.ws("4");
      if (!bad.startsWith("0")) {
        c.send("0").take();
      }
      c.send(bad);
      assertThat(c.closed()).as(bad).isTrue();
    }
    assertThat(log).containsOnly("/ forced close").hasSize(6);
    assertThat(other.closed()).isFalse();
    assertThat(other.send("2[\"message\",\"still\"]").take())
        .containsExactly("text:42[\"message-back\",\"still\"]");
  }

  @Test
  void eventBeforeAnyConnectClosesTheConnection() {
    suiteApp();
    Ws c = sio.ws("4");
    c.send("2[\"message\"]");
    assertThat(c.closed()).isTrue();
  }

  @Test
  void listenerExceptionsGoToTheErrorHookAndTheConnectionLives() {
    sio.io
        .sockets()
        .onConnection(
            s -> {
              s.onAny((event, args) -> log.add("any " + event));
              s.on(
                  "x",
                  (args, ack) -> {
                    throw new IllegalStateException("boom");
                  });
              s.on("x", (args, ack) -> log.add("second listener still ran"));
              s.on("y", (args, ack) -> ack.send("fine"));
            });
    Ws c = sio.ws("4");
    c.send("0").take();
    c.send("2[\"x\"]");
    assertThat(sio.errors).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
    assertThat(c.send("21[\"y\"]").take()).containsExactly("text:431[\"fine\"]");
    assertThat(log).containsExactly("any x", "second listener still ran", "any y");
    assertThat(c.closed()).isFalse();
  }

  @Test
  void eventsOfOneConnectionArriveInOrder() {
    List<Integer> seen = new ArrayList<>();
    sio.io.sockets().onConnection(s -> s.on("n", (args, ack) -> seen.add(args.get(0).intValue())));
    Ws c = sio.ws("4");
    c.send("0");
    for (int i = 0; i < 100; i++) {
      c.conn.clientText("42[\"n\"," + i + "]");
    }
    sio.clock().runPending();
    assertThat(seen).hasSize(100).isSorted();
  }

  @Test
  void anIncomingAckIsAnsweredExactlyOnce() {
    AtomicReference<Throwable> second = new AtomicReference<>();
    sio.io
        .sockets()
        .onConnection(
            s ->
                s.on(
                        "q",
                        (args, ack) -> {
                          assertThat(ack.isRequested()).isTrue();
                          ack.send(1);
                          try {
                            ack.send(2);
                          } catch (IllegalStateException e) {
                            second.set(e);
                          }
                        })
                    .on(
                        "noack",
                        (args, ack) -> {
                          log.add("requested=" + ack.isRequested());
                          ack.send("ignored");
                        }));
    Ws c = sio.ws("4");
    c.send("0").take();
    assertThat(c.send("25[\"q\"]").take()).containsExactly("text:435[1]");
    assertThat(second.get()).isInstanceOf(IllegalStateException.class);
    assertThat(c.send("2[\"noack\"]").take()).isEmpty();
    assertThat(log).containsExactly("requested=false");
  }

  @Test
  void emitWithAckAnsweredThenTimedOutAndTheLateAnswerDropped() throws Exception {
    AtomicReference<SocketIoSocket> s = new AtomicReference<>();
    sio.io.sockets().onConnection(s::set);
    Ws c = sio.ws("4");
    c.send("0").take();

    CompletableFuture<ArrayNode> answered =
        s.get().emitWithAck(Duration.ofMillis(300), "question", 1);
    assertThat(c.take()).containsExactly("text:420[\"question\",1]");
    c.send("30[\"yes\"]");
    assertThat(answered.get().get(0).stringValue()).isEqualTo("yes");
    assertThat(s.get().pendingAcks()).isZero();

    CompletableFuture<ArrayNode> unanswered =
        s.get().emitWithAck(Duration.ofMillis(300), "question", 1);
    assertThat(c.take()).containsExactly("text:421[\"question\",1]");
    sio.clock().advanceMillis(299);
    assertThat(unanswered).isNotDone();
    assertThat(s.get().pendingAcks()).isOne();
    sio.clock().advanceMillis(1);
    assertThatThrownBy(unanswered::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(TimeoutException.class)
        .hasMessage("operation has timed out");
    assertThat(s.get().pendingAcks()).isZero();

    c.send("31[\"late\"]"); // dropped, not an error
    assertThat(c.closed()).isFalse();
    assertThat(sio.errors).isEmpty();
  }

  @Test
  void emitWithAckWithBinaryAndPendingAcksFailWhenTheSocketLeaves() {
    AtomicReference<SocketIoSocket> s = new AtomicReference<>();
    sio.io.sockets().onConnection(s::set);
    Ws c = sio.ws("4");
    c.send("0").take();
    CompletableFuture<ArrayNode> f =
        s.get().emitWithAck(Duration.ofSeconds(60), "bin", new byte[] {1, 2});
    assertThat(c.take())
        .containsExactly("text:451-0[\"bin\",{\"_placeholder\":true,\"num\":0}]", "binary:01 02");
    int timersBefore = sio.clock().pendingTimers();
    c.send("1");
    assertThat(f).isCompletedExceptionally();
    assertThat(s.get().pendingAcks()).isZero();
    assertThat(sio.clock().pendingTimers()).isEqualTo(timersBefore - 1);
  }

  @Test
  void roomsAndBroadcastOperators() {
    List<SocketIoSocket> sockets = new ArrayList<>();
    sio.io.sockets().onConnection(sockets::add);
    Ws a = sio.ws("4");
    a.send("0");
    Ws b = sio.ws("4");
    b.send("0");
    Ws d = sio.ws("4");
    d.send("0");
    a.take();
    b.take();
    d.take();
    SocketIoSocket sa = sockets.get(0);
    SocketIoSocket sb = sockets.get(1);
    SocketIoSocket sd = sockets.get(2);
    sa.join("r1");
    sb.join("r1");
    assertThat(sa.rooms()).containsExactlyInAnyOrder(sa.id(), "r1");

    assertThat(sio.io.to("r1").emit("m", "all r1")).isEqualTo(2);
    assertThat(a.take()).containsExactly("text:42[\"m\",\"all r1\"]");
    assertThat(b.take()).containsExactly("text:42[\"m\",\"all r1\"]");
    assertThat(d.take()).isEmpty();

    sa.to("r1").emit("m", "from a"); // sender excluded
    assertThat(a.take()).isEmpty();
    assertThat(b.take()).containsExactly("text:42[\"m\",\"from a\"]");

    sd.broadcast().emit("m", "from d");
    assertThat(a.take()).hasSize(1);
    assertThat(b.take()).hasSize(1);
    assertThat(d.take()).isEmpty();

    BroadcastOperator notR1 = sio.io.except("r1");
    assertThat(notR1.emit("m", "not r1")).isOne();
    assertThat(d.take()).containsExactly("text:42[\"m\",\"not r1\"]");
    assertThat(sio.io.to(sb.id()).emit("m", "direct")).isOne();
    assertThat(b.take()).containsExactly("text:42[\"m\",\"direct\"]");

    BroadcastOperator base = sio.io.to("r1");
    BroadcastOperator narrowed = base.except(sa.id());
    assertThat(base.exceptRooms()).isEmpty(); // immutable
    assertThat(narrowed.sockets()).containsExactly(sb);

    sa.leave("r1");
    assertThat(sio.io.sockets().adapter().sockets(Set.of("r1")).toCompletableFuture().join())
        .containsExactly(sb.id());
    b.conn.clientClose();
    sio.clock().runPending();
    a.send("1");
    d.send("1");
    assertThat(sio.io.sockets().adapter().rooms()).isEmpty();
    assertThat(sio.io.sockets().sockets()).isEmpty();
  }

  @Test
  void disconnectReasonsFollowTheEngine() {
    sio.io.sockets().onConnection(s -> s.onDisconnect(r -> log.add(r.wireName())));
    Ws closing = sio.ws("4");
    closing.send("0");
    closing.conn.clientClose();
    sio.clock().runPending();
    Ws silent = sio.ws("4");
    silent.send("0");
    sio.clock().advance(Duration.ofSeconds(46)); // no pong: 25 s + 20 s
    assertThat(log).containsExactly("transport close", "ping timeout");
    assertThat(sio.io.clientCount()).isZero();
    assertThat(sio.clock().pendingTimers()).isZero();
  }

  @Test
  void reservedNamesAreRefusedOnTheServerSide() {
    AtomicReference<SocketIoSocket> s = new AtomicReference<>();
    sio.io.sockets().onConnection(s::set);
    sio.ws("4").send("0");
    assertThatThrownBy(() -> s.get().emit("disconnect"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.get().on("connect", (a, b) -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sio.io.of("/a,b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void disconnectingStillSeesTheRoomsAndCloseDisconnectsEveryClient() {
    sio.io
        .sockets()
        .onConnection(
            s -> {
              s.join("r");
              s.onDisconnecting(
                  r -> log.add("disconnecting " + s.rooms().contains("r") + " " + r.wireName()));
              s.onDisconnect(
                  r -> log.add("disconnect " + s.rooms().isEmpty() + " " + s.connected()));
            });
    sio.io.of("/custom");
    Ws a = sio.ws("4");
    a.send("0").send("0/custom,").take();
    Ws b = sio.ws("3"); // v4 client: joined "/" unasked
    b.take();
    sio.io.close();
    assertThat(a.take()).containsExactlyInAnyOrder("text:41", "text:41/custom,");
    assertThat(b.take()).containsExactly("text:41");
    assertThat(a.closed()).isTrue();
    assertThat(b.closed()).isTrue();
    assertThat(log)
        .containsExactly(
            "disconnecting true server shutting down", "disconnect true false",
            "disconnecting true server shutting down", "disconnect true false");
    assertThat(sio.io.clientCount()).isZero();
    assertThat(sio.io.sockets().adapter().rooms()).isEmpty();
  }
}
