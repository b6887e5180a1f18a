package dev.eio4j.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.socketio.SioHarness.Ws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Connection state recovery under virtual time: the CONNECT reply's pid, offsets on plain events only,
 * sessions kept on a transport drop and given back with their rooms and data, the CONNECT reply before
 * the replay, the bounds by age and by size, and every way a recovery is refused.
 */
class RecoveryTest {
  private static final Pattern CONNECT_REPLY =
      Pattern.compile(
          "text:40\\{\"sid\":\"([A-Za-z0-9_-]{20})\",\"pid\":\"([A-Za-z0-9_-]{20})\"\\}");

  private final AtomicInteger middlewareRuns = new AtomicInteger();
  private final List<String> log = new ArrayList<>();

  private SioHarness harness(RecoveryOptions recovery) {
    SioHarness sio = new SioHarness(b -> b.connectionStateRecovery(recovery));
    sio.io
        .sockets()
        .use(
            s -> {
              middlewareRuns.incrementAndGet();
              log.add("middleware recovered=" + s.recovered());
              return null;
            })
        .onConnection(
            s -> {
              log.add("connection " + s.id() + " recovered=" + s.recovered());
              s.data().putIfAbsent("first", s.id());
              s.on("join", (args, ack) -> s.join(args.get(0).stringValue()));
              s.on("hello", (args, ack) -> s.emit("hello-back", args.get(0)));
              s.on("asked", (args, ack) -> ack.send("answer"));
              s.onDisconnect(r -> log.add("disconnect " + s.id() + " " + r.wireName()));
            });
    return sio;
  }

  private SioHarness harness() {
    return harness(RecoveryOptions.of(Duration.ofSeconds(10), true));
  }

  /** sid and pid of a CONNECT reply. */
  private static String[] ids(String frame) {
    Matcher m = CONNECT_REPLY.matcher(frame);
    assertThat(m.matches()).as(frame).isTrue();
    return new String[] {m.group(1), m.group(2)};
  }

  private static RecoveryStore store(SioHarness sio) {
    return sio.io.recovery();
  }

  @Test
  void connectReplyHasAPidAndPlainEventsCarryAnOffsetAsTheirLastArgument() {
    SioHarness sio = harness();
    Ws c = sio.ws("4");
    List<String> connect = c.send("0").take();
    assertThat(connect).hasSize(1);
    String[] ids = ids(connect.get(0));
    assertThat(ids[1]).isNotEqualTo(ids[0]).doesNotContain(c.sid);
    SocketIoSocket s = sio.io.sockets().sockets().get(ids[0]);
    assertThat(s.recovered()).isFalse();

    assertThat(c.send("2[\"hello\",{\"a\":1}]").take())
        .containsExactly("text:42[\"hello-back\",{\"a\":1},\"1\"]");
    sio.io.emit("all", 2);
    assertThat(c.take()).containsExactly("text:42[\"all\",2,\"2\"]");
    s.emit("bin", (Object) new byte[] {7});
    assertThat(c.take())
        .containsExactly("text:451-[\"bin\",{\"_placeholder\":true,\"num\":0},\"3\"]", "binary:07");

    // events with an ack id, and acks, are neither numbered nor stored
    int stored = store(sio).packetCount();
    s.emitWithAck(Duration.ofSeconds(5), "question", "q");
    assertThat(c.take()).containsExactly("text:420[\"question\",\"q\"]");
    assertThat(c.send("25[\"asked\"]").take()).containsExactly("text:435[\"answer\"]");
    assertThat(store(sio).packetCount()).isEqualTo(stored).isEqualTo(3);
  }

