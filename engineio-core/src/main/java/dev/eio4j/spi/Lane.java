package dev.eio4j.spi;

import java.util.concurrent.Executor;

/**
 * A serial executor with timers: the single owner of one session's mutable state.
 *
 * <p>Tasks submitted with {@link #execute} run one at a time, in submission order, never concurrently
 * with each other or with tasks scheduled through {@link #schedule}. A lane may hop threads between
 * tasks (it is not a thread). In the Netty adapter a lane is a channel's {@code EventLoop}; in tests it
 * is a {@code ManualScheduler} that advances virtual time.
 */
public interface Lane extends Executor {
  /**
   * Runs {@code task} on this lane after {@code delayMillis} milliseconds.
   *
   * @return a handle that cancels the task if it has not started yet
   */
  Cancellable schedule(long delayMillis, Runnable task);

  /** True when the calling thread is currently running a task of this lane. */
  boolean inLane();

  /**
   * Runs {@code task} now when the caller is already on this lane, otherwise queues it with {@link
   * #execute}: either way it runs on the lane, after every task queued before it from other threads.
   */
  default void runOrExecute(Runnable task) {
    if (inLane()) {
      task.run();
    } else {
      execute(task);
    }
  }

  /** Milliseconds of a monotonic clock (virtual in tests); used for hold times and diagnostics. */
  default long nowMillis() {
    return System.nanoTime() / 1_000_000L;
  }
}
