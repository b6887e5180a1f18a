package dev.eio4j;

/** What happened to a {@code send}. */
public enum SendResult {
  /** The message was queued and will be written in order. */
  QUEUED,
  /** Refused: the socket's outbound buffer would exceed {@code maxBufferedBytes}. Nothing was queued. */
  BUFFER_FULL,
  /** Refused: the socket is closing or closed. */
  CLOSED;

  /** True for {@link #QUEUED}. */
  public boolean queued() {
    return this == QUEUED;
  }
}
