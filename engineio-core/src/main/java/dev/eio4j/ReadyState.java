package dev.eio4j;

/** A socket's lifecycle: {@code OPENING → OPEN → CLOSING → CLOSED}. */
public enum ReadyState {
  /** Being created; not visible to the application yet. */
  OPENING,
  /** Open: messages flow. */
  OPEN,
  /** {@code close()} was called; queued packets are being flushed, new sends are refused. */
  CLOSING,
  /** Closed; the close event has been delivered. */
  CLOSED
}
