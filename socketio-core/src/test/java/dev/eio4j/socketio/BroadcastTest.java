package dev.eio4j.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.socketio.SioHarness.Ws;
import dev.eio4j.socketio.spi.Adapter;
import dev.eio4j.socketio.spi.AdapterContext;
import dev.eio4j.socketio.spi.BroadcastAckSink;
import dev.eio4j.socketio.spi.BroadcastFlags;
import dev.eio4j.socketio.spi.BroadcastOptions;
import dev.eio4j.socketio.spi.SessionState;
import dev.eio4j.socketio.spi.SocketDetails;
import dev.eio4j.spi.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The broadcast side under virtual time: operators and flags, broadcast acks (complete, partial on
 * timeout, a socket leaving), fetchSockets and the remote operations, server-side emits, and the adapter
 * SPI seen through a recording adapter that delegates to the in-memory one.
 */
class BroadcastTest {
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final List<AdapterContext> contexts = new CopyOnWriteArrayList<>();
  private final SioHarness sio =
      new SioHarness(
          e -> e.maxBufferedBytes(20_000),
          b ->
              b.adapter(
                  ctx -> {
                    contexts.add(ctx);
                    return new RecordingAdapter(ctx.local(), ctx.namespace(), calls);
                  }));
  private final List<SocketIoSocket> sockets = new ArrayList<>();

