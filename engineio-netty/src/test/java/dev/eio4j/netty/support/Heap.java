package dev.eio4j.netty.support;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Heap figures for the soak and slow-consumer tests. */
public final class Heap {
  private Heap() {}

  /** Used heap in bytes after a few full collections (the best a test can do without an agent). */
  public static long usedAfterGc() {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(40);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  /** Bytes as MiB with one decimal. */
  public static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1fMiB", bytes / 1048576.0);
  }
}
