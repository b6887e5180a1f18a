package dev.eio4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.spi.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final List<String> ran = new ArrayList<>();

  @Test
  void executeQueuesUntilRunPending() {
    clock.execute(() -> ran.add("a"));
    clock.execute(() -> ran.add("b"));
    assertThat(ran).isEmpty();
    assertThat(clock.pendingTasks()).isEqualTo(2);
    assertThat(clock.runPending()).isEqualTo(2);
    assertThat(ran).containsExactly("a", "b");
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void tasksQueuedByTasksRunInTheSameCall() {
    clock.execute(
        () -> {
          ran.add("outer");
          clock.execute(() -> ran.add("inner"));
          clock.schedule(0, () -> ran.add("timer-0"));
        });
    clock.runPending();
    assertThat(ran).containsExactly("outer", "inner", "timer-0");
  }

  @Test
  void timersRunInTimeOrderAndSeeTheirDueTime() {
    List<Long> at = new ArrayList<>();
    clock.schedule(300, () -> at.add(clock.now()));
    clock.schedule(100, () -> at.add(clock.now()));
    clock.schedule(100, () -> at.add(-clock.now())); // same due time: submission order
    clock.schedule(200, () -> clock.schedule(50, () -> at.add(clock.now()))); // due at 250
    assertThat(clock.pendingTimers()).isEqualTo(4);
    clock.advanceMillis(99);
    assertThat(at).isEmpty();
    assertThat(clock.now()).isEqualTo(99);
    clock.advance(Duration.ofMillis(1000));
    assertThat(at).containsExactly(100L, -100L, 250L, 300L);
    assertThat(clock.now()).isEqualTo(1099);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void cancelledTimersNeverRunAndAreNotCounted() {
    Cancellable c = clock.schedule(10, () -> ran.add("x"));
    clock.schedule(20, () -> ran.add("y"));
    assertThat(clock.pendingTimers()).isEqualTo(2);
    c.cancel();
    c.cancel();
    assertThat(clock.pendingTimers()).isEqualTo(1);
    assertThat(clock.pendingTimerDelays()).containsExactly(20L);
    clock.advanceMillis(100);
    assertThat(ran).containsExactly("y");
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void cancellingAfterRunningDoesNothing() {
    Cancellable c = clock.schedule(1, () -> ran.add("x"));
    clock.advanceMillis(1);
    c.cancel();
    assertThat(clock.pendingTimers()).isZero();
    assertThat(ran).containsExactly("x");
  }

  @Test
  void inLaneOnlyWhileRunningATask() {
    List<Boolean> seen = new ArrayList<>();
    assertThat(clock.inLane()).isFalse();
    clock.execute(() -> seen.add(clock.inLane()));
    clock.runPending();
    assertThat(seen).containsExactly(true);
    assertThat(clock.inLane()).isFalse();
  }

  @Test
  void inLaneIsFalseOnOtherThreads() throws Exception {
    List<Boolean> seen = new ArrayList<>();
    clock.execute(
        () -> {
          Thread t = new Thread(() -> seen.add(clock.inLane()));
          t.start();
          try {
            t.join();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    clock.runPending();
    assertThat(seen).containsExactly(false);
  }

  @Test
  void drivingFromInsideATaskIsRefused() {
    clock.execute(clock::runPending);
    assertThatThrownBy(clock::runPending)
        .isInstanceOf(IllegalStateException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void aFailingTaskDoesNotStopTheOthersAndIsRethrown() {
    clock.execute(
        () -> {
          throw new IllegalArgumentException("boom");
        });
    clock.execute(() -> ran.add("after"));
    assertThatThrownBy(clock::runPending).hasRootCauseMessage("boom");
    assertThat(ran).containsExactly("after");
    assertThat(clock.failures()).hasSize(1);
    clock.rethrowFailures(false);
    clock.execute(
        () -> {
          throw new IllegalStateException("quiet");
        });
    clock.runPending();
    assertThat(clock.failures()).hasSize(2);
  }

  @Test
  void runNextTimerJumpsToTheNextTimer() {
    clock.schedule(500, () -> ran.add("500"));
    clock.schedule(700, () -> ran.add("700"));
    assertThat(clock.runNextTimer()).isTrue();
    assertThat(clock.now()).isEqualTo(500);
    assertThat(ran).containsExactly("500");
    assertThat(clock.runNextTimer()).isTrue();
    assertThat(clock.runNextTimer()).isFalse();
    assertThat(clock.now()).isEqualTo(700);
  }

  @Test
  void timeNeverGoesBack() {
    clock.advanceMillis(10);
    assertThatThrownBy(() -> clock.advanceMillis(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> clock.advanceTo(5)).isInstanceOf(IllegalArgumentException.class);
    assertThat(clock.nowMillis()).isEqualTo(10);
    clock.advanceTo(15);
    assertThat(clock.now()).isEqualTo(15);
  }
}