  @Test
  void protocolV4ClientsGetNoPidAndNoOffsetsEvenFromAStoredBroadcast() {
    SioHarness sio = harness();
    Ws v4 = sio.ws("3"); // its "40" (no payload) was sent with the open packet
    Ws v5 = sio.ws("4");
    v5.send("0").take();
    assertThat(sio.io.emit("all", "x")).isEqualTo(2);
    assertThat(v4.take()).containsExactly("text:42[\"all\",\"x\"]");
    assertThat(v5.take()).containsExactly("text:42[\"all\",\"x\",\"1\"]");
    SocketIoSocket old = sio.io.sockets().sockets().get(v4.sid);
    assertThat(old.emit("direct", 1)).isTrue();
    assertThat(v4.take()).containsExactly("text:42[\"direct\",1]");
    assertThat(store(sio).packetCount()).isEqualTo(1);

    // a v4 drop keeps no session
    v4.conn.clientClose();
    sio.clock().runPending();
    assertThat(store(sio).sessionCount()).isZero();
  }

  @Test
  void aDroppedSocketComesBackWithIdRoomsDataAndItsMissedEventsAfterTheConnectReply() {
    SioHarness sio = harness();
    Ws c = sio.ws("4");
    String[] ids = ids(c.send("0").take().get(0));
    c.send("2[\"join\",\"r\"]");
    SocketIoSocket s = sio.io.sockets().sockets().get(ids[0]);
    s.data().put("user", "alice");
    sio.io.to("r").emit("e1");
    assertThat(c.take()).containsExactly("text:42[\"e1\",\"1\"]");
    sio.io.to("r").emit("in-flight"); // sent, but the client never reads it
    c.conn.clientClose();
    sio.clock().runPending();
    assertThat(log).contains("disconnect " + ids[0] + " transport close");
    assertThat(store(sio).sessionCount()).isOne();

    sio.io.to("r").emit("e3", 3);
    sio.io.to("other").emit("not-for-it");
    sio.io.except("r").emit("excluded");
    sio.io.emit("everyone");
    Ws other = sio.ws("4");
    other.send("0").take();
    sio.io.to(ids[0]).emit("to-its-id");
    other.conn.takeFrames();

    int runs = middlewareRuns.get();
    Ws back = sio.ws("4");
    List<String> frames = back.send("0{\"pid\":\"" + ids[1] + "\",\"offset\":\"1\"}").take();
    assertThat(frames)
        .containsExactly(
            "text:40{\"sid\":\"" + ids[0] + "\",\"pid\":\"" + ids[1] + "\"}",
            "text:42[\"in-flight\",\"2\"]",
            "text:42[\"e3\",3,\"3\"]",
            "text:42[\"everyone\",\"6\"]",
            "text:42[\"to-its-id\",\"7\"]");
    SocketIoSocket r = sio.io.sockets().sockets().get(ids[0]);
    assertThat(r).isNotSameAs(s);
    assertThat(r.recovered()).isTrue();
    assertThat(r.rooms()).containsExactlyInAnyOrder(ids[0], "r");
    assertThat(r.data()).containsEntry("user", "alice").containsEntry("first", ids[0]);
    assertThat(middlewareRuns.get()).isEqualTo(runs); // skipMiddlewares
    assertThat(log).contains("connection " + ids[0] + " recovered=true");
    assertThat(store(sio).sessionCount()).isZero();

    // live again: the next event continues the numbering, and rooms work
    sio.io.to("r").emit("live");
    assertThat(back.take()).containsExactly("text:42[\"live\",\"8\"]");
  }

  @Test
  void aSocketThatWasSentNothingRecoversWithoutAnOffset() {
    SioHarness sio = harness();
    sio.io.emit("before-it-joined");
    Ws c = sio.ws("4");
    String[] ids = ids(c.send("0").take().get(0));
    c.conn.clientClose();
    sio.clock().runPending();
    sio.io.emit("missed", 1);

    Ws back = sio.ws("4");
    assertThat(back.send("0{\"pid\":\"" + ids[1] + "\"}").take())
        .containsExactly(
            "text:40{\"sid\":\"" + ids[0] + "\",\"pid\":\"" + ids[1] + "\"}",
            "text:42[\"missed\",1,\"2\"]");
    assertThat(sio.io.sockets().sockets().get(ids[0]).recovered()).isTrue();
  }

