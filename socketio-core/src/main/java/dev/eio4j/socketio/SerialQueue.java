package dev.eio4j.socketio;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs one connection's tasks one at a time, in submission order, on whichever thread submits while the
 * queue is idle (a task submitted by a running task runs after it, never inside it). No lock is held
 * while a task runs. A task that throws is reported and the next one runs.
 */
final class SerialQueue implements Executor {
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final Consumer<Throwable> onFailure;
  private boolean running;

  SerialQueue(Consumer<Throwable> onFailure) {
    this.onFailure = onFailure;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (Throwable t) {
        onFailure.accept(t);
      }
    }
  }
}
