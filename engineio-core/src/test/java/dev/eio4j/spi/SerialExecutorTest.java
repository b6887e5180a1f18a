package dev.eio4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The one serial executor of the core, driven by a pool whose tasks the test runs by hand: order, one
 * drain at a time, the batch limit, the lane check, failures, and a pool that refuses work.
 */
class SerialExecutorTest {

  /** A pool that only queues: the test decides when its tasks run. */
  private static final class HandPool implements Executor {
    final ArrayDeque<Runnable> queued = new ArrayDeque<>();
    boolean refuse;

    @Override
    public void execute(Runnable r) {
      if (refuse) {
        throw new RejectedExecutionException("pool shut down");
      }
      queued.add(r);
    }

    void runAll() {
      Runnable r;
      while ((r = queued.poll()) != null) {
        r.run();
      }
    }
  }

  @Test
  void tasksRunInSubmissionOrderThroughOneDrain() {
    HandPool pool = new HandPool();
    SerialExecutor serial = new SerialExecutor(pool);
    List<Integer> ran = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      serial.execute(() -> ran.add(n));
    }
    assertThat(pool.queued).as("one drain for the whole queue").hasSize(1);
    pool.runAll();
    assertThat(ran).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void aDrainYieldsAfterABatchAndResubmitsItself() {
    HandPool pool = new HandPool();
    SerialExecutor serial = new SerialExecutor(pool);
    List<Integer> ran = new ArrayList<>();
    for (int i = 0; i < SerialExecutor.BATCH + 3; i++) {
      int n = i;
      serial.execute(() -> ran.add(n));
    }
    pool.queued.poll().run();
    assertThat(ran).hasSize(SerialExecutor.BATCH);
    assertThat(pool.queued).as("the rest waits for its next turn").hasSize(1);
    pool.runAll();
    assertThat(ran).hasSize(SerialExecutor.BATCH + 3).isSorted();
  }

  @Test
  void isCurrentOnlyInsideItsOwnTasks() {
    HandPool pool = new HandPool();
    SerialExecutor serial = new SerialExecutor(pool);
    SerialExecutor other = new SerialExecutor(pool);
    List<Boolean> seen = new ArrayList<>();
    serial.execute(
        () -> {
          seen.add(serial.isCurrent());
          seen.add(other.isCurrent());
        });
    pool.runAll();
    assertThat(seen).containsExactly(true, false);
    assertThat(serial.isCurrent()).isFalse();
  }

  @Test
  void aThrowingTaskDoesNotStopTheNextOne() {
    HandPool pool = new HandPool();
    SerialExecutor serial = new SerialExecutor(pool);
    List<String> ran = new ArrayList<>();
    serial.execute(
        () -> {
          throw new IllegalStateException("expected by the test");
        });
    serial.execute(() -> ran.add("next"));
    pool.runAll();
    assertThat(ran).containsExactly("next");
  }

  @Test
  void aRefusingPoolFailsTheCallAndALaterCallStillRuns() {
    HandPool pool = new HandPool();
    SerialExecutor serial = new SerialExecutor(pool);
    List<String> ran = new ArrayList<>();
    pool.refuse = true;
    assertThatThrownBy(() -> serial.execute(() -> ran.add("refused")))
        .isInstanceOf(RejectedExecutionException.class);
    pool.refuse = false;
    serial.execute(() -> ran.add("later"));
    assertThat(pool.queued)
        .as("the refusal did not leave the executor marked as running")
        .hasSize(1);
    pool.runAll();
    assertThat(ran).as("what the pool refused is dropped, not run later").containsExactly("later");
  }
}