  @Test
  void anOffsetFromBeforeTheSessionDoesNotReplayOlderEvents() {
    SioHarness sio = harness();
    sio.io.emit("old"); // offset 1, before the socket joined
    Ws c = sio.ws("4");
    String[] ids = ids(c.send("0").take().get(0));
    c.conn.clientClose();
    sio.clock().runPending();
    sio.io.emit("missed");

    Ws back = sio.ws("4");
    assertThat(back.send("0{\"pid\":\"" + ids[1] + "\",\"offset\":\"0\"}").take())
        .containsExactly(
            "text:40{\"sid\":\"" + ids[0] + "\",\"pid\":\"" + ids[1] + "\"}",
            "text:42[\"missed\",\"2\"]");
  }

  @Test
  void middlewaresRunAgainUnlessSkippedAndSeeTheRecovery() {
    SioHarness sio = harness(RecoveryOptions.of(Duration.ofSeconds(10), false));
    Ws c = sio.ws("4");
    String[] ids = ids(c.send("0").take().get(0));
    c.conn.clientClose();
    sio.clock().runPending();
    Ws back = sio.ws("4");
    back.send("0{\"pid\":\"" + ids[1] + "\"}").take();
    assertThat(middlewareRuns.get()).isEqualTo(2);
    assertThat(log).containsSubsequence("middleware recovered=false", "middleware recovered=true");
    assertThat(sio.io.sockets().sockets().get(ids[0]).recovered()).isTrue();
  }

  @Test
  void aSessionExpiresAfterMaxDisconnectionDuration() {
    SioHarness sio = harness();
    Ws c = sio.ws("4");
    String[] ids = ids(c.send("0").take().get(0));
    c.conn.clientClose();
    sio.clock().runPending();
    sio.io.emit("missed");
    sio.clock().advance(Duration.ofMillis(10_001));

    Ws back = sio.ws("4");
    String[] fresh = ids(back.send("0{\"pid\":\"" + ids[1] + "\",\"offset\":\"1\"}").take().get(0));
    assertThat(fresh[0]).isNotEqualTo(ids[0]);
    assertThat(fresh[1]).isNotEqualTo(ids[1]);
    assertThat(sio.io.sockets().sockets().get(fresh[0]).recovered()).isFalse();
    assertThat(store(sio).packetCount()).isZero(); // the event expired too
    assertThat(store(sio).sessionCount()).isZero();
  }

  @Test
  void justWithinMaxDisconnectionDurationItStillRecovers() {
    SioHarness sio = harness();
    Ws c = sio.ws("4");
    String[] ids = ids(c.send("0").take().get(0));
    c.conn.clientClose();
    sio.clock().runPending();
    sio.clock().advance(Duration.ofMillis(9_000));
    sio.io.emit("missed");
    sio.clock().advance(Duration.ofMillis(1_000));
    Ws back = sio.ws("4");
    assertThat(back.send("0{\"pid\":\"" + ids[1] + "\"}").take())
        .containsExactly(
            "text:40{\"sid\":\"" + ids[0] + "\",\"pid\":\"" + ids[1] + "\"}",
            "text:42[\"missed\",\"1\"]");
  }

  @Test
  void whenAMissedEventWasEvictedBySizeTheClientGetsANewSessionNotAGap() {
    SioHarness sio = harness(RecoveryOptions.of(Duration.ofSeconds(10), true).withMaxPackets(3));
    Ws c = sio.ws("4");
    String[] ids = ids(c.send("0").take().get(0));
    sio.io.emit("seen");
    c.take();
    c.conn.clientClose();
    sio.clock().runPending();
    for (int i = 0; i < 3; i++) {
      sio.io.emit("missed", i); // the third pushes "seen" out: still nothing missed is lost
    }
    assertThat(store(sio).packetCount()).isEqualTo(3);
    Ws back = sio.ws("4");
    List<String> frames = back.send("0{\"pid\":\"" + ids[1] + "\",\"offset\":\"1\"}").take();
    assertThat(frames).hasSize(4).first().asString().contains(ids[0]);

    c = back;
    c.conn.clientClose();
    sio.clock().runPending();
    for (int i = 0; i < 4; i++) {
      sio.io.emit("missed-again", i); // the fourth evicts the first one the client misses
    }
    assertThat(store(sio).packetCount()).isEqualTo(3);
    Ws again = sio.ws("4");
    String[] fresh =
        ids(again.send("0{\"pid\":\"" + ids[1] + "\",\"offset\":\"4\"}").take().get(0));
    assertThat(fresh[0]).isNotEqualTo(ids[0]);
    assertThat(sio.io.sockets().sockets().get(fresh[0]).recovered()).isFalse();
  }

