package dev.eio4j.testing;

import dev.eio4j.spi.Cancellable;
import dev.eio4j.spi.Lane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A {@link Lane} with virtual time, for deterministic single-threaded tests (our TaskFaker).
 *
 * <p>Nothing runs by itself: {@link #execute} queues a task due now, {@link #schedule} queues a timer due
 * {@code now + delay}, and the test drives the clock with {@link #runPending()}, {@link
 * #advance(Duration)} or {@link #advanceMillis(long)}. Due tasks run on the calling thread, in order of
 * due time and then of submission; tasks queued by running tasks run in the same call when they are due.
 * While a task runs, {@link #now()} is that task's due time and {@link #inLane()} is true on the running
 * thread, so code that checks {@code inLane()} behaves as it would on a real event loop.
 *
 * <p>Timers are counted: {@link #pendingTimers()} is the number of scheduled tasks that have neither run
 * nor been cancelled, which lets a test assert that a closed session left no timer behind.
 *
 * <p>A task that throws does not stop the others (as on an event loop); by default the first failure is
 * re-thrown, wrapped in an {@link IllegalStateException}, once the driving call has run everything due.
 * {@link #failures()} lists them all. {@code execute} and {@code schedule} may be called from any thread;
 * only one thread at a time may drive the clock.
 */
public final class ManualScheduler implements Lane {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private final List<Throwable> failures = new ArrayList<>();
  private long now;
  private long seq;
  private int timers;
  private long tasksRun;
  private boolean rethrowFailures = true;
  private volatile Thread runner;

  /** A scheduler whose clock starts at 0 ms. */
  public ManualScheduler() {
    this(0);
  }

  /** A scheduler whose clock starts at {@code startMillis}. */
  public ManualScheduler(long startMillis) {
    this.now = startMillis;
  }

  /** Whether a failing task makes the driving call throw (default true). Returns this. */
  public ManualScheduler rethrowFailures(boolean rethrow) {
    synchronized (this) {
      this.rethrowFailures = rethrow;
    }
    return this;
  }

  // ------------------------------------------------------------------ Lane

  /** Queues {@code task} to run at the current virtual time, after the tasks already due. */
  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (this) {
      queue.add(new Task(now, seq++, task, false));
    }
  }

  /** Queues {@code task} to run {@code delayMillis} (at least 0) after the current virtual time. */
  @Override
  public Cancellable schedule(long delayMillis, Runnable task) {
    Objects.requireNonNull(task, "task");
    Task t;
    synchronized (this) {
      t = new Task(now + Math.max(0, delayMillis), seq++, task, true);
      queue.add(t);
      timers++;
    }
    return () -> cancel(t);
  }

  /** True only on the thread that is running one of this scheduler's tasks, while it runs it. */
  @Override
  public boolean inLane() {
    return runner == Thread.currentThread();
  }

  /** The virtual time in milliseconds. */
  @Override
  public long nowMillis() {
    return now();
  }

  // ------------------------------------------------------------------ driving the clock

  /** The virtual time in milliseconds. */
  public synchronized long now() {
    return now;
  }

  /** Runs every task due at the current time (including those they queue); returns how many ran. */
  public int runPending() {
    return runUntil(now());
  }

  /** Moves the clock forward by {@code d}, running due tasks in time order; returns how many ran. */
  public int advance(Duration d) {
    return advanceMillis(d.toMillis());
  }

  /** Moves the clock forward by {@code millis}, running due tasks in time order; returns how many ran. */
  public int advanceMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("cannot go back in time: " + millis);
    }
    return runUntil(now() + millis);
  }

  /** Moves the clock to {@code millis} (not before now), running due tasks; returns how many ran. */
  public int advanceTo(long millis) {
    long current = now();
    if (millis < current) {
      throw new IllegalArgumentException("cannot go back in time: " + millis + " < " + current);
    }
    return runUntil(millis);
  }

  /**
   * Runs the next timer (moving the clock to its due time) and everything due with it. Returns false when
   * no timer is pending.
   */
  public boolean runNextTimer() {
    long due;
    synchronized (this) {
      Task next = null;
      for (Task t : queue) {
        if (t.timer && (next == null || t.compareTo(next) < 0)) {
          next = t;
        }
      }
      if (next == null) {
        return false;
      }
      due = Math.max(now, next.due);
    }
    runUntil(due);
    return true;
  }

  private int runUntil(long target) {
    Thread me = Thread.currentThread();
    if (runner == me) {
      throw new IllegalStateException("the clock cannot be driven from inside one of its tasks");
    }
    synchronized (this) {
      if (runner != null) {
        throw new IllegalStateException("the clock is already being driven by " + runner.getName());
      }
      runner = me;
    }
    int ran = 0;
    int failuresBefore;
    synchronized (this) {
      failuresBefore = failures.size();
    }
    try {
      while (true) {
        Task t;
        synchronized (this) {
          t = queue.peek();
          if (t == null || t.due > target) {
            break;
          }
          queue.poll();
          if (t.timer) {
            timers--;
          }
          t.done = true;
          if (t.due > now) {
            now = t.due;
          }
          tasksRun++;
        }
        ran++;
        try {
          t.task.run();
        } catch (RuntimeException | Error e) {
          synchronized (this) {
            failures.add(e);
          }
        }
      }
      synchronized (this) {
        if (target > now) {
          now = target;
        }
      }
    } finally {
      runner = null;
    }
    Throwable first = null;
    synchronized (this) {
      if (rethrowFailures && failures.size() > failuresBefore) {
        first = failures.get(failuresBefore);
      }
    }
    if (first != null) {
      throw new IllegalStateException("a task of the ManualScheduler failed", first);
    }
    return ran;
  }

  private void cancel(Task t) {
    synchronized (this) {
      if (t.done) {
        return;
      }
      t.done = true;
      if (queue.remove(t) && t.timer) {
        timers--;
      }
    }
  }

  // ------------------------------------------------------------------ inspection

  /** Timers ({@link #schedule}) that have neither run nor been cancelled. */
  public synchronized int pendingTimers() {
    return timers;
  }

  /** Tasks queued with {@link #execute} that have not run yet. */
  public synchronized int pendingTasks() {
    return queue.size() - timers;
  }

  /** Delays (from now, in ms) of the pending timers, soonest first; handy in failure messages. */
  public synchronized List<Long> pendingTimerDelays() {
    List<Long> out = new ArrayList<>();
    queue.stream().filter(t -> t.timer).sorted().forEach(t -> out.add(t.due - now));
    return out;
  }

  /** How many tasks have run since creation. */
  public synchronized long tasksRun() {
    return tasksRun;
  }

  /** Every failure thrown by a task so far, in order. */
  public synchronized List<Throwable> failures() {
    return List.copyOf(failures);
  }

  @Override
  public synchronized String toString() {
    return "ManualScheduler{now="
        + now
        + "ms, timers="
        + pendingTimerDelays()
        + ", tasks="
        + (queue.size() - timers)
        + "}";
  }

  private static final class Task implements Comparable<Task> {
    final long due;
    final long seq;
    final Runnable task;
    final boolean timer;
    boolean done;

    Task(long due, long seq, Runnable task, boolean timer) {
      this.due = due;
      this.seq = seq;
      this.task = task;
      this.timer = timer;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
