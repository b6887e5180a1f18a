package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.SendResult;
import dev.eio4j.testing.RawClient;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sixteen application threads sending at once, over real WebSockets: to one socket, and to each of many
 * sockets. Every client checks that it received every message of every thread, each thread's in the
 * order it was sent; a round that does not finish in time fails with a thread dump (deadlock check). The
 * rounds repeat ({@code -Deio4j.stress.rounds}, default 5). Sends that meet a full buffer wait for
 * {@code onWritable} and retry, so nothing may be lost.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ConcurrentSendStressTest {
  static final int THREADS = 16;
  static final int ROUNDS = Integer.getInteger("eio4j.stress.rounds", 5);
  static final int PER_THREAD_ONE_SOCKET = 2_000;
  static final int SOCKETS = 24;
  static final int PER_THREAD_MANY = 150;
  static EngineIoServer server;
  static EngineIoNettyServer running;
  static ExecutorService pool;
  static final String PADDING = ":" + "p".repeat(60);

  @BeforeAll
  static void start() throws Exception {
    // a small budget, so that senders do meet BUFFER_FULL and must use the writable signal
    server =
        EngineIoServer.builder()
            .maxBufferedBytes(256 * 1024)
            .pingInterval(Duration.ofSeconds(60))
            .build();
    running = EngineIoNettyServer.builder(server).host("127.0.0.1").port(0).ioThreads(2).start();
    pool = Executors.newFixedThreadPool(THREADS + SOCKETS);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
    running.close();
  }

  /** Sends, waiting (without losing the message) while the buffer is full; counts the waits. */
  private static void sendInOrder(EngineIoSocket s, String text, AtomicLong full)
      throws InterruptedException {
    while (true) {
      SendResult r = s.send(text);
      if (r == SendResult.QUEUED) {
        return;
      }
      assertThat(r).as("socket still open").isEqualTo(SendResult.BUFFER_FULL);
      full.incrementAndGet();
      long end = System.nanoTime() + 60_000_000_000L;
      while (!s.isWritable()) {
        if (System.nanoTime() > end) {
          throw new AssertionError(
              "the socket never became writable again: bufferedAmount " + s.bufferedAmount());
        }
        Thread.sleep(1);
      }
    }
  }

  /**
   * A client that reads {@code threads * perThread} messages "t:i[:padding]" and checks each thread's
   * order; with {@code stallMillis} it stops reading that long after the first message, so that the
   * senders meet a full buffer.
   */
  private static Callable<long[]> reader(
      RawClient c, int threads, int perThread, long stallMillis) {
    return () -> {
      int[] next = new int[threads];
      long total = 0;
      while (total < (long) threads * perThread) {
        if (total == 1 && stallMillis > 0) {
          Thread.sleep(stallMillis);
        }
        String f = c.readText();
        if (f.equals("2")) {
          c.sendText("3");
          continue;
        }
        int colon = f.indexOf(':');
        int t = Integer.parseInt(f.substring(1, colon));
        int end = f.indexOf(':', colon + 1);
        int i = Integer.parseInt(f.substring(colon + 1, end < 0 ? f.length() : end));
        if (i != next[t]) {
          throw new AssertionError("thread " + t + ": got message " + i + ", expected " + next[t]);
        }
        next[t]++;
        total++;
      }
      return new long[] {total};
    };
  }

  private static RawClient open(List<String> sids) throws Exception {
    return open(sids, 0);
  }

  private static RawClient open(List<String> sids, int receiveBuffer) throws Exception {
    RawClient c = RawClient.connect("127.0.0.1", running.port(), receiveBuffer);
    c.timeout(Duration.ofSeconds(60));
    assertThat(c.upgrade("/engine.io/?EIO=4&transport=websocket").status()).isEqualTo(101);
    sids.add(RawClient.sidOf(c.readText()));
    return c;
  }

  private static <T> T bounded(Future<T> f, String what) throws Exception {
    try {
      return f.get(120, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      ThreadInfo[] infos = ManagementFactory.getThreadMXBean().dumpAllThreads(true, true);
      long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
      throw new AssertionError(
          what
              + " did not finish in 120 s; deadlocked threads: "
              + (deadlocked == null ? "none" : Arrays.toString(deadlocked))
              + "\n"
              + Arrays.toString(infos));
    }
  }

  @Test
  void sixteenThreadsToOneSocket() throws Exception {
    long totalMessages = 0;
    long full = 0;
    long t0 = System.nanoTime();
    for (int round = 0; round < ROUNDS; round++) {
      List<String> sids = new ArrayList<>();
      try (RawClient c = open(sids, 8 * 1024)) {
        EngineIoSocket s = server.socket(sids.get(0)).orElseThrow();
        Future<long[]> reading = pool.submit(reader(c, THREADS, PER_THREAD_ONE_SOCKET, 300));
        AtomicLong waits = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> senders = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          senders.add(
              pool.submit(
                  () -> {
                    go.await();
                    for (int i = 0; i < PER_THREAD_ONE_SOCKET; i++) {
                      sendInOrder(s, thread + ":" + i + PADDING, waits);
                    }
                    return null;
                  }));
        }
        go.countDown();
        for (Future<?> f : senders) {
          bounded(f, "a sender");
        }
        totalMessages += bounded(reading, "the reader")[0];
        full += waits.get();
        assertThat(s.bufferedAmount()).isZero();
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(totalMessages).isEqualTo((long) ROUNDS * THREADS * PER_THREAD_ONE_SOCKET);
    System.out.println(
        "FIGURES: ConcurrentSendStressTest oneSocket rounds="
            + ROUNDS
            + " threads="
            + THREADS
            + " messages="
            + totalMessages
            + " lost=0 outOfOrder=0 bufferFullRetries="
            + full
            + " elapsedMs="
            + ms
            + " msgPerSec="
            + totalMessages * 1000 / Math.max(1, ms));
  }

  @Test
  void sixteenThreadsToManySockets() throws Exception {
    long totalMessages = 0;
    long full = 0;
    long t0 = System.nanoTime();
    for (int round = 0; round < ROUNDS; round++) {
      List<String> sids = new ArrayList<>();
      List<RawClient> clients = new ArrayList<>();
      try {
        for (int k = 0; k < SOCKETS; k++) {
          clients.add(open(sids));
        }
        List<EngineIoSocket> sockets =
            sids.stream().map(id -> server.socket(id).orElseThrow()).toList();
        List<Future<long[]>> readers = new ArrayList<>();
        for (RawClient c : clients) {
          readers.add(pool.submit(reader(c, THREADS, PER_THREAD_MANY, 0)));
        }
        AtomicLong waits = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> senders = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          senders.add(
              pool.submit(
                  () -> {
                    go.await();
                    for (int i = 0; i < PER_THREAD_MANY; i++) {
                      for (EngineIoSocket s : sockets) {
                        sendInOrder(s, thread + ":" + i, waits);
                      }
                    }
                    return null;
                  }));
        }
        go.countDown();
        for (Future<?> f : senders) {
          bounded(f, "a sender");
        }
        for (Future<long[]> r : readers) {
          totalMessages += bounded(r, "a reader")[0];
        }
        full += waits.get();
      } finally {
        clients.forEach(RawClient::close);
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(totalMessages).isEqualTo((long) ROUNDS * THREADS * PER_THREAD_MANY * SOCKETS);
    long end = System.nanoTime() + 5_000_000_000L;
    while (server.socketCount() > 0 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(server.socketCount()).isZero();
    System.out.println(
        "FIGURES: ConcurrentSendStressTest manySockets rounds="
            + ROUNDS
            + " threads="
            + THREADS
            + " sockets="
            + SOCKETS
            + " messages="
            + totalMessages
            + " lost=0 outOfOrder=0 bufferFullRetries="
            + full
            + " elapsedMs="
            + ms
            + " msgPerSec="
            + totalMessages * 1000 / Math.max(1, ms));
  }
}
