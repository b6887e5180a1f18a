package dev.eio4j.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;

/**
 * A Logback appender (see {@code logback-test.xml}) that keeps the engine's ERROR lines: the engine logs
 * at ERROR exactly when an exception escaped into its last-resort handlers ("failed to handle …"), so a
 * fuzz run must leave none.
 */
public final class LogCounter extends AppenderBase<ILoggingEvent> {
  private static final List<String> ERRORS = new ArrayList<>();

  @Override
  protected void append(ILoggingEvent e) {
    if (e.getLevel().isGreaterOrEqual(Level.ERROR) && e.getLoggerName().startsWith("dev.eio4j")) {
      synchronized (ERRORS) {
        ERRORS.add(
            e.getFormattedMessage()
                + (e.getThrowableProxy() == null
                    ? ""
                    : ": "
                        + e.getThrowableProxy().getClassName()
                        + ": "
                        + e.getThrowableProxy().getMessage()));
      }
    }
  }

  /** The engine's ERROR lines so far. */
  public static List<String> errors() {
    synchronized (ERRORS) {
      return List.copyOf(ERRORS);
    }
  }
}
