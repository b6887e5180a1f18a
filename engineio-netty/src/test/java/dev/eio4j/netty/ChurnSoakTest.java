package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.netty.support.Heap;
import dev.eio4j.netty.support.LogCapture;
import dev.eio4j.testing.RawClient;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The churn soak: connect / message / close cycles against one server, from 4 client threads: three in
 * four over WebSocket (one in four of those v3), one in four over polling (handshake, POST, GET, POST of
 * the close packet). {@code -Deio4j.soak.cycles} sets the count (default 100,000: 35 to 60 s on a loaded
 * 2-core machine; the full run is 200,000). At five checkpoints, with every client gone, the heap after
 * GC must stay flat (within 24 MiB of the first checkpoint), no session may be left in the server's map
 * and no connection open; at the end Netty's paranoid leak detector (set for surefire in the parent POM)
 * must have reported no ByteBuf leak, which a deliberate leak of a probe resource shows it would have.
 */
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class ChurnSoakTest {
  static final int CYCLES = Integer.getInteger("eio4j.soak.cycles", 100_000);
  static final int THREADS = 4;
  static final long HEAP_TOLERANCE = 24L * 1024 * 1024;

  /** A resource leaked on purpose, to show that the detector and the log capture work. */
  static final class LeakProbe {}

  @Test
  void churn() throws Exception {
    long leaksBefore = LogCapture.leaksMentioning("ByteBuf");
    EngineIoServer server = EngineIoServer.builder().build();
    server.onConnection(s -> s.onMessage(s::send));
    EngineIoNettyServer running =
        EngineIoNettyServer.builder(server).host("127.0.0.1").port(0).ioThreads(2).start();
    ExecutorService clients = Executors.newFixedThreadPool(THREADS);
    int port = running.port();
    long t0 = System.nanoTime();
    List<String> checkpoints = new ArrayList<>();
    List<Long> heaps = new ArrayList<>();
    int done = 0;
    try {
      int warmup = Math.min(1_000, CYCLES / 10);
      done += run(clients, port, done, warmup);
      int segment = (CYCLES - warmup) / 4;
      for (int k = 0; k <= 4; k++) {
        if (k > 0) {
          done += run(clients, port, done, k == 4 ? CYCLES - done : segment);
        }
        awaitQuiet(server, running);
        assertThat(server.socketCount())
            .as("sessions left in the map after %d cycles", done)
            .isZero();
        assertThat(running.connectionCount()).as("connections left after %d cycles", done).isZero();
        long heap = Heap.usedAfterGc();
        heaps.add(heap);
        checkpoints.add(done + ":" + Heap.mib(heap));
      }
    } finally {
      clients.shutdownNow();
      running.close();
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long growth = heaps.get(heaps.size() - 1) - heaps.get(0);
    long maxGrowth = heaps.stream().mapToLong(h -> h - heaps.get(0)).max().orElse(0);

    // leak reports come when a leaked buffer has been collected and the detector runs again
    long probeLeaks = leakProbe();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      for (int j = 0; j < 200; j++) {
        PooledByteBufAllocator.DEFAULT.buffer(64).release();
        UnpooledByteBufAllocator.DEFAULT.buffer(64).release();
        ByteBufAllocator.DEFAULT.directBuffer(64).release();
      }
    }
    long leaks = LogCapture.leaksMentioning("ByteBuf") - leaksBefore;
    System.out.println(
        "FIGURES: ChurnSoakTest cycles="
            + done
            + " (3/4 WebSocket of which 1/4 v3, 1/4 polling) threads="
            + THREADS
            + " elapsedMs="
            + ms
            + " cyclesPerSec="
            + done * 1000L / Math.max(1, ms)
            + " heapAfterGc[cycles:heap]="
            + checkpoints
            + " growthFirstToLast="
            + Heap.mib(growth)
            + " maxGrowth="
            + Heap.mib(maxGrowth)
            + " sessionsLeft="
            + server.socketCount()
            + " byteBufLeaks="
            + leaks
            + " probeLeaksDetected="
            + probeLeaks
            + " leakLevel="
            + ResourceLeakDetector.getLevel());
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    assertThat(probeLeaks).as("the detector reports a deliberate leak").isPositive();
    assertThat(leaks).as("ByteBuf leaks: %s", LogCapture.leakLines()).isZero();
    assertThat(maxGrowth)
        .as("heap growth over the checkpoints %s", checkpoints)
        .isLessThan(HEAP_TOLERANCE);
  }

  /** Leaks one tracked probe, collects it and lets the detector run: returns the reports about it. */
  private static long leakProbe() throws InterruptedException {
    ResourceLeakDetector<LeakProbe> detector =
        ResourceLeakDetectorFactory.instance().newResourceLeakDetector(LeakProbe.class);
    trackAndDrop(detector);
    for (int i = 0; i < 20 && LogCapture.leaksMentioning("LeakProbe") == 0; i++) {
      System.gc();
      Thread.sleep(20);
      LeakProbe p = new LeakProbe();
      ResourceLeakTracker<LeakProbe> t = detector.track(p); // runs the report
      if (t != null) {
        t.close(p);
      }
    }
    return LogCapture.leaksMentioning("LeakProbe");
  }

  private static void trackAndDrop(ResourceLeakDetector<LeakProbe> detector) {
    detector.track(new LeakProbe());
  }

  private static int run(ExecutorService clients, int port, int first, int count) throws Exception {
    AtomicInteger next = new AtomicInteger(first);
    int end = first + count;
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      fs.add(
          clients.submit(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < end) {
                  cycle(port, i);
                }
                return null;
              }));
    }
    for (Future<?> f : fs) {
      f.get(30, TimeUnit.MINUTES);
    }
    return count;
  }

  private static void cycle(int port, int i) throws IOException {
    try (RawClient c = RawClient.connect(port)) {
      c.timeout(Duration.ofSeconds(10));
      String msg = "4hello-" + i;
      if (i % 4 == 3) {
        String hs = "/engine.io/?EIO=4&transport=polling";
        c.request("GET", hs, null);
        String sid = RawClient.sidOf(c.readResponse().text());
        String q = hs + "&sid=" + sid;
        c.request("POST", q, msg, "Content-Type: text/plain;charset=UTF-8");
        expect(c.readResponse().text(), "ok");
        c.request("GET", q, null);
        expect(c.readResponse().text(), msg);
        c.request("POST", q, "1", "Content-Type: text/plain;charset=UTF-8", "Connection: close");
        expect(c.readResponse().text(), "ok");
        c.awaitEof(Duration.ofSeconds(5));
      } else {
        String eio = i % 4 == 1 ? "3" : "4";
        RawClient.Response r = c.upgrade("/engine.io/?EIO=" + eio + "&transport=websocket");
        if (r.status() != 101) {
          throw new IOException("cycle " + i + ": " + r);
        }
        c.readText(); // open
        c.sendText(msg);
        String in;
        while (!(in = c.readText()).equals(msg)) {
          if (in.equals("2")) {
            c.sendText("3");
          }
        }
        c.sendClose(1000);
        c.awaitClose();
      }
    }
  }

  private static void expect(String got, String want) throws IOException {
    if (!got.equals(want)) {
      throw new IOException("expected " + want + ", got " + got);
    }
  }

  private static void awaitQuiet(EngineIoServer server, EngineIoNettyServer running)
      throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while ((server.socketCount() > 0 || running.connectionCount() > 0) && System.nanoTime() < end) {
      Thread.sleep(10);
    }
  }
}
