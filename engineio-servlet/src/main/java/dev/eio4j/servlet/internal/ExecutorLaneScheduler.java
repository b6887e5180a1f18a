package dev.eio4j.servlet.internal;

import dev.eio4j.spi.Cancellable;
import dev.eio4j.spi.Lane;
import dev.eio4j.spi.SerialExecutor;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session lanes for containers that have no event loop to lend: each lane is a serial executor over one
 * shared pool, and every lane's timers fire on one shared scheduler thread and then run on their lane.
 * A lane costs a queue and a flag, never a thread, so sessions are cheap. Thread-safe.
 */
public final class ExecutorLaneScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExecutorLaneScheduler.class);

  private final Executor executor;
  private final ScheduledExecutorService timer;
  private final boolean owned;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ExecutorLaneScheduler(Executor executor, ScheduledExecutorService timer, boolean owned) {
    this.executor = executor;
    this.timer = timer;
    this.owned = owned;
  }

  /**
   * Lanes on {@code threads} daemon pool threads ({@code eio4j-lane-N}) and one timer thread ({@code
   * eio4j-timer}), all owned: {@link #close()} stops them.
   */
  public static ExecutorLaneScheduler create(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1: " + threads);
    }
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemon("eio4j-lane-"));
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("eio4j-timer-"));
    // heartbeats are re-armed at every pong: cancelled timers must not pile up in the queue
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return new ExecutorLaneScheduler(pool, timer, true);
  }

  /** The default size of an owned pool: the number of cores, at least 2. */
  public static int defaultThreads() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  /** Lanes on the caller's executor and timer, which {@link #close()} leaves running. */
  public static ExecutorLaneScheduler using(Executor executor, ScheduledExecutorService timer) {
    return new ExecutorLaneScheduler(
        Objects.requireNonNull(executor, "executor"),
        Objects.requireNonNull(timer, "timer"),
        false);
  }

  /** A new lane. */
  public Lane newLane() {
    return new SerialLane(executor, timer);
  }

  /**
   * Stops the owned threads after letting queued lane tasks run for up to {@code graceMillis}
   * (close frames and last responses); does nothing to a caller's executor. Idempotent.
   */
  public void close(long graceMillis) {
    if (!closed.compareAndSet(false, true) || !owned) {
      return;
    }
    timer.shutdownNow();
    ExecutorService pool = (ExecutorService) executor;
    pool.shutdown();
    try {
      if (!pool.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
      // the threads are gone when this returns (containers check for threads left behind by a
      // context)
      pool.awaitTermination(graceMillis, TimeUnit.MILLISECONDS);
      timer.awaitTermination(graceMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** {@link #close(long)} with a 1 s grace period. */
  @Override
  public void close() {
    close(1000);
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** One lane: the core's serial executor over the shared pool, with timers on the shared scheduler. */
  static final class SerialLane implements Lane {
    private final SerialExecutor serial;
    private final ScheduledExecutorService timer;

    SerialLane(Executor executor, ScheduledExecutorService timer) {
      this.serial = new SerialExecutor(executor);
      this.timer = timer;
    }

    @Override
    public void execute(Runnable task) {
      try {
        serial.execute(task);
      } catch (RejectedExecutionException e) {
        // the pool is shut down (the runtime is closing): nothing will run these tasks any more
        log.debug("lane task rejected: the lane pool is shut down");
      }
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
      TimedTask timed = new TimedTask(task);
      try {
        ScheduledFuture<?> f =
            timer.schedule(() -> execute(timed), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        timed.future = f;
      } catch (RejectedExecutionException e) {
        log.debug("timer rejected: the lane timer is shut down");
        return Cancellable.NONE;
      }
      return timed;
    }

    @Override
    public boolean inLane() {
      return serial.isCurrent();
    }
  }

  /** A timer's task: cancelling it also stops it when it has already been handed to its lane. */
  private static final class TimedTask implements Runnable, Cancellable {
    private final Runnable task;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    volatile ScheduledFuture<?> future;

    TimedTask(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      if (cancelled.compareAndSet(false, true)) {
        task.run();
      }
    }

    @Override
    public void cancel() {
      if (cancelled.compareAndSet(false, true)) {
        ScheduledFuture<?> f = future;
        if (f != null) {
          f.cancel(false);
        }
      }
    }
  }
}
