package dev.eio4j.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Counts errors and keeps the first few descriptions. Thread-safe. */
public final class Errors {
  private static final int SAMPLES = 10;
  private final AtomicLong count = new AtomicLong();
  private final List<String> samples = new ArrayList<>();

  /** Counts one error. */
  public void add(String what) {
    count.incrementAndGet();
    synchronized (samples) {
      if (samples.size() < SAMPLES) {
        samples.add(what);
      }
    }
  }

  /** Counts errors reported elsewhere (a child process). */
  public void addAll(long n, List<String> descriptions) {
    count.addAndGet(n);
    synchronized (samples) {
      for (String d : descriptions) {
        if (samples.size() < SAMPLES) {
          samples.add(d);
        }
      }
    }
  }

  /** How many. */
  public long count() {
    return count.get();
  }

  /** The first few descriptions. */
  public List<String> samples() {
    synchronized (samples) {
      return new ArrayList<>(samples);
    }
  }
}
