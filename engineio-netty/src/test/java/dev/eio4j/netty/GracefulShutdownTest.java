package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.RunningServer;
import dev.eio4j.SendResult;
import dev.eio4j.testing.RawClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graceful shutdown and drain mode on the Netty runtime, over real sockets: {@code close(deadline)}
 * frees the port at once, refuses new handshakes, writes what is queued and closes every socket with its
 * reason, ends the stragglers at the deadline and returns about then; {@code drain(window)} drops the
 * readiness flag, refuses handshakes with 503 and closes the open sockets spread over the window.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GracefulShutdownTest {
  private final Map<String, String> closes = new ConcurrentHashMap<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  private EngineIoServer newServer() {
    EngineIoServer server = EngineIoServer.builder().build();
    server.onConnection(
        s -> {
          s.onMessage(s::send);
          s.onClose(
              (reason, description) ->
                  closes.put(
                      s.id(), reason.wireName() + (description == null ? "" : ": " + description)));
        });
    return server;
  }

  private static boolean canBind(int port) {
    try (ServerSocket ss = new ServerSocket()) {
      ss.setReuseAddress(true);
      ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads text frames until the close: returns them, then "close:<code>". */
  private Future<List<String>> readAll(RawClient c) {
    return threads.submit(
        () -> {
          List<String> got = new ArrayList<>();
          while (true) {
            RawClient.Frame f;
            try {
              f = c.readFrame();
            } catch (IOException e) {
              got.add("close:" + RawClient.ABNORMAL);
              return got;
            }
            if (f.opcode() == RawClient.CLOSE) {
              got.add("close:" + f.closeCode());
              return got;
            }
            got.add(f.text());
          }
        });
  }

  @Test
  void closeWithADeadline() throws Exception {
    EngineIoServer server = newServer();
    EngineIoNettyServer running =
        EngineIoNettyServer.builder(server).host("127.0.0.1").port(0).ioThreads(2).start();
    int port = running.port();
    // three well-behaved WebSocket clients, each with 200 messages queued for it at the moment of
    // the close
    List<Future<List<String>>> readers = new ArrayList<>();
    List<String> wsSids = new ArrayList<>();
    List<RawClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RawClient c = RawClient.connect(port);
      clients.add(c);
      assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
      wsSids.add(RawClient.sidOf(c.readText()));
    }
    // a polling client with a GET held, and one that does not come back
    RawClient held = RawClient.connect(port);
    clients.add(held);
    held.request("GET", "/engine.io/?EIO=4&transport=polling", null);
    String heldSid = RawClient.sidOf(held.readResponse().text());
    held.request("GET", "/engine.io/?EIO=4&transport=polling&sid=" + heldSid, null);
    RawClient gone = RawClient.connect(port);
    clients.add(gone);
    gone.request("GET", "/engine.io/?EIO=4&transport=polling", null);
    String goneSid = RawClient.sidOf(gone.readResponse().text());
    // a WebSocket client that does not read, with megabytes queued
    RawClient stuck = RawClient.connect("127.0.0.1", port, 4096);
    clients.add(stuck);
    assertThat(stuck.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
    String stuckSid = RawClient.sidOf(stuck.readText());
    EngineIoSocket stuckSocket = server.socket(stuckSid).orElseThrow();
    for (int i = 0; i < 64; i++) {
      stuckSocket.send(new byte[64 * 1024]);
    }
    Thread.sleep(
        100); // the first batch went to Netty's outbound buffer, which is now above its high-water
    // mark
    for (int i = 0; i < 8; i++) {
      stuckSocket.send(new byte[64 * 1024]);
    }
    Thread.sleep(50);
    assertThat(stuckSocket.bufferedAmount())
        .as("queued in the socket, waiting for a writable transport")
        .isPositive();
    for (int i = 0; i < 3; i++) {
      EngineIoSocket s = server.socket(wsSids.get(i)).orElseThrow();
      for (int n = 0; n < 200; n++) {
        assertThat(s.send("bye-" + n)).isEqualTo(SendResult.QUEUED);
      }
      readers.add(readAll(clients.get(i)));
    }

    Duration deadline = Duration.ofMillis(1_500);
    long t0 = System.nanoTime();
    CompletableFuture<Void> closing =
        CompletableFuture.runAsync(() -> running.close(deadline), threads);
    long portFree = -1;
    while (portFree < 0 && System.nanoTime() - t0 < 3_000_000_000L) {
      if (canBind(port)) {
        portFree = (System.nanoTime() - t0) / 1_000_000;
      } else {
        Thread.sleep(5);
      }
    }
    // a new connection is refused while the close is still under way
    boolean refused;
    RawClient late = null;
    try {
      late = RawClient.connect(port);
      refused = false;
    } catch (IOException e) {
      refused = true;
    } finally {
      if (late != null) {
        late.close();
      }
    }
    assertThat(closing).as("still waiting for the stragglers").isNotDone();
    closing.get(10, TimeUnit.SECONDS);
    long returned = (System.nanoTime() - t0) / 1_000_000;

    assertThat(portFree).as("ms until the port could be bound again").isBetween(0L, 500L);
    assertThat(refused).isTrue();
    assertThat(returned).isBetween(deadline.toMillis() - 100, deadline.toMillis() + 2_000);
    for (Future<List<String>> r : readers) {
      List<String> got = r.get(5, TimeUnit.SECONDS);
      assertThat(got.subList(0, 200))
          .as("everything queued went out first")
          .containsExactlyElementsOf(
              java.util.stream.IntStream.range(0, 200).mapToObj(n -> "4bye-" + n).toList());
      assertThat(got.get(got.size() - 1)).isEqualTo("close:" + RawClient.NO_STATUS);
    }
    assertThat(held.readResponse().text()).isEqualTo("1"); // the held GET gets the close packet
    for (String sid : wsSids) {
      assertThat(closes.get(sid)).isEqualTo("forced close");
    }
    assertThat(closes.get(heldSid)).isEqualTo("forced close");
    assertThat(closes.get(goneSid)).isEqualTo("forced close: shutdown deadline");
    assertThat(closes.get(stuckSid)).isEqualTo("forced close: shutdown deadline");
    assertThat(server.socketCount()).isZero();
    assertThat(stuck.awaitEof(Duration.ofSeconds(3)))
        .as("the stuck connection is closed too")
        .isTrue();
    clients.forEach(RawClient::close);
    threads.shutdownNow();
    System.out.println(
        "FIGURES: GracefulShutdownTest close("
            + deadline.toMillis()
            + " ms): portFreeAfterMs="
            + portFree
            + " newConnectionRefused="
            + refused
            + " closeReturnedAfterMs="
            + returned
            + " sockets=6 closedGracefully=4 endedAtDeadline=2 queuedDelivered=3x200");
  }

  @Test
  void drainSpreadsTheClosesOverTheWindow() throws Exception {
    EngineIoServer server = newServer();
    EngineIoNettyServer running =
        EngineIoNettyServer.builder(server).host("127.0.0.1").port(0).ioThreads(2).start();
    int port = running.port();
    int n = 20;
    List<RawClient> clients = new ArrayList<>();
    List<Future<Long>> closedAt = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        RawClient c = RawClient.connect(port);
        clients.add(c);
        assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
        c.readText();
      }
      assertThat(server.isReady()).isTrue();
      long t0 = System.nanoTime();
      for (RawClient c : clients) {
        closedAt.add(
            threads.submit(
                () -> {
                  c.timeout(Duration.ofSeconds(10));
                  c.awaitClose();
                  return (System.nanoTime() - t0) / 1_000_000;
                }));
      }
      CompletableFuture<Void> drained = server.drain(Duration.ofMillis(1_000));
      assertThat(server.isReady()).isFalse();
      try (RawClient late = RawClient.connect(port)) {
        late.request("GET", "/engine.io/?EIO=4&transport=polling", null);
        RawClient.Response r = late.readResponse();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.text()).isEqualTo("{\"code\":3,\"message\":\"Server is draining\"}");
        late.request("GET", "/not-engine-io", null);
        assertThat(late.readResponse().status()).as("the runtime still serves").isEqualTo(404);
      }
      drained.get(5, TimeUnit.SECONDS);
      long done = (System.nanoTime() - t0) / 1_000_000;
      List<Long> times = new ArrayList<>();
      for (Future<Long> f : closedAt) {
        times.add(f.get(5, TimeUnit.SECONDS));
      }
      long first = times.stream().mapToLong(Long::longValue).min().orElseThrow();
      long last = times.stream().mapToLong(Long::longValue).max().orElseThrow();
      assertThat(last).isLessThan(2_000);
      assertThat(last - first).as("spread over the window").isGreaterThan(300);
      assertThat(closes.values()).hasSize(n).containsOnly("forced close");
      System.out.println(
          "FIGURES: GracefulShutdownTest drain(1000 ms) sessions="
              + n
              + " firstCloseMs="
              + first
              + " lastCloseMs="
              + last
              + " drainedAfterMs="
              + done
              + " readyDuringDrain=false handshakeDuringDrain=503");
    } finally {
      clients.forEach(RawClient::close);
      running.close();
      threads.shutdownNow();
    }
  }

  @Test
  void theServerCloseWithADeadlineStopsTheRuntimesItStarted() throws Exception {
    EngineIoServer server = newServer();
    RunningServer running = server.listen("127.0.0.1", 0);
    int port = running.port();
    try (RawClient c = RawClient.connect(port)) {
      assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
      c.readText();
      long t0 = System.nanoTime();
      assertThat(server.close(Duration.ofSeconds(2))).isTrue();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(c.awaitClose()).isEqualTo(RawClient.NO_STATUS);
      assertThat(canBind(port)).isTrue();
      assertThat(ms).isLessThan(1_500);
      System.out.println(
          "FIGURES: GracefulShutdownTest EngineIoServer.close(2 s) with one open socket returned after "
              + ms
              + " ms");
    }
  }
}
