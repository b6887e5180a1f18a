package dev.eio4j.netty.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the last log lines (see {@code logback-test.xml}) and counts Netty's leak reports: the paranoid
 * leak detector (set for surefire in the parent POM) logs {@code LEAK: …} at ERROR for every ByteBuf that
 * was garbage-collected without being released.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> {
  private static final int KEEP = 5_000;
  private static final ArrayDeque<String> LINES = new ArrayDeque<>();
  private static final AtomicLong LEAKS = new AtomicLong();
  private static final List<String> LEAK_LINES = new ArrayList<>();

  @Override
  protected void append(ILoggingEvent e) {
    String line = e.getLoggerName() + " " + e.getLevel() + " " + e.getFormattedMessage();
    if (e.getFormattedMessage().startsWith("LEAK:")) {
      LEAKS.incrementAndGet();
      synchronized (LEAK_LINES) {
        if (LEAK_LINES.size() < 1_000) {
          LEAK_LINES.add(line.length() > 2000 ? line.substring(0, 2000) : line);
        }
      }
    }
    synchronized (LINES) {
      LINES.addLast(line);
      if (LINES.size() > KEEP) {
        LINES.removeFirst();
      }
    }
  }

  /** The kept lines that contain {@code text}. */
  public static List<String> linesContaining(String text) {
    synchronized (LINES) {
      return LINES.stream().filter(l -> l.contains(text)).toList();
    }
  }

  /** How many {@code LEAK:} reports were logged so far (any resource type). */
  public static long leaks() {
    return LEAKS.get();
  }

  /** How many leak reports mention {@code text} (e.g. a resource type). */
  public static long leaksMentioning(String text) {
    synchronized (LEAK_LINES) {
      return LEAK_LINES.stream().filter(l -> l.contains(text)).count();
    }
  }

  /** The first leak reports. */
  public static List<String> leakLines() {
    synchronized (LEAK_LINES) {
      return List.copyOf(LEAK_LINES);
    }
  }
}
