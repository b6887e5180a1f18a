package dev.eio4j.socketio;

import java.time.Duration;
import java.util.Objects;

/**
 * Connection state recovery (protocol v5 only; see the section of that name in docs/socketio.md): how long a
 * dropped socket's session is kept, whether middlewares run again on recovery, and the bounds of what is
 * kept in memory. Immutable; the {@code with..} methods return changed copies.
 *
 * <p>What is stored: every plain event (no ack id) emitted to a v5 socket, directly or by broadcast, as
 * encoded once, with the rooms it was sent to; and the session (id, private id, rooms, data) of every
 * socket that left with a recoverable reason. Both are dropped after {@link #maxDisconnectionDuration()};
 * the events also by count ({@link #maxPackets()}) and by encoded size ({@link #maxBytes()}), the
 * sessions by count ({@link #maxSessions()}), oldest first. A client whose missed events were dropped gets
 * a new session instead of a recovery with holes.
 *
 * @param maxDisconnectionDuration how long a session, and an event, is kept (positive)
 * @param skipMiddlewares whether a recovered socket skips the namespace's middlewares
 * @param maxPackets the most events kept (at least 1; default 10000)
 * @param maxBytes the most encoded bytes of events kept, text and attachments (at least 1; default 16
 *     MiB)
 * @param maxSessions the most sessions kept (at least 1; default 10000)
 */
public record RecoveryOptions(
    Duration maxDisconnectionDuration,
    boolean skipMiddlewares,
    int maxPackets,
    long maxBytes,
    int maxSessions) {
  /** Default {@link #maxPackets()}. */
  public static final int DEFAULT_MAX_PACKETS = 10_000;

  /** Default {@link #maxBytes()}: 16 MiB. */
  public static final long DEFAULT_MAX_BYTES = 16L << 20;

  /** Default {@link #maxSessions()}. */
  public static final int DEFAULT_MAX_SESSIONS = 10_000;

  /** Checks the values. */
  public RecoveryOptions {
    Objects.requireNonNull(maxDisconnectionDuration, "maxDisconnectionDuration");
    if (maxDisconnectionDuration.isNegative() || maxDisconnectionDuration.isZero()) {
      throw new IllegalArgumentException("maxDisconnectionDuration must be positive");
    }
    if (maxPackets < 1 || maxBytes < 1 || maxSessions < 1) {
      throw new IllegalArgumentException("maxPackets, maxBytes and maxSessions must be >= 1");
    }
  }

  /** Recovery within {@code maxDisconnectionDuration}, with the default bounds. */
  public static RecoveryOptions of(Duration maxDisconnectionDuration, boolean skipMiddlewares) {
    return new RecoveryOptions(
        maxDisconnectionDuration,
        skipMiddlewares,
        DEFAULT_MAX_PACKETS,
        DEFAULT_MAX_BYTES,
        DEFAULT_MAX_SESSIONS);
  }

  /** A copy with another {@link #maxPackets()}. */
  public RecoveryOptions withMaxPackets(int n) {
    return new RecoveryOptions(maxDisconnectionDuration, skipMiddlewares, n, maxBytes, maxSessions);
  }

  /** A copy with another {@link #maxBytes()}. */
  public RecoveryOptions withMaxBytes(long n) {
    return new RecoveryOptions(
        maxDisconnectionDuration, skipMiddlewares, maxPackets, n, maxSessions);
  }

  /** A copy with another {@link #maxSessions()}. */
  public RecoveryOptions withMaxSessions(int n) {
    return new RecoveryOptions(maxDisconnectionDuration, skipMiddlewares, maxPackets, maxBytes, n);
  }
}
