package dev.eio4j.bench.load;

import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One simulated client: an Engine.IO session over WebSocket or polling, or a raw WebSocket/HTTP
 * connection. Its state belongs to its event loop: {@link #send} and {@link #sendControl} must be called
 * there (see {@link #onLoop}); {@link #close()} may be called anywhere.
 */
abstract class Client {
  /** What a client reports to the scenario; called on the client's event loop. */
  interface Events {
    /** The session is open (the open packet, or the raw server's first frame, arrived). */
    void opened(Client c);

    /** The client never opened; called at most once, instead of {@link #opened}. */
    void failed(Client c, String why);

    /** A message from the server; {@code stamp} is its send stamp, or -1 when it has none. */
    void message(Client c, long stamp, long now);

    /** The open session ended without our asking. */
    void lost(Client c, String why);
  }

  final int index;
  final Ctx ctx;
  private final AtomicBoolean settled = new AtomicBoolean();
  volatile boolean closing;
  volatile boolean open;
  long startedAt;

  /** Scenario state, event loop only. */
  int inFlight;

  int count;
  int round;

  /** The batch that opened this client (the load generator's). */
  Object owner;

  Client(int index, Ctx ctx) {
    this.index = index;
    this.ctx = ctx;
  }

  /** Starts connecting; reports {@link Events#opened} or {@link Events#failed}. */
  abstract void connect();

  /** The event loop this client lives on, or null before it connected. */
  abstract EventLoop loop();

  /** Sends one stamped message (event loop only). */
  abstract void send(long stamp);

  /** Sends one text message, e.g. a broadcast trigger (event loop only). */
  abstract void sendControl(String text);

  /** Closes without reporting anything. */
  abstract void close();

  /** Sends {@code k} stamped messages at once, batched where the transport allows (event loop only). */
  void burst(int k) {
    for (int i = 0; i < k; i++) {
      inFlight++;
      send(System.nanoTime());
    }
  }

  /** Runs {@code r} on this client's event loop. */
  void onLoop(Runnable r) {
    EventLoop l = loop();
    if (l == null) {
      return;
    }
    if (l.inEventLoop()) {
      r.run();
    } else {
      l.execute(r);
    }
  }

  final void reportOpened() {
    if (settled.compareAndSet(false, true)) {
      open = true;
      if (ctx.metrics.recordConnects) {
        ctx.metrics.connect.record(System.nanoTime() - startedAt);
      }
      ctx.events.opened(this);
    }
  }

  final void reportFailed(String why) {
    if (settled.compareAndSet(false, true)) {
      ctx.events.failed(this, why);
      close();
    }
  }

  final void reportLost(String why) {
    if (!settled.get()) {
      reportFailed(why);
    } else if (!closing) {
      closing = true;
      ctx.events.lost(this, why);
      close();
    }
  }

  /** A v4 server ping arrived at {@code now}: count it and its lag. */
  final long onServerPing(long lastPingAt, long now, long pingIntervalMs) {
    ctx.metrics.pingsAnswered.increment();
    if (lastPingAt != 0) {
      ctx.metrics.pingLag.record(now - lastPingAt - pingIntervalMs * 1_000_000L);
    }
    return now;
  }
}
