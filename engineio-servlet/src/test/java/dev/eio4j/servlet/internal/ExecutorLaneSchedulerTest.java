package dev.eio4j.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.spi.Cancellable;
import dev.eio4j.spi.Lane;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ExecutorLaneSchedulerTest {
  private ExecutorLaneScheduler lanes;

  @BeforeEach
  void start() {
    lanes = ExecutorLaneScheduler.create(4);
  }

  @AfterEach
  void stop() {
    lanes.close();
  }

  @Test
  void tasksOfOneLaneRunOneAtATimeInSubmissionOrderFromEachThread() throws Exception {
    Lane lane = lanes.newLane();
    int producers = 4;
    int perProducer = 5_000;
    int[] last = new int[producers]; // lane-confined: no synchronisation, the lane is the lock
    AtomicBoolean overlap = new AtomicBoolean();
    AtomicBoolean outOfOrder = new AtomicBoolean();
    AtomicInteger inside = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(producers * perProducer);
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    try {
      for (int p = 0; p < producers; p++) {
        int producer = p;
        pool.execute(
            () -> {
              for (int i = 1; i <= perProducer; i++) {
                int n = i;
                lane.execute(
                    () -> {
                      if (inside.incrementAndGet() != 1) {
                        overlap.set(true);
                      }
                      if (last[producer] != n - 1) {
                        outOfOrder.set(true);
                      }
                      last[producer] = n;
                      inside.decrementAndGet();
                      done.countDown();
                    });
              }
            });
      }
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
    assertThat(overlap).isFalse();
    assertThat(outOfOrder).isFalse();
  }

  @Test
  void inLaneIsTrueOnlyInsideTheLanesOwnTasks() throws Exception {
    Lane a = lanes.newLane();
    Lane b = lanes.newLane();
    List<Boolean> seen = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    a.execute(
        () -> {
          seen.add(a.inLane());
          seen.add(b.inLane());
          done.countDown();
        });
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).containsExactly(true, false);
    assertThat(a.inLane()).isFalse();
  }

  @Test
  void timersRunOnTheirLaneAfterTheDelayAndNotWhenCancelled() throws Exception {
    Lane lane = lanes.newLane();
    CountDownLatch fired = new CountDownLatch(1);
    AtomicBoolean onLane = new AtomicBoolean();
    AtomicBoolean cancelledRan = new AtomicBoolean();
    long start = System.nanoTime();
    Cancellable cancelled = lane.schedule(50, () -> cancelledRan.set(true));
    lane.schedule(
        100,
        () -> {
          onLane.set(lane.inLane());
          fired.countDown();
        });
    cancelled.cancel();
    assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(95);
    assertThat(onLane).isTrue();
    // one timer thread hands due timers to their lanes in deadline order and a lane runs in order:
    // had the
    // 50 ms timer not been cancelled, it would have run before the 100 ms one that has just run
    assertThat(cancelledRan).isFalse();
    cancelled.cancel(); // twice: nothing
  }

  @Test
  void aTimerCancelledAfterItWasHandedToItsBusyLaneDoesNotRun() throws Exception {
    Lane lane = lanes.newLane();
    CountDownLatch blockerRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean ran = new AtomicBoolean();
    lane.execute(
        () -> {
          blockerRunning.countDown();
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(blockerRunning.await(5, TimeUnit.SECONDS)).isTrue();
    Cancellable timer = lane.schedule(0, () -> ran.set(true));
    // the one timer thread fires equal deadlines in the order they were set: once this later timer
    // has
    // fired, the first one has been handed to its lane and waits there behind the blocker
    CountDownLatch handedOver = new CountDownLatch(1);
    lanes.newLane().schedule(0, handedOver::countDown);
    assertThat(handedOver.await(5, TimeUnit.SECONDS)).isTrue();
    timer.cancel();
    release.countDown();
    CountDownLatch drained = new CountDownLatch(1);
    lane.execute(drained::countDown);
    assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).isFalse();
  }

  @Test
  void aThrowingTaskDoesNotStopTheLane() throws Exception {
    Lane lane = lanes.newLane();
    CountDownLatch after = new CountDownLatch(1);
    lane.execute(
        () -> {
          throw new IllegalStateException("expected by the test");
        });
    lane.execute(after::countDown);
    assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void closeStopsTheOwnedThreadsAndLaterTasksAreDropped() throws Exception {
    ExecutorLaneScheduler own = ExecutorLaneScheduler.create(2);
    CountDownLatch ran = new CountDownLatch(1);
    Thread[] laneThread = new Thread[1];
    own.newLane()
        .execute(
            () -> {
              laneThread[0] = Thread.currentThread();
              ran.countDown();
            });
    own.newLane().schedule(1, () -> {});
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    own.close();
    // close() returns once the pool has terminated; a worker thread may still be on its way out, so
    // wait
    // for that thread's own end (bounded) rather than expecting it to be dead already
    laneThread[0].join(TimeUnit.SECONDS.toMillis(10));
    assertThat(laneThread[0].isAlive()).isFalse();
    // a task or timer after close is dropped: neither run (here or on a pool thread) nor thrown
    AtomicBoolean ranAfterClose = new AtomicBoolean();
    Lane late = own.newLane();
    late.execute(() -> ranAfterClose.set(true));
    assertThat(ranAfterClose).isFalse();
    assertThat(own.newLane().schedule(1, () -> ranAfterClose.set(true))).isSameAs(Cancellable.NONE);
  }
}