  /** Connects {@code n} v5 WebSocket clients to "/", their frames taken. */
  private List<Ws> clients(int n) {
    sio.io.sockets().onConnection(sockets::add);
    List<Ws> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Ws c = sio.ws("4");
      c.send("0").take();
      out.add(c);
    }
    return out;
  }

  @Test
  void toInAndExceptAreUnionsAndEverySocketGetsThePacketOnce() {
    List<Ws> c = clients(4);
    sockets.get(0).join("r1").join("r2");
    sockets.get(1).join("r2");
    sockets.get(2).join("r3");

    BroadcastOperator r1r2 = sio.io.to("r1").in("r2");
    assertThat(r1r2.emit("m", 1)).isEqualTo(2);
    assertThat(c.get(0).take()).containsExactly("text:42[\"m\",1]"); // once, though in both rooms
    assertThat(c.get(1).take()).containsExactly("text:42[\"m\",1]");
    assertThat(c.get(2).take()).isEmpty();
    assertThat(c.get(3).take()).isEmpty();

    assertThat(sio.io.to(List.of("r2", "r3")).except("r1").emit("m", 2)).isEqualTo(2);
    assertThat(c.get(1).take()).hasSize(1);
    assertThat(c.get(2).take()).hasSize(1);
    assertThat(c.get(0).take()).isEmpty();

    assertThat(sio.io.except("r1").except(List.of("r3")).emit("m", 3)).isEqualTo(2);
    assertThat(c.get(1).take()).hasSize(1);
    assertThat(c.get(3).take()).hasSize(1);

    // immutable values: narrowing or flagging returns a new operator
    BroadcastOperator base = sio.io.to("r2");
    BroadcastOperator flagged = base.except("r1").local().compress(false);
    assertThat(base.exceptRooms()).isEmpty();
    assertThat(base.flags()).isEqualTo(BroadcastFlags.NONE);
    assertThat(flagged.flags()).isEqualTo(new BroadcastFlags(true, false, false, null));
    assertThat(flagged.sockets()).containsExactly(sockets.get(1));
    // the socket's own operators leave the sender out
    assertThat(sockets.get(1).to("r2").sockets()).containsExactly(sockets.get(0));
    assertThat(sockets.get(3).broadcast().sockets()).hasSize(3).doesNotContain(sockets.get(3));
  }

  @Test
  void theAdapterGetsTheSelectionAndEveryFlag() {
    clients(1);
    calls.clear();
    sio.io
        .to("a")
        .except("b")
        .local()
        .asVolatile()
        .compress(false)
        .timeout(Duration.ofSeconds(2))
        .emit("m");
    sio.io.sockets().emit("m");
    assertThat(calls)
        .containsExactly(
            "/ broadcast rooms=[a] except=[b] flags=BroadcastFlags[local=true, isVolatile=true,"
                + " compress=false, timeout=PT2S]",
            "/ broadcast rooms=[] except=[] flags=BroadcastFlags[local=false, isVolatile=false,"
                + " compress=true, timeout=null]");
    assertThat(contexts).extracting(AdapterContext::namespace).containsExactly("/");
  }

  @Test
  void localAndCompressChangeNothingWithTheInMemoryAdapter() {
    List<Ws> c = clients(2);
    assertThat(sio.io.local().compress(false).emit("m", "x")).isEqualTo(2);
    assertThat(c.get(0).take()).containsExactly("text:42[\"m\",\"x\"]");
    assertThat(c.get(1).take()).containsExactly("text:42[\"m\",\"x\"]");
  }

  @Test
  void aVolatilePacketIsDroppedForAClientThatIsNotKeepingUp() {
    List<Ws> c = clients(2);
    Ws slow = c.get(1);
    slow.conn.setWritable(false); // the peer stops reading: the engine queues
    String big = "x".repeat(12_000); // above the low-water mark (half of 20 000 bytes)
    assertThat(sockets.get(1).emit("big", big)).isTrue();
    assertThat(sockets.get(1).conn().isWritable()).isFalse();
    long packetsBefore = sio.io.broadcastPackets();

    assertThat(sio.io.asVolatile().emit("tick", 1)).isOne();
    assertThat(sio.io.broadcastPackets() - packetsBefore).isOne();
    assertThat(c.get(0).take()).containsExactly("text:42[\"tick\",1]");
    assertThat(sio.io.emit("tick", 2)).isEqualTo(2); // not volatile: queued for later

    slow.conn.setWritable(true);
    assertThat(slow.take())
        .containsExactly("text:42[\"big\",\"" + big + "\"]", "text:42[\"tick\",2]");
    assertThat(c.get(0).take()).containsExactly("text:42[\"tick\",2]");
    assertThat(sio.io.asVolatile().emit("tick", 3)).isEqualTo(2); // writable again
  }

  @Test
  void emitWithAckCollectsEveryAnswerAndLeavesNothingBehind() throws Exception {
    List<Ws> c = clients(3);
    int timersBefore = sio.clock().pendingTimers();
    CompletableFuture<List<ArrayNode>> f =
        sio.io.timeout(Duration.ofSeconds(5)).emitWithAck("q", 1);
    for (Ws w : c) {
      assertThat(w.take()).containsExactly("text:420[\"q\",1]"); // one id, encoded once
    }
    assertThat(sio.clock().pendingTimers()).isEqualTo(timersBefore + 1);
    c.get(2).send("30[\"c\"]");
    c.get(0).send("30[\"a\",{\"n\":1}]");
    assertThat(f).isNotDone();
    c.get(1).send("30[\"b\"]");
    assertThat(f).isCompleted();
    assertThat(f.get())
        .extracting(a -> a.get(0).stringValue())
        .containsExactly("c", "a", "b"); // in arrival order
    assertThat(f.get().get(1).get(1).get("n").intValue()).isOne();
    assertThat(sio.clock().pendingTimers()).isEqualTo(timersBefore);
    assertThat(sockets).allSatisfy(s -> assertThat(s.pendingBroadcastAcks()).isZero());
    assertThat(calls).contains("/ broadcastWithAck rooms=[] except=[]", "/ serverCount");
  }

  @Test
  void theTimeoutFailsWithThePartialAnswersAndForgetsThePendingOnes() {
    List<Ws> c = clients(3);
    sockets.forEach(s -> s.join("r"));
    CompletableFuture<List<ArrayNode>> f =
        sio.io.to("r").timeout(Duration.ofMillis(500)).emitWithAck("q");
    c.forEach(Ws::take);
    c.get(0).send("30[\"yes\"]");
    c.get(2).send("30[\"no\"]");
    sio.clock().advanceMillis(499);
    assertThat(f).isNotDone();
    assertThat(sockets.get(1).pendingBroadcastAcks()).isOne();
    sio.clock().advanceMillis(1);
    assertThatThrownBy(f::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            BroadcastAckTimeoutException.class,
            e -> {
              assertThat(e).hasMessage("operation has timed out");
              assertThat(e.responses())
                  .extracting(a -> a.get(0).stringValue())
                  .containsExactly("yes", "no");
              assertThat(e.expected()).isEqualTo(3);
            });
    assertThat(sockets).allSatisfy(s -> assertThat(s.pendingBroadcastAcks()).isZero());
    c.get(1).send("30[\"late\"]"); // dropped, not an error
    assertThat(c.get(1).closed()).isFalse();
    assertThat(sio.errors).isEmpty();
  }

  @Test
  void aSocketLeavingDuringABroadcastAckNoLongerHoldsItUp() throws Exception {
    List<Ws> c = clients(3);
    int timersBefore = sio.clock().pendingTimers();
    CompletableFuture<List<ArrayNode>> f = sio.io.timeout(Duration.ofSeconds(30)).emitWithAck("q");
    c.forEach(Ws::take);
    c.get(0).send("30[1]");
    c.get(1).send("1"); // leaves its namespace without answering
    assertThat(f).isNotDone();
    c.get(2).conn.clientClose(); // its connection drops
    sio.clock().runPending();
    assertThat(f).isCompleted();
    assertThat(f.get()).extracting(a -> a.get(0).intValue()).containsExactly(1);
    assertThat(sio.clock().pendingTimers()).isLessThan(timersBefore); // the ack timer and c2's
    assertThat(sockets).allSatisfy(s -> assertThat(s.pendingBroadcastAcks()).isZero());
  }

  @Test
  void emitWithAckWithoutTargetsOrWithoutTimeout() throws Exception {
    clients(1);
    int timersBefore = sio.clock().pendingTimers();
    CompletableFuture<List<ArrayNode>> none =
        sio.io.to("nobody").timeout(Duration.ofSeconds(1)).emitWithAck("q");
    assertThat(none.get()).isEmpty();
    assertThat(sio.clock().pendingTimers()).isEqualTo(timersBefore);
    assertThatThrownBy(() -> sio.io.sockets().broadcast().emitWithAck("q"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> sio.io.timeout(Duration.ofSeconds(1)).emitWithAck("disconnect"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSocketsOwnAcksAndBroadcastAcksShareTheIdsAndNeverMixUp() throws Exception {
    List<Ws> c = clients(1);
    SocketIoSocket s = sockets.get(0);
    CompletableFuture<ArrayNode> own = s.emitWithAck(Duration.ofSeconds(5), "own");
    CompletableFuture<List<ArrayNode>> all =
        sio.io.timeout(Duration.ofSeconds(5)).emitWithAck("all");
    assertThat(c.get(0).take()).containsExactly("text:420[\"own\"]", "text:421[\"all\"]");
    c.get(0).send("31[\"to all\"]").send("30[\"to own\"]");
    assertThat(own.get().get(0).stringValue()).isEqualTo("to own");
    assertThat(all.get())
        .singleElement()
        .satisfies(a -> assertThat(a.get(0).stringValue()).isEqualTo("to all"));
  }

  @Test
  void fetchSocketsReportsIdRoomsDataAndHandshakeAndActsOnThem() throws Exception {
    List<Ws> c = clients(2);
    sockets.get(0).join("r").data().put("user", "alice");
    sockets.get(0).data().put("n", 7);
    List<RemoteSocket> found = sio.io.in("r").fetchSockets().get();
    assertThat(found).singleElement().extracting(RemoteSocket::id).isEqualTo(sockets.get(0).id());
    RemoteSocket r = found.get(0);
    assertThat(r.rooms()).containsExactlyInAnyOrder("r", r.id());
    assertThat(r.data().get("user").stringValue()).isEqualTo("alice");
    assertThat(r.data().get("n").intValue()).isEqualTo(7);
    assertThat(r.handshake().get("auth").isObject()).isTrue();
    assertThat(r.handshake().get("query").get("EIO").stringValue()).isEqualTo("4");
    assertThat(r.handshake().get("url").stringValue()).startsWith("/socket.io/?");
    assertThat(r.handshake().get("issued").isNumber()).isTrue();
    assertThat(r.handshake().get("headers").isObject()).isTrue();
    assertThat(sio.io.fetchSockets().get()).hasSize(2);

    assertThat(r.emit("direct", "hi")).isOne();
    assertThat(c.get(0).take()).containsExactly("text:42[\"direct\",\"hi\"]");
    assertThat(c.get(1).take()).isEmpty();
    r.join("r2").get();
    assertThat(sockets.get(0).rooms()).contains("r2");
    r.leave("r").get();
    assertThat(sockets.get(0).rooms()).containsExactlyInAnyOrder(r.id(), "r2");
    r.disconnect(false).get();
    assertThat(c.get(0).take()).containsExactly("text:41");
    assertThat(sockets.get(0).connected()).isFalse();
    assertThat(c.get(0).closed()).isFalse();
  }

  @Test
  void aValueJacksonCannotConvertIsLeftOutOfTheFetchedDataAndReported() throws Exception {
    clients(1);
    sockets.get(0).data().put("ok", "yes");
    sockets.get(0).data().put("bad", new Unconvertible());
    RemoteSocket r = sio.io.fetchSockets().get().get(0);
    assertThat(r.data().has("ok")).isTrue();
    assertThat(r.data().has("bad")).isFalse();
    assertThat(sio.errors).hasSize(1);
  }

  @Test
  void socketsJoinLeaveAndDisconnectSocketsActOnTheSelection() throws Exception {
    List<Ws> c = clients(3);
    sockets.get(0).join("a");
    sockets.get(1).join("a");
    sio.io.in("a").socketsJoin("b").get();
    assertThat(sio.io.sockets().adapter().sockets(Set.of("b")).toCompletableFuture().get())
        .containsExactlyInAnyOrder(sockets.get(0).id(), sockets.get(1).id());
    sio.io.in("a").except(sockets.get(0).id()).socketsLeave("b").get();
    assertThat(sockets.get(1).rooms()).doesNotContain("b").contains("a");
    sio.io.socketsJoin("everyone").get();
    assertThat(sockets).allSatisfy(s -> assertThat(s.rooms()).contains("everyone"));
    sio.io.socketsLeave("everyone").get();
    assertThat(sio.io.sockets().adapter().rooms()).doesNotContain("everyone");

    sio.io.in("b").disconnectSockets(false).get();
    assertThat(c.get(0).take()).containsExactly("text:41");
    assertThat(c.get(0).closed()).isFalse();
    sio.io.except("a").disconnectSockets(true).get();
    assertThat(c.get(2).take()).containsExactly("text:41");
    assertThat(c.get(2).closed()).isTrue();
    assertThat(c.get(1).closed()).isFalse();
    assertThat(sio.io.sockets().sockets()).containsOnlyKeys(sockets.get(1).id());
    assertThat(calls)
        .contains(
            "/ addSockets rooms=[a] except=[] [b]",
            "/ delSockets rooms=[a] except=[" + sockets.get(0).id() + "] [b]",
            "/ disconnectSockets rooms=[b] except=[] false");
  }

  @Test
  void serverSideEmitReachesNoOtherServerInMemoryAndListenersGetWhatAdaptersDeliver()
      throws Exception {
    clients(1);
    assertThat(sio.io.serverCount().get()).isOne();
    sio.io.serverSideEmit("hello", "world");
    assertThat(sio.io.serverSideEmitWithAck("ping").get()).isEmpty();
    assertThatThrownBy(() -> sio.io.serverSideEmit("connect"))
        .isInstanceOf(IllegalArgumentException.class);

    List<String> got = new ArrayList<>();
    sio.io.onServerSideEmit(
        "hello",
        (args, ack) -> {
          got.add(args.toString() + " requested=" + ack.isRequested());
          ack.send("pong", "ignored");
        });
    sio.io.onServerSideEmit(
        "boom",
        (args, ack) -> {
          throw new IllegalStateException("listener failed");
        });
    AdapterContext ctx = contexts.get(0);
    ArrayNode packet = Args.event("hello", new Object[] {"from", 2});
    ctx.serverSideEmitReceived(packet, null);
    AtomicReference<JsonNode> reply = new AtomicReference<>();
    ctx.serverSideEmitReceived(packet, reply::set);
    ctx.serverSideEmitReceived(Args.event("boom", new Object[0]), null);
    ctx.serverSideEmitReceived(Args.event("nobody-listens", new Object[0]), null);
    assertThat(got).containsExactly("[\"from\",2] requested=false", "[\"from\",2] requested=true");
    assertThat(reply.get().stringValue()).isEqualTo("pong");
    assertThat(sio.errors)
        .singleElement()
        .extracting(Throwable::getMessage)
        .isEqualTo("listener failed");
    assertThat(calls).contains("/ serverSideEmit [\"hello\",\"world\"]");
  }

  @Test
  void broadcastsAreCountedAndDynamicChildrenCloseTheirAdapters() {
    List<Ws> c = clients(3);
    long before = sio.io.broadcastCount();
    sio.io.emit("m");
    sockets.get(0).broadcast().emit("m");
    assertThat(sio.io.broadcastCount() - before).isEqualTo(2);
    assertThat(sio.io.broadcastPackets()).isEqualTo(5);

    sio.io.of(Pattern.compile("/dyn-\\d+"));
    c.get(0).send("0/dyn-1,").send("1/dyn-1,");
    assertThat(calls).contains("/dyn-1 close");
    assertThat(contexts).extracting(AdapterContext::namespace).containsExactly("/", "/dyn-1");
  }

  @Test
  void theDefaultAdapterIsInMemoryAloneAndKeepsNoSessions() throws Exception {
    SioHarness plain = new SioHarness();
    Adapter a = plain.io.sockets().adapter();
    assertThat(a).isInstanceOf(InMemoryAdapter.class);
    assertThat(plain.io.of("/other").adapter()).isNotSameAs(a).isInstanceOf(InMemoryAdapter.class);
    assertThat(a.serverCount().toCompletableFuture().get()).isOne();
    a.persistSession(
            new SessionState("sid", "pid", Set.of("r"), Args.toNode(java.util.Map.of()), List.of()))
        .toCompletableFuture()
        .get();
    assertThat(a.restoreSession("pid", "0").toCompletableFuture().get()).isEmpty();
    assertThat(a.serverSideEmitWithAck(Args.event("x", new Object[0])).toCompletableFuture().get())
        .isEmpty();
    assertThat(a.fetchSockets(BroadcastOptions.all()).toCompletableFuture().get()).isEmpty();
    assertThatThrownBy(() -> new BroadcastFlags(false, false, true, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void roomsJoinedByAMiddlewareAreLeftWhenTheConnectIsRefusedOrAbandoned() {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    sio.io
        .of("/refuse")
        .use(
            s -> {
              s.join("pre");
              throw new ConnectError("no");
            });
    sio.io
        .of("/slow")
        .use(
            s -> {
              s.join("pre");
              return gate;
            });
    Ws c = sio.ws("4");
    assertThat(c.send("0/refuse,").take()).containsExactly("text:44/refuse,{\"message\":\"no\"}");
    assertThat(sio.io.of("/refuse").adapter().rooms()).isEmpty();
    c.send("0/slow,");
    assertThat(sio.io.of("/slow").adapter().rooms()).contains("pre");
    c.conn.clientClose();
    sio.clock().runPending();
    assertThat(sio.io.of("/slow").adapter().rooms()).isEmpty();
    gate.complete(null);
    assertThat(sio.io.of("/slow").adapter().rooms()).isEmpty();
  }

  /** A value whose conversion to JSON fails. */
  public static final class Unconvertible {
    /** Always throws. */
    public String getValue() {
      throw new IllegalStateException("cannot be read");
    }
  }

  /** Records each call and hands it to the in-memory adapter, as a cluster adapter would. */
  private static final class RecordingAdapter implements Adapter {
    private final Adapter local;
    private final String nsp;
    private final List<String> calls;

    RecordingAdapter(Adapter local, String nsp, List<String> calls) {
      this.local = local;
      this.nsp = nsp;
      this.calls = calls;
    }

    private void record(String what, BroadcastOptions o, Object extra) {
      calls.add(
          nsp
              + " "
              + what
              + (o == null ? "" : " rooms=" + o.rooms() + " except=" + o.except())
              + (extra == null ? "" : " " + extra));
    }

    @Override
    public void addAll(String id, Set<String> rooms) {
      local.addAll(id, rooms);
    }

    @Override
    public void del(String id, String room) {
      local.del(id, room);
    }

    @Override
    public void delAll(String id) {
      local.delAll(id);
    }

    @Override
    public Set<String> rooms() {
      return local.rooms();
    }

    @Override
    public Set<String> socketRooms(String id) {
      return local.socketRooms(id);
    }

    @Override
    public CompletionStage<Set<String>> sockets(Set<String> rooms) {
      return local.sockets(rooms);
    }

    @Override
    public int broadcast(dev.eio4j.socketio.parser.SioPacket packet, BroadcastOptions opts) {
      record("broadcast", opts, "flags=" + opts.flags());
      return local.broadcast(packet, opts);
    }

    @Override
    public Cancellable broadcastWithAck(
        dev.eio4j.socketio.parser.SioPacket packet, BroadcastOptions opts, BroadcastAckSink sink) {
      record("broadcastWithAck", opts, null);
      return local.broadcastWithAck(packet, opts, sink);
    }

    @Override
    public CompletionStage<List<SocketDetails>> fetchSockets(BroadcastOptions opts) {
      record("fetchSockets", opts, null);
      return local.fetchSockets(opts);
    }

    @Override
    public CompletionStage<Void> addSockets(BroadcastOptions opts, Set<String> rooms) {
      record("addSockets", opts, rooms);
      return local.addSockets(opts, rooms);
    }

    @Override
    public CompletionStage<Void> delSockets(BroadcastOptions opts, Set<String> rooms) {
      record("delSockets", opts, rooms);
      return local.delSockets(opts, rooms);
    }

    @Override
    public CompletionStage<Void> disconnectSockets(BroadcastOptions opts, boolean close) {
      record("disconnectSockets", opts, close);
      return local.disconnectSockets(opts, close);
    }

    @Override
    public void serverSideEmit(ArrayNode eventAndArgs) {
      record("serverSideEmit", null, eventAndArgs);
      local.serverSideEmit(eventAndArgs);
    }

    @Override
    public CompletionStage<List<JsonNode>> serverSideEmitWithAck(ArrayNode eventAndArgs) {
      record("serverSideEmitWithAck", null, eventAndArgs);
      return local.serverSideEmitWithAck(eventAndArgs);
    }

    @Override
    public CompletionStage<Void> persistSession(SessionState session) {
      return local.persistSession(session);
    }

    @Override
    public CompletionStage<Optional<SessionState>> restoreSession(String pid, String offset) {
      return local.restoreSession(pid, offset);
    }

    @Override
    public CompletionStage<Integer> serverCount() {
      record("serverCount", null, null);
      return local.serverCount();
    }

    @Override
    public void close() {
      record("close", null, null);
    }
  }
}
