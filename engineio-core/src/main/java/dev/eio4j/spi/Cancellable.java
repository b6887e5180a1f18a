package dev.eio4j.spi;

/** A handle to a scheduled task. Cancelling twice, or after the task ran, does nothing. */
@FunctionalInterface
public interface Cancellable {
  /** A handle that cancels nothing. */
  Cancellable NONE = () -> {};

  /** Cancels the task if it has not run yet. */
  void cancel();
}
