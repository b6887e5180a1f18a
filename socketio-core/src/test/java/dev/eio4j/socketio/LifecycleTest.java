package dev.eio4j.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.Message;
import dev.eio4j.socketio.SioHarness.Ws;
import dev.eio4j.socketio.parser.SioDecoder;
import dev.eio4j.socketio.parser.SioPacket;
import dev.eio4j.testing.FakeWsConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a connection holds is released when it ends, and concurrent senders cannot corrupt its frames. */
class LifecycleTest {
  private final SioHarness sio = new SioHarness();

  @Test
  void aMiddlewareStillRunningWhenTheConnectionEndsReleasesItsNamespace() {
    CompletableFuture<Void> never = new CompletableFuture<>();
    List<String> connected = new ArrayList<>();
    DynamicNamespace dyn = sio.io.of(name -> name.startsWith("/t-"));
    dyn.use(s -> never).onConnection(s -> connected.add(s.id()));
    for (int i = 0; i < 20; i++) {
      Ws c = sio.ws("4");
      c.send("0/t-" + i + ",");
      assertThat(sio.io.namespaces()).containsKey("/t-" + i);
      c.conn.clientClose();
      sio.clock().runPending();
    }
    assertThat(sio.io.namespaces().keySet()).containsExactly("/");
    assertThat(sio.io.clientCount()).isZero();
    never.complete(null); // a late completion finds nothing to connect
    sio.clock().runPending();
    assertThat(connected).isEmpty();
    assertThat(sio.clock().pendingTimers()).isZero();
  }

  @Test
  void aStormOfUnansweredAcksLeavesNothingBehind() {
    AtomicReference<SocketIoSocket> socket = new AtomicReference<>();
    sio.io.sockets().onConnection(socket::set);
    Ws c = sio.ws("4");
    c.send("0").take();
    int timersBefore = sio.clock().pendingTimers();
    List<CompletableFuture<?>> futures = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      futures.add(socket.get().emitWithAck(java.time.Duration.ofMillis(100 + i % 7), "q", i));
    }
    assertThat(socket.get().pendingAcks()).isEqualTo(2000);
    assertThat(sio.clock().pendingTimers()).isEqualTo(timersBefore + 2000);
    sio.clock().advanceMillis(106);
    assertThat(futures).allMatch(CompletableFuture::isCompletedExceptionally);
    assertThat(socket.get().pendingAcks()).isZero();
    assertThat(sio.clock().pendingTimers()).isEqualTo(timersBefore);
    c.send("30[\"late\"]").send("31999[\"unknown id\"]");
    assertThat(c.closed()).isFalse();
  }

  @Test
  void oneConnectionJoinsAtMostMaxNamespacesPerConnection() {
    SioHarness small = new SioHarness(b -> b.maxNamespacesPerConnection(3));
    small.io.of(name -> name.startsWith("/n-"));
    Ws c = small.ws("4");
    c.send("0").send("0/n-1,").send("0/n-2,").take();
    assertThat(c.send("0/n-3,").take())
        .containsExactly("text:44/n-3,{\"message\":\"Too many namespaces\"}");
    assertThat(small.io.namespaces()).doesNotContainKey("/n-3");
    c.send("1/n-2,");
    assertThat(c.send("0/n-3,").take())
        .singleElement()
        .asString()
        .startsWith("text:40/n-3,{\"sid\":");
    assertThat(c.closed()).isFalse();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void concurrentBinaryEmitsKeepEachPacketsFramesTogether() throws Exception {
    AtomicReference<SocketIoSocket> socket = new AtomicReference<>();
    sio.io.sockets().onConnection(socket::set);
    Ws c = sio.ws("4");
    c.send("0").take();
    int threads = 4;
    int each = 300;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * each;
      Thread th =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < each; i++) {
                  int n = base + i;
                  socket
                      .get()
                      .emit(
                          "b",
                          n,
                          new byte[] {(byte) n, (byte) (n >> 8)},
                          new byte[] {(byte) (n >> 8)});
                }
              });
      th.start();
      senders.add(th);
    }
    start.countDown();
    for (Thread th : senders) {
      th.join();
    }
    sio.clock().runPending();

    SioDecoder decoder = new SioDecoder();
    int packets = 0;
    for (FakeWsConnection.Frame f : c.conn.takeFrames()) {
      Message m = f.binary() ? Message.binary(f.data()) : Message.text(f.text().substring(1));
      SioPacket p = decoder.decode(m); // throws on a frame out of place
      if (p != null) {
        int n = p.data().get(1).intValue();
        assertThat(p.data().get(2).binaryValue()).containsExactly((byte) n, (byte) (n >> 8));
        assertThat(p.data().get(3).binaryValue()).containsExactly((byte) (n >> 8));
        packets++;
      }
    }
    assertThat(packets).isEqualTo(threads * each);
  }
}
