package dev.eio4j.bench.jmh;

import dev.eio4j.spi.Cancellable;
import dev.eio4j.spi.Lane;
import java.util.ArrayDeque;

/**
 * A single-threaded lane that runs tasks on the calling thread: a task submitted from inside a task runs
 * after it (like an event loop), one submitted from outside runs at once. Timers never fire, so no
 * heartbeat interferes with a measurement. Not thread-safe: one benchmark thread per lane.
 */
final class InlineLane implements Lane {
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;

  @Override
  public void execute(Runnable task) {
    queue.add(task);
    if (!running) {
      running = true;
      try {
        Runnable r;
        while ((r = queue.poll()) != null) {
          r.run();
        }
      } finally {
        running = false;
      }
    }
  }

  @Override
  public Cancellable schedule(long delayMillis, Runnable task) {
    return Cancellable.NONE;
  }

  @Override
  public boolean inLane() {
    return running;
  }
}
