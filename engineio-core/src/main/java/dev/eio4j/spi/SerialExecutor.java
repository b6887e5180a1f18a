package dev.eio4j.spi;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: the serial half of a {@link Lane}
 * for runtimes without an event loop, and the per-socket order of listener events on a {@code
 * listenerExecutor}. It costs a queue and a flag, never a thread.
 *
 * <p>Invariants: at most one pool thread drains the queue at a time ({@code running} is true from the
 * submission of a drain until it ends), so tasks never overlap and each sees what the previous ones
 * wrote; a drain runs at most 64 tasks before it yields its pool thread and resubmits
 * itself, so one busy queue cannot starve the others. A task that throws is logged and the next one
 * runs. Thread-safe.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  /** Tasks one drain runs before it yields its pool thread. */
  static final int BATCH = 64;

  private static final ThreadLocal<SerialExecutor> CURRENT = new ThreadLocal<>();

  private final Executor pool;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final Runnable drain = this::drain;

  /** Tasks run on {@code pool}, one at a time. */
  public SerialExecutor(Executor pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  /**
   * Queues {@code task}.
   *
   * @throws RuntimeException what the pool threw when it refused to start a drain (e.g. a {@code
   *     RejectedExecutionException} once it is shut down); the queued tasks are then dropped, and a
   *     later call asks the pool again
   */
  @Override
  public void execute(Runnable task) {
    tasks.add(Objects.requireNonNull(task, "task"));
    submit();
  }

  /** True when the calling thread is running a task of this executor. */
  public boolean isCurrent() {
    return CURRENT.get() == this;
  }

  private void submit() {
    if (running.compareAndSet(false, true)) {
      try {
        pool.execute(drain);
      } catch (RuntimeException e) {
        running.set(false);
        tasks.clear();
        throw e;
      }
    }
  }

  private void drain() {
    SerialExecutor previous = CURRENT.get();
    CURRENT.set(this);
    try {
      for (int i = 0; i < BATCH; i++) {
        Runnable task = tasks.poll();
        if (task == null) {
          break;
        }
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          log.error("serial task failed", e);
        }
      }
    } finally {
      CURRENT.set(previous);
      running.set(false);
    }
    if (!tasks.isEmpty()) {
      // more work, or a task queued while this drain was ending: go round again through the pool
      try {
        submit();
      } catch (RuntimeException e) {
        log.debug("serial tasks dropped: the pool refused them", e);
      }
    }
  }
}
