package dev.eio4j.bench.server;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the benchmark servers share: flags, the stats JSON, lifetime bounds, the broadcast trigger. */
public final class ServerSupport {
  /** The trigger prefix: {@code broadcast:<count>:<size>}. */
  public static final String TRIGGER = "broadcast:";

  /** The most messages one trigger may ask for. */
  public static final int MAX_COUNT = 100_000;

  /** The largest broadcast message. */
  public static final int MAX_SIZE = 1_000_000;

  private ServerSupport() {}

  /** A parsed trigger: how many messages of what size, or null when {@code text} is not one. */
  public record Trigger(int count, int size) {}

  /** Parses {@code broadcast:<count>:<size>}; null for anything else or out-of-range numbers. */
  public static Trigger trigger(String text) {
    if (!text.startsWith(TRIGGER)) {
      return null;
    }
    String[] f = text.substring(TRIGGER.length()).split(":");
    if (f.length != 2) {
      return null;
    }
    try {
      int count = Integer.parseInt(f[0]);
      int size = Integer.parseInt(f[1]);
      if (count < 1 || count > MAX_COUNT || size < 1 || size > MAX_SIZE) {
        return null;
      }
      return new Trigger(count, size);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The broadcast message: {@code size} times {@code 'y'} (never mistaken for a stamped message). */
  public static String payload(int size) {
    return "y".repeat(size);
  }

  /**
   * The stats JSON: pid, sessions, heap used (after two full GCs when {@code gc}), heap committed and VmRSS.
   */
  public static String statsJson(String impl, long sessions, boolean gc) {
    if (gc) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      System.gc();
    }
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long pid = ProcessHandle.current().pid();
    return String.format(
        Locale.ROOT,
        "{\"impl\":\"%s\",\"pid\":%d,\"sessions\":%d,\"heap_used\":%d,\"heap_committed\":%d,\"rss_kb\":%d,\"gc\":%b}",
        impl,
        pid,
        sessions,
        heap.getUsed(),
        heap.getCommitted(),
        rssKb(),
        gc);
  }

  static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * Bounds the process: exit after {@code maxLifetimeS} seconds, and when {@code stdinExit}, as soon as
   * stdin closes.
   */
  public static void bound(double maxLifetimeS, boolean stdinExit, String name) {
    Thread life =
        new Thread(
            () -> {
              try {
                Thread.sleep((long) (maxLifetimeS * 1000));
                System.err.println(
                    name + ": max lifetime of " + maxLifetimeS + " s reached, exiting");
                System.exit(0);
              } catch (InterruptedException e) {
                // exiting anyway
              }
            },
            name + "-lifetime");
    life.setDaemon(true);
    life.start();
    if (stdinExit) {
      Thread in =
          new Thread(
              () -> {
                try {
                  InputStream s = System.in;
                  byte[] b = new byte[256];
                  while (s.read(b) >= 0) {
                    // discard
                  }
                } catch (IOException e) {
                  // treated as EOF
                }
                System.exit(0);
              },
              name + "-stdin");
      in.setDaemon(true);
      in.start();
    }
  }

  static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  static long number(String v, String flag, long min, long max) {
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        throw new IllegalArgumentException(flag + " must be in " + min + ".." + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs an integer: " + v);
    }
  }
}
