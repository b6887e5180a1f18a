package dev.eio4j.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.socketio.SioHarness.Ws;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.FakeWsConnection;
import dev.eio4j.testing.FakeWsUpgrade;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The per-socket event API under virtual time: typed arguments (binary inside records both ways), packet
 * middlewares, emit flags, outgoing catch-all listeners, listener removal, the error counter, the
 * handshake fields and the disconnect reasons; wire frames compared byte for byte.
 */
class SocketEventApiTest {
  record Move(int x, int y, byte[] data) {}

  record Blob(String name, ByteBuffer data) {}

  record Reply(boolean ok, int n) {}

  record Point(int x, int y) {}

  private final SioHarness sio = new SioHarness();
  private final List<String> log = new ArrayList<>();
  private final AtomicReference<SocketIoSocket> socket = new AtomicReference<>();

  /** A connected v5 client whose socket on "/" is {@link #socket}. */
  private Ws connect() {
    sio.io.sockets().onConnection(socket::set);
    Ws c = sio.ws("4");
    c.send("0").take();
    assertThat(socket.get()).isNotNull();
    return c;
  }

  // ------------------------------------------------------------------ typed arguments

  @Test
  void typedListenerBindsARecordWithItsBinaryAttachmentAndAnswersWithARecord() {
    List<Move> moves = new ArrayList<>();
    sio.io
        .sockets()
        .onConnection(
            s ->
                s.on(
                    "move",
                    Move.class,
                    (move, ack) -> {
                      moves.add(move);
                      ack.send(new Reply(true, move.data().length));
                    }));
    Ws c = sio.ws("4");
    c.send("0").take();
    c.send("51-7[\"move\",{\"x\":3,\"y\":-4,\"data\":{\"_placeholder\":true,\"num\":0}}]")
        .sendBinary((byte) 1, (byte) 2, (byte) 3);
    assertThat(c.take()).containsExactly("text:437[{\"ok\":true,\"n\":3}]");
    assertThat(moves)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.x()).isEqualTo(3);
              assertThat(m.y()).isEqualTo(-4);
              assertThat(m.data()).containsExactly(1, 2, 3);
            });
    assertThat(sio.errors).isEmpty();
  }

  @Test
  void recordsWithByteArrayAndByteBufferFieldsAreSentAsAttachments() {
    Ws c = connect();
    socket
        .get()
        .emit(
            "blob",
            new Blob("a", ByteBuffer.wrap(new byte[] {9, 8})),
            new Move(1, 2, new byte[] {7}));
    assertThat(c.take())
        .containsExactly(
            "text:452-[\"blob\",{\"name\":\"a\",\"data\":{\"_placeholder\":true,\"num\":0}},"
                + "{\"x\":1,\"y\":2,\"data\":{\"_placeholder\":true,\"num\":1}}]",
            "binary:09 08",
            "binary:07");
  }

  @Test
  void byteBufferFieldsGenericTypesJsonNodeAndTwoArgumentsBind() {
    List<Object> seen = new ArrayList<>();
    sio.io
        .sockets()
        .onConnection(
            s ->
                s.on(
                        "blob",
                        Blob.class,
                        (b, ack) -> seen.add(b.name() + ":" + b.data().remaining()))
                    .on(
                        "points",
                        new TypeReference<List<Point>>() {},
                        (points, ack) -> seen.add(points))
                    .on("tree", JsonNode.class, (node, ack) -> seen.add(node.get("k").asString()))
                    .on(
                        "pair",
                        String.class,
                        Point.class,
                        (name, p, ack) -> seen.add(name + "@" + p.x() + "," + p.y()))
                    .on("bytes", byte[].class, (b, ack) -> seen.add(b.length)));
    Ws c = sio.ws("4");
    c.send("0").take();
    c.send("51-[\"blob\",{\"name\":\"n\",\"data\":{\"_placeholder\":true,\"num\":0}}]")
        .sendBinary((byte) 1, (byte) 2);
    c.send("2[\"points\",[{\"x\":1,\"y\":2},{\"x\":3,\"y\":4}]]");
    c.send("2[\"tree\",{\"k\":\"v\"}]");
    c.send("2[\"pair\",\"p\",{\"x\":5,\"y\":6}]");
    c.send("51-[\"bytes\",{\"_placeholder\":true,\"num\":0}]")
        .sendBinary((byte) 0, (byte) 0, (byte) 0);
    assertThat(seen)
        .containsExactly("n:2", List.of(new Point(1, 2), new Point(3, 4)), "v", "p@5,6", 3);
    assertThat(sio.errors).isEmpty();
  }

  @Test
  void aWrongShapeIsReportedAnsweredWithAnErrorAndTheConnectionLives() {
    List<Point> points = new ArrayList<>();
    sio.io
        .sockets()
        .onConnection(
            s ->
                s.on("point", Point.class, (p, ack) -> points.add(p))
                    .on("ping", (a, ack) -> ack.send("pong")));
    Ws c = sio.ws("4");
    c.send("0").take();
    long before = sio.io.listenerErrors();
    assertThat(c.send("25[\"point\",\"not a point\"]").take())
        .containsExactly("text:435[{\"error\":\"invalid arguments\"}]");
    assertThat(c.send("2[\"point\",{\"x\":\"abc\"}]").take()).isEmpty(); // no ack asked: no answer
    assertThat(points).isEmpty();
    assertThat(sio.errors)
        .hasSize(2)
        .allSatisfy(
            e ->
                assertThat(e)
                    .isInstanceOf(ArgumentBindingException.class)
                    .hasMessageContaining("event \"point\" argument 0 does not bind to")
                    .hasMessageNotContaining("\n"));
    assertThat(((ArgumentBindingException) sio.errors.get(0)).event()).isEqualTo("point");
    assertThat(sio.io.listenerErrors()).isEqualTo(before + 2);
    assertThat(c.send("26[\"ping\"]").take()).containsExactly("text:436[\"pong\"]");
    assertThat(c.send("27[\"point\",{\"x\":1,\"y\":2}]").take()).isEmpty();
    assertThat(points).containsExactly(new Point(1, 2));
    assertThat(c.closed()).isFalse();
  }

  @Test
  void typedEmitWithAckBindsTheAnswerOrFailsWithABindingError() throws Exception {
    Ws c = connect();
    CompletableFuture<Reply> ok =
        socket.get().emitWithAck(Duration.ofSeconds(5), Reply.class, "q", 1);
    assertThat(c.take()).containsExactly("text:420[\"q\",1]");
    c.send("30[{\"ok\":true,\"n\":2}]");
    assertThat(ok.get()).isEqualTo(new Reply(true, 2));

    CompletableFuture<List<Point>> list =
        socket.get().emitWithAck(Duration.ofSeconds(5), new TypeReference<List<Point>>() {}, "q");
    c.send("31[[{\"x\":1,\"y\":1}]]");
    assertThat(list.get()).containsExactly(new Point(1, 1));

    CompletableFuture<Reply> bad =
        socket.get().emitWithAck(Duration.ofSeconds(5), Reply.class, "q");
    c.send("32[\"nope\"]");
    assertThatThrownBy(bad::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ArgumentBindingException.class)
        .hasMessageStartingWith("an ack answer argument 0");
    assertThat(socket.get().pendingAcks()).isZero();
  }

  // ------------------------------------------------------------------ packet middlewares

  @Test
  void packetMiddlewaresRunInOrderAndMayChangeTheEvent() {
    sio.io
        .sockets()
        .onConnection(
            s ->
                s.use(
                        (packet, next) -> {
                          log.add("mw1 " + packet.event());
                          packet.args().add("added");
                          next.proceed();
                          next.proceed(); // only the first call counts
                        })
                    .use(
                        (packet, next) -> {
                          log.add("mw2 " + packet.args().size());
                          if (packet.event().equals("old")) {
                            packet.event("new");
                          }
                          next.proceed();
                        })
                    .onAny((event, args) -> log.add("any " + event))
                    .on("new", (args, ack) -> log.add("new " + args))
                    .on("old", (args, ack) -> log.add("old must not run")));
    Ws c = sio.ws("4");
    c.send("0").take();
    c.send("2[\"old\",1]");
    assertThat(log).containsExactly("any old", "mw1 old", "mw2 2", "new [1,\"added\"]");
    assertThat(sio.errors).isEmpty();
  }

  @Test
  void aRefusalGoesToTheSocketsErrorListenersAndTheEventIsNotDispatched() {
    List<Throwable> socketErrors = new ArrayList<>();
    sio.io
        .sockets()
        .onConnection(
            s ->
                s.use(
                        (packet, next) -> {
                          if (packet.event().equals("forbidden")) {
                            packet.ack().send("refused");
                            next.fail(new IllegalAccessException("not allowed"));
                          } else if (packet.event().equals("throws")) {
                            throw new IllegalStateException("middleware bug");
                          } else {
                            next.proceed();
                          }
                        })
                    .onError(socketErrors::add)
                    .on("forbidden", (args, ack) -> log.add("forbidden ran"))
                    .on("throws", (args, ack) -> log.add("throws ran"))
                    .on("fine", (args, ack) -> log.add("fine ran")));
    Ws c = sio.ws("4");
    c.send("0").take();
    long before = sio.io.listenerErrors();
    assertThat(c.send("21[\"forbidden\"]").take()).containsExactly("text:431[\"refused\"]");
    assertThat(socketErrors)
        .singleElement()
        .extracting(Throwable::getMessage)
        .isEqualTo("not allowed");
    assertThat(sio.errors).isEmpty(); // a refusal is not an application failure
    assertThat(sio.io.listenerErrors()).isEqualTo(before);

    c.send("2[\"throws\"]");
    assertThat(socketErrors)
        .hasSize(2)
        .last()
        .extracting(Throwable::getMessage)
        .isEqualTo("middleware bug");
    assertThat(sio.errors)
        .singleElement()
        .extracting(Throwable::getMessage)
        .isEqualTo("middleware bug");
    assertThat(sio.io.listenerErrors()).isEqualTo(before + 1);

    c.send("2[\"fine\"]");
    assertThat(log).containsExactly("fine ran");
    assertThat(c.closed()).isFalse();
  }

  @Test
  void withoutASocketErrorListenerARefusalReachesTheServerHook() {
    sio.io
        .sockets()
        .onConnection(s -> s.use((packet, next) -> next.fail(new IllegalStateException("no"))));
    Ws c = sio.ws("4");
    c.send("0").take();
    long before = sio.io.listenerErrors();
    c.send("2[\"x\"]");
    assertThat(sio.errors).singleElement().extracting(Throwable::getMessage).isEqualTo("no");
    assertThat(sio.io.listenerErrors()).isEqualTo(before); // a refusal, not a failure
  }

  @Test
  void anAsyncMiddlewareKeepsTheSocketsEventsInOrder() {
    List<CompletableFuture<Void>> gates = new ArrayList<>();
    sio.io
        .sockets()
        .onConnection(
            s ->
                s.use(
                        (packet, next) -> {
                          CompletableFuture<Void> gate = new CompletableFuture<>();
                          gates.add(gate);
                          next.proceedWhen(gate);
                        })
                    .on("n", (args, ack) -> log.add("n" + args.get(0).intValue())));
    Ws c = sio.ws("4");
    c.send("0").take();
    c.send("2[\"n\",1]").send("2[\"n\",2]").send("2[\"n\",3]");
    assertThat(gates).hasSize(1); // the later events wait behind the first
    assertThat(log).isEmpty();
    gates.get(0).complete(null);
    sio.clock().runPending();
    assertThat(log).containsExactly("n1");
    assertThat(gates).hasSize(2);
    gates.get(1).completeExceptionally(new IllegalStateException("refused 2"));
    sio.clock().runPending();
    assertThat(gates).hasSize(3);
    gates.get(2).complete(null);
    sio.clock().runPending();
    assertThat(log).containsExactly("n1", "n3");
    assertThat(sio.errors).singleElement().extracting(Throwable::getMessage).isEqualTo("refused 2");
  }

  @Test
  void eventsHeldBehindAStalledMiddlewareAreBoundedAndDroppedWhenTheSocketLeaves() {
    AtomicReference<PacketMiddleware.Next> stalled = new AtomicReference<>();
    List<Integer> seen = new ArrayList<>();
    sio.io
        .sockets()
        .onConnection(
            s ->
                s.use(
                        (packet, next) -> {
                          if (stalled.get() == null) {
                            stalled.set(next); // never called by the test
                          } else {
                            next.proceed();
                          }
                        })
                    .on("n", (args, ack) -> seen.add(args.get(0).intValue())));
    Ws c = sio.ws("4");
    c.send("0").take();
    for (int i = 0; i <= SocketIoSocket.MAX_HELD_EVENTS + 1; i++) {
      c.conn.clientText("42[\"n\"," + i + "]");
    }
    sio.clock().runPending();
    assertThat(seen).isEmpty();
    assertThat(sio.errors)
        .singleElement()
        .extracting(Throwable::getMessage)
        .asString()
        .contains("already wait for a packet middleware");
    c.send("1"); // leaves: the held events are dropped
    stalled.get().proceed();
    sio.clock().runPending();
    assertThat(seen).isEmpty();
    assertThat(c.closed()).isFalse();
  }

  // ------------------------------------------------------------------ emit flags

  @Test
  void timeoutViewAcksWithinTheTimeoutAndIsImmutable() throws Exception {
    Ws c = connect();
    int timersBefore = sio.clock().pendingTimers();
    SocketIoSocket.Emitter five = socket.get().timeout(Duration.ofMillis(500));
    SocketIoSocket.Emitter compressed = five.compress(false);
    assertThat(five.isCompress()).isTrue();
    assertThat(compressed.isCompress()).isFalse();
    assertThat(compressed.timeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(five.isVolatile()).isFalse();

    CompletableFuture<ArrayNode> answered = five.emitWithAck("q", "a");
    CompletableFuture<Reply> late = five.emitWithAck(Reply.class, "q", "b");
    assertThat(c.take()).containsExactly("text:420[\"q\",\"a\"]", "text:421[\"q\",\"b\"]");
    c.send("30[\"yes\"]");
    assertThat(answered.get().get(0).stringValue()).isEqualTo("yes");
    sio.clock().advanceMillis(499);
    assertThat(late).isNotDone();
    sio.clock().advanceMillis(1);
    assertThatThrownBy(late::get).cause().isInstanceOf(TimeoutException.class);
    c.send("31[{\"ok\":true,\"n\":1}]"); // too late: dropped
    assertThat(socket.get().pendingAcks()).isZero();
    assertThat(sio.clock().pendingTimers()).isEqualTo(timersBefore); // no ack timer is left
    assertThat(five.emit("plain", 1)).isTrue();
    assertThat(c.take()).containsExactly("text:42[\"plain\",1]");
    assertThatThrownBy(() -> socket.get().asVolatile().emitWithAck("q"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("timeout");
    assertThat(sio.errors).isEmpty();
  }

  @Test
  void volatileEventsAreDroppedWhileTheConnectionCannotTakeThem() {
    EngineHarness h = EngineHarness.create(b -> b.path("/socket.io/").maxBufferedBytes(4_000));
    SocketIoServer io =
        SocketIoServer.attach(h.server(), SocketIoOptions.builder().timers(h.clock()).build());
    io.sockets().onConnection(socket::set);
    EngineHarness.WsClient client = h.openWebSocket("EIO=4");
    FakeWsConnection conn = client.conn();
    conn.clientText("40");
    h.clock().runPending();
    conn.takeFrames();
    SocketIoSocket s = socket.get();

    assertThat(s.asVolatile().emit("tick", 1)).isTrue();
    h.clock().runPending();
    assertThat(conn.takeFrameLog()).containsExactly("text:42[\"tick\",1]");

    conn.setWritable(false); // the client does not read: the engine's buffer fills
    String big = "x".repeat(500);
    int queued = 0;
    while (s.conn().isWritable()) {
      assertThat(s.emit("big", big)).isTrue();
      queued++;
    }
    assertThat(s.asVolatile().emit("tick", 2)).isFalse();
    assertThat(s.asVolatile().timeout(Duration.ofSeconds(1)).emitWithAck("tick", 3))
        .isCompletedExceptionally();
    assertThat(s.pendingAcks()).isZero();

    conn.setWritable(true);
    h.clock().runPending();
    assertThat(conn.takeFrameLog()).hasSize(queued);
    assertThat(s.conn().isWritable()).isTrue();
    assertThat(s.asVolatile().emit("tick", 4)).isTrue();
    h.clock().runPending();
    assertThat(conn.takeFrameLog()).containsExactly("text:42[\"tick\",4]");
    io.close();
  }

  // ------------------------------------------------------------------ catch-all and removal

  @Test
  void outgoingCatchAllSeesEveryEmitOfTheSocketAndListenersCanBeRemoved() {
    Ws c = connect();
    SocketIoSocket s = socket.get();
    SocketIoSocket.AnyListener out = (event, args) -> log.add("out " + event + " " + args);
    SocketIoSocket.AnyListener in = (event, args) -> log.add("in " + event);
    SocketIoSocket.EventListener first = (args, ack) -> log.add("first");
    SocketIoSocket.TypedListener<Point> typed = (p, ack) -> log.add("typed " + p.x());
    s.onAnyOutgoing(out).onAny(in).on("e", first).on("e", Point.class, typed);
    assertThat(s.listeners("e")).containsExactly(first, typed);
    assertThat(s.listenersAny()).containsExactly(in);
    assertThat(s.listenersAnyOutgoing()).containsExactly(out);

    s.emit("hello", 1, new byte[] {5});
    s.timeout(Duration.ofSeconds(1)).emitWithAck("ask", "x");
    sio.io.emit("broadcast"); // not this socket's own emit
    c.send("2[\"e\",{\"x\":7,\"y\":0}]");
    assertThat(log)
        .containsExactly("out hello [1,\"BQ==\"]", "out ask [\"x\"]", "in e", "first", "typed 7");
    c.take();

    log.clear();
    s.off("e", typed).offAnyOutgoing(out);
    s.emit("quiet");
    c.send("2[\"e\",{\"x\":1,\"y\":0}]");
    assertThat(log).containsExactly("in e", "first");

    log.clear();
    s.off("e").offAny(in);
    c.send("2[\"e\",{}]");
    assertThat(log).isEmpty();
    assertThat(s.listeners("e")).isEmpty();

    s.onAny(in).onAnyOutgoing(out).on("e", first).onDisconnect(r -> log.add("left"));
    s.removeAllListeners();
    s.emit("x");
    c.send("2[\"e\"]").send("1");
    assertThat(log).isEmpty();
    assertThat(s.listenersAny()).isEmpty();
  }

  @Test
  void everyKindOfListenerFailureIsCountedAndNothingCloses() {
    sio.io
        .sockets()
        .onConnection(
            s ->
                s.onAny(
                        (e, a) -> {
                          throw new IllegalStateException("any");
                        })
                    .onAnyOutgoing(
                        (e, a) -> {
                          throw new IllegalStateException("outgoing");
                        })
                    .on(
                        "e",
                        (a, ack) -> {
                          throw new IllegalStateException("on");
                        })
                    .on("echo", (a, ack) -> s.emit("back")));
    Ws c = sio.ws("4");
    c.send("0").take();
    long before = sio.io.listenerErrors();
    c.send("2[\"e\"]").send("2[\"echo\"]");
    assertThat(sio.errors)
        .extracting(Throwable::getMessage)
        .containsExactly("any", "on", "any", "outgoing");
    assertThat(sio.io.listenerErrors()).isEqualTo(before + 4);
    assertThat(c.take()).containsExactly("text:42[\"back\"]");
    assertThat(c.closed()).isFalse();
  }

  // ------------------------------------------------------------------ handshake and reasons

  @Test
  void theHandshakeCarriesTheRequestData() {
    sio.io.sockets().onConnection(socket::set);
    FakeWsUpgrade up =
        sio.h.send(
            sio.h
                .ws("EIO=4&transport=websocket&room=r%201")
                .header("Origin", "https://app.example")
                .header("X-Custom", "yes")
                .remoteAddress(new InetSocketAddress("127.0.0.1", 40000))
                .secure(true)
                .build());
    FakeWsConnection conn = up.connection();
    conn.clientText("40{\"token\":\"t\"}");
    sio.clock().runPending();
    Handshake hs = socket.get().handshake();
    assertThat(hs.auth().get("token").asString()).isEqualTo("t");
    assertThat(hs.headers().get("x-custom")).isEqualTo("yes");
    assertThat(hs.query()).containsEntry("room", "r 1").containsEntry("EIO", "4");
    assertThat(hs.address()).isEqualTo("127.0.0.1");
    assertThat(hs.url()).startsWith("/socket.io/?EIO=4&transport=websocket&room=r%201");
    assertThat(hs.secure()).isTrue();
    assertThat(hs.xdomain()).isTrue();
    assertThat(hs.issuedMillis()).isEqualTo(hs.issued().toEpochMilli());
    assertThat(hs.time()).isEqualTo(hs.issued().toString());

    Ws plain = sio.ws("4");
    plain.send("0");
    Handshake other = socket.get().handshake();
    assertThat(other.xdomain()).isFalse();
    assertThat(other.secure()).isFalse();
  }

  @Test
  void disconnectReasonsUseNodeNames() {
    assertThat(SocketIoDisconnectReason.values())
        .extracting(SocketIoDisconnectReason::wireName)
        .contains(
            "transport error",
            "transport close",
            "forced close",
            "ping timeout",
            "parse error",
            "server shutting down",
            "forced server close",
            "client namespace disconnect",
            "server namespace disconnect");
    Map<String, String> reasons = new java.util.concurrent.ConcurrentHashMap<>();
    sio.io
        .sockets()
        .onConnection(
            s -> {
              s.join("room");
              s.onDisconnecting(
                  r -> reasons.put(s.id(), r.wireName() + " " + s.rooms().contains("room")));
            });
    Ws c = sio.ws("4");
    c.send("0").take();
    sio.io.close();
    assertThat(c.take()).containsExactly("text:41");
    assertThat(reasons.values()).containsExactly("server shutting down true");
  }
}
