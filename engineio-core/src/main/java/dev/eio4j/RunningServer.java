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
}
