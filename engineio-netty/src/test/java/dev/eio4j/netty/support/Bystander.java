package dev.eio4j.netty.support;

import dev.eio4j.testing.RawClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A well-behaved client running alongside the misbehaving ones: over WebSocket or long-polling (v4), it
 * sends a message every {@code periodMillis}, waits for its echo (answering the server's pings) and
 * records the round trips. {@link #assertUntouched()} fails if anything went wrong or it stopped
 * progressing: the misbehaviour of others must not reach it.
 */
@SuppressWarnings(
    "try") // close() may throw InterruptedException: the test thread's interrupt must reach the
// test
public final class Bystander implements AutoCloseable {
  private final int port;
  private final boolean websocket;
  private final long periodMillis;
  private final Thread thread;
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong maxRttMicros = new AtomicLong();
  private final AtomicLong windowMaxRttMicros = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final List<Long> checkpoints = new ArrayList<>();
  private volatile boolean stop;
  private volatile String sid;
  private volatile RawClient client;

  private Bystander(int port, boolean websocket, long periodMillis) {
    this.port = port;
    this.websocket = websocket;
    this.periodMillis = periodMillis;
    this.thread = new Thread(this::run, "bystander-" + (websocket ? "ws" : "polling"));
    this.thread.setDaemon(true);
  }

  /** Starts a bystander over WebSocket ({@code websocket}) or polling. */
  public static Bystander start(int port, boolean websocket, long periodMillis)
      throws InterruptedException {
    Bystander b = new Bystander(port, websocket, periodMillis);
    b.thread.start();
    long end = System.nanoTime() + 5_000_000_000L;
    while (b.rounds.get() == 0 && b.failure.get() == null && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    b.assertUntouched();
    return b;
  }

  /** The session id. */
  public String sid() {
    return sid;
  }

  /** Completed round trips. */
  public long rounds() {
    return rounds.get();
  }

  /** The slowest round trip, in milliseconds. */
  public double maxRttMillis() {
    return maxRttMicros.get() / 1000.0;
  }

  private void run() {
    try (RawClient c = RawClient.connect(port)) {
      client = c;
      c.timeout(Duration.ofSeconds(5));
      if (websocket) {
        runWebSocket(c);
      } else {
        runPolling(c);
      }
    } catch (Throwable t) {
      if (!stop) {
        failure.compareAndSet(null, t);
      }
    }
  }

  private void runWebSocket(RawClient c) throws IOException, InterruptedException {
    RawClient.Response r = c.upgrade("/engine.io/?EIO=4&transport=websocket");
    if (r.status() != 101) {
      throw new IOException("handshake refused: " + r);
    }
    sid = RawClient.sidOf(c.readText());
    for (long n = 0; !stop; n++) {
      String msg = "4bystander-" + n;
      long t0 = System.nanoTime();
      c.sendText(msg);
      while (true) {
        String in = c.readText();
        if (in.equals("2")) {
          c.sendText("3");
        } else if (in.equals(msg)) {
          break;
        } else {
          throw new IOException("unexpected frame " + in + " while waiting for " + msg);
        }
      }
      done(t0);
      Thread.sleep(periodMillis);
    }
  }

  private void runPolling(RawClient c) throws IOException, InterruptedException {
    c.request("GET", "/engine.io/?EIO=4&transport=polling", null);
    RawClient.Response hs = c.readResponse();
    if (hs.status() != 200) {
      throw new IOException("handshake refused: " + hs);
    }
    sid = RawClient.sidOf(hs.text());
    String q = "/engine.io/?EIO=4&transport=polling&sid=" + sid;
    for (long n = 0; !stop; n++) {
      String msg = "4bystander-" + n;
      long t0 = System.nanoTime();
      c.request("POST", q, msg, "Content-Type: text/plain;charset=UTF-8");
      RawClient.Response ok = c.readResponse();
      if (ok.status() != 200 || !ok.text().equals("ok")) {
        throw new IOException("POST answered " + ok);
      }
      boolean echoed = false;
      while (!echoed) {
        c.request("GET", q, null);
        RawClient.Response get = c.readResponse();
        if (get.status() != 200) {
          throw new IOException("GET answered " + get);
        }
        for (String packet : get.text().split("\u001e")) {
          if (packet.equals("2")) {
            c.request("POST", q, "3", "Content-Type: text/plain;charset=UTF-8");
            c.readResponse();
          } else if (packet.equals(msg)) {
            echoed = true;
          } else if (!packet.equals("6")) {
            throw new IOException("unexpected packet " + packet + " while waiting for " + msg);
          }
        }
      }
      done(t0);
      Thread.sleep(periodMillis);
    }
  }

  private void done(long t0) {
    long rtt = (System.nanoTime() - t0) / 1000;
    maxRttMicros.accumulateAndGet(rtt, Math::max);
    windowMaxRttMicros.accumulateAndGet(rtt, Math::max);
    rounds.incrementAndGet();
  }

  /** The slowest round trip since the previous call, in milliseconds. */
  public double takeMaxRttMillis() {
    return windowMaxRttMicros.getAndSet(0) / 1000.0;
  }

  /** Fails if the bystander failed, or made no progress since the previous check. */
  public synchronized void assertUntouched() {
    Throwable t = failure.get();
    if (t != null) {
      throw new AssertionError(
          "the well-behaved " + (websocket ? "WebSocket" : "polling") + " client was disturbed", t);
    }
    long r = rounds.get();
    if (!checkpoints.isEmpty() && r <= checkpoints.get(checkpoints.size() - 1)) {
      // it may be between two rounds: give it one more period
      try {
        Thread.sleep(periodMillis * 4 + 200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      r = rounds.get();
      if (r <= checkpoints.get(checkpoints.size() - 1) && failure.get() == null) {
        throw new AssertionError("the well-behaved client made no progress (" + r + " rounds)");
      }
      if (failure.get() != null) {
        throw new AssertionError("the well-behaved client was disturbed", failure.get());
      }
    }
    checkpoints.add(r);
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    RawClient c = client;
    if (c != null) {
      c.close();
    }
    thread.join(5_000);
  }
}
