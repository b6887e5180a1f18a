package dev.eio4j.socketio.spi;

import java.time.Duration;

/**
 * The flags of one broadcast. Immutable.
 *
 * @param local only the sockets of this server (a cluster adapter sends nothing to the others)
 * @param isVolatile a socket whose connection cannot take the packet now (above its low-water mark:
 *     {@code EngineIoSocket.isWritable()} false) does not get it; nothing is queued for later
 * @param compress the Node {@code compress} flag; carried along for a cluster adapter, without effect
 *     on this server (the engine has no per-message compression switch)
 * @param timeout how long a broadcast with acks waits for the answers, or null when none was set
 */
public record BroadcastFlags(
    boolean local, boolean isVolatile, boolean compress, Duration timeout) {
  /** No flag set: every server, queued even when the client is slow, compress on, no timeout. */
  public static final BroadcastFlags NONE = new BroadcastFlags(false, false, true, null);

  /** Checks the timeout. */
  public BroadcastFlags {
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative");
    }
  }

  /** These flags with {@link #local()} set. */
  public BroadcastFlags withLocal() {
    return new BroadcastFlags(true, isVolatile, compress, timeout);
  }

  /** These flags with {@link #isVolatile()} set. */
  public BroadcastFlags withVolatile() {
    return new BroadcastFlags(local, true, compress, timeout);
  }

  /** These flags with {@link #compress()} set to {@code on}. */
  public BroadcastFlags withCompress(boolean on) {
    return new BroadcastFlags(local, isVolatile, on, timeout);
  }

  /** These flags with {@link #timeout()} set. */
  public BroadcastFlags withTimeout(Duration d) {
    return new BroadcastFlags(local, isVolatile, compress, d);
  }
}