  @Test
  void theStoreIsBoundByEncodedBytesAndSessionsByCount() {
    SioHarness sio =
        harness(
            RecoveryOptions.of(Duration.ofSeconds(10), true).withMaxBytes(100).withMaxSessions(2));
    String big = "x".repeat(30);
    for (int i = 0; i < 20; i++) {
      sio.io.emit("e", big); // 42["e","xxx..","N"]: 43 or 44 bytes each
    }
    assertThat(store(sio).byteCount()).isLessThanOrEqualTo(100).isGreaterThan(0);
    assertThat(store(sio).packetCount()).isEqualTo(2);
    sio.io.emit("huge", "y".repeat(200)); // larger than the bound: sent live, not kept
    assertThat(store(sio).packetCount()).isZero();
    assertThat(store(sio).byteCount()).isZero();

    List<String[]> dropped = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Ws c = sio.ws("4");
      dropped.add(ids(c.send("0").take().get(0)));
      c.conn.clientClose();
      sio.clock().runPending();
    }
    assertThat(store(sio).sessionCount()).isEqualTo(2);
    Ws first = sio.ws("4");
    assertThat(first.send("0{\"pid\":\"" + dropped.get(0)[1] + "\"}").take().get(0))
        .doesNotContain(dropped.get(0)[0]); // the oldest session was evicted
    Ws last = sio.ws("4");
    assertThat(last.send("0{\"pid\":\"" + dropped.get(2)[1] + "\"}").take().get(0))
        .contains(dropped.get(2)[0]);
  }

  @Test
  void unknownPidsBadOffsetsAndReusedSessionsGiveANewConnection() {
    SioHarness sio = harness();
    for (String payload :
        List.of(
            "{\"pid\":\"nope\",\"offset\":\"1\"}",
            "{\"pid\":42}",
            "{\"pid\":\"nope\",\"offset\":\"??\"}")) {
      Ws c = sio.ws("4");
      String[] ids = ids(c.send("0" + payload).take().get(0));
      assertThat(sio.io.sockets().sockets().get(ids[0]).recovered()).as(payload).isFalse();
    }

    Ws c = sio.ws("4");
    String[] ids = ids(c.send("0").take().get(0));
    c.conn.clientClose();
    sio.clock().runPending();
    Ws bad = sio.ws("4"); // an offset never issued: no recovery, and the session is used up
    String[] fresh = ids(bad.send("0{\"pid\":\"" + ids[1] + "\",\"offset\":\"zz\"}").take().get(0));
    assertThat(fresh[0]).isNotEqualTo(ids[0]);
    Ws again = sio.ws("4");
    assertThat(again.send("0{\"pid\":\"" + ids[1] + "\"}").take().get(0)).doesNotContain(ids[0]);

    // a session recovers once: a second CONNECT with the same pid is a new socket
    Ws d = sio.ws("4");
    String[] dIds = ids(d.send("0").take().get(0));
    d.conn.clientClose();
    sio.clock().runPending();
    assertThat(sio.ws("4").send("0{\"pid\":\"" + dIds[1] + "\"}").take().get(0)).contains(dIds[0]);
    assertThat(sio.ws("4").send("0{\"pid\":\"" + dIds[1] + "\"}").take().get(0))
        .doesNotContain(dIds[0]);

    // another namespace cannot take the session
    sio.io.of("/other");
    Ws e = sio.ws("4");
    String[] eIds = ids(e.send("0").take().get(0));
    e.conn.clientClose();
    sio.clock().runPending();
    List<String> other = sio.ws("4").send("0/other,{\"pid\":\"" + eIds[1] + "\"}").take();
    assertThat(other.get(0)).startsWith("text:40/other,").doesNotContain(eIds[0]);
    assertThat(sio.errors).isEmpty();
  }

  @Test
  void leavingOnPurposeKeepsNoSession() {
    SioHarness sio = harness();
    Ws c = sio.ws("4");
    String[] ids = ids(c.send("0").take().get(0));
    c.send("1"); // client namespace disconnect
    assertThat(log).contains("disconnect " + ids[0] + " client namespace disconnect");
    assertThat(store(sio).sessionCount()).isZero();

    Ws d = sio.ws("4");
    String[] dIds = ids(d.send("0").take().get(0));
    sio.io.sockets().sockets().get(dIds[0]).disconnect();
    sio.clock().runPending();
    assertThat(store(sio).sessionCount()).isZero();

    // a transport error and a ping timeout do keep one
    Ws e = sio.ws("4");
    e.send("0").take();
    e.conn.clientError("boom");
    sio.clock().runPending();
    assertThat(store(sio).sessionCount()).isOne();
    Ws f = sio.ws("4");
    f.send("0").take();
    sio.clock().advance(Duration.ofMillis(46_000));
    assertThat(log).anyMatch(l -> l.endsWith("transport error"));
    assertThat(log).anyMatch(l -> l.endsWith("ping timeout"));
    assertThat(store(sio).sessionCount()).isOne(); // the first expired meanwhile
  }

  @Test
  void whileAnotherThreadBroadcastsTheReturningSocketGetsEachEventOnceAndInOrder()
      throws Exception {
    SioHarness sio =
        harness(
            RecoveryOptions.of(Duration.ofSeconds(10), true)
                .withMaxPackets(1_000_000)
                .withMaxBytes(1L << 30));
    Ws c = sio.ws("4");
    String[] ids = ids(c.send("0").take().get(0));
    c.send("2[\"join\",\"r\"]");
    c.conn.clientClose();
    sio.clock().runPending();

    CountDownLatch started = new CountDownLatch(100);
    AtomicBoolean back = new AtomicBoolean();
    AtomicInteger emitted = new AtomicInteger();
    Thread broadcaster =
        new Thread(
            () -> {
              int after = 0;
              // until well after the socket is back (bounded, should the main thread stall)
              for (int i = 0; i < 300_000 && after < 500; i++) {
                sio.io.to("r").emit("n", i);
                emitted.incrementAndGet();
                started.countDown();
                if (back.get()) {
                  after++;
                }
              }
            },
            "recovery-test-broadcaster");
    broadcaster.start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    Ws r = sio.ws("4");
    r.send("0{\"pid\":\"" + ids[1] + "\"}");
    back.set(true);
    broadcaster.join(60_000);
    assertThat(broadcaster.isAlive()).isFalse();

    List<String> frames = r.take();
    assertThat(frames.get(0))
        .isEqualTo("text:40{\"sid\":\"" + ids[0] + "\",\"pid\":\"" + ids[1] + "\"}");
    Pattern event = Pattern.compile("text:42\\[\"n\",(\\d+),\"([0-9a-z]+)\"\\]");
    int expected = 0;
    for (String f : frames.subList(1, frames.size())) {
      Matcher m = event.matcher(f);
      assertThat(m.matches()).as(f).isTrue();
      assertThat(Integer.parseInt(m.group(1)))
          .as("event after %d", expected - 1)
          .isEqualTo(expected);
      assertThat(RecoveryStore.parseOffset(m.group(2))).isEqualTo(expected + 1L);
      expected++;
    }
    assertThat(expected).isEqualTo(emitted.get());
  }

  @Test
  void recoveryOffLeavesTheWireAsBefore() {
    SioHarness sio = new SioHarness();
    sio.io.sockets().onConnection(s -> s.emit("hi"));
    Ws c = sio.ws("4");
    List<String> frames = c.send("0{\"pid\":\"x\",\"offset\":\"1\"}").take();
    assertThat(frames.get(0)).matches("text:40\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}");
    assertThat(frames.get(1)).isEqualTo("text:42[\"hi\"]");
    assertThat(sio.io.recovery()).isNull();
  }
}
