package dev.eio4j;

import java.net.InetSocketAddress;

/** A listening standalone server. {@link #close()} closes every session and frees the port. */
public interface RunningServer extends AutoCloseable {
  /** The bound address. */
  InetSocketAddress address();

  /** The bound port. */
  default int port() {
    return address().getPort();
  }

  /** Closes every session ("forced close"), stops accepting and frees the port. Idempotent. */
  @Override
  void close();

  /**
   * Graceful shutdown within {@code deadline}: stops accepting first (the port is free at once), refuses
   * new handshakes, closes every session once what is queued for it is written, ends those still open
   * at the deadline, then stops. Blocks for about {@code deadline} at most. The default is {@link
   * #close()}. Idempotent.
   */
  default void close(java.time.Duration deadline) {
    close();
  }
}
