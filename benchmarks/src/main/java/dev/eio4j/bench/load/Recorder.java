package dev.eio4j.bench.load;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A histogram that many threads record into without contention: each thread gets its own
 * {@link LogHistogram}; {@link #merged()} adds them up once recording has stopped.
 */
public final class Recorder {
  private final List<LogHistogram> all = new CopyOnWriteArrayList<>();
  private final ThreadLocal<LogHistogram> mine =
      ThreadLocal.withInitial(
          () -> {
            LogHistogram h = new LogHistogram();
            all.add(h);
            return h;
          });

  /** Records a value (nanoseconds) for the calling thread. */
  public void record(long value) {
    mine.get().record(value);
  }

  /** The sum of every thread's histogram; call after recording stopped. */
  public LogHistogram merged() {
    LogHistogram h = new LogHistogram();
    for (LogHistogram t : all) {
      h.add(t);
    }
    return h;
  }
}
