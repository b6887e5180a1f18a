package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineObserver;
import dev.eio4j.HandshakeError;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps the application's {@link EngineObserver} so that nothing it throws reaches the engine: the
 * first failure is logged at WARN with its stack trace, later ones at DEBUG.
 */
final class SafeObserver implements EngineObserver {
  private static final Logger log = LoggerFactory.getLogger(SafeObserver.class);

  private final EngineObserver delegate;
  private final AtomicBoolean warned = new AtomicBoolean();

  private SafeObserver(EngineObserver delegate) {
    this.delegate = delegate;
  }

  /** {@link EngineObserver#NOOP} for null (or NOOP itself), else a wrapper. */
  static EngineObserver wrap(EngineObserver observer) {
    return observer == null || observer == NOOP ? NOOP : new SafeObserver(observer);
  }

  private void failed(String event, RuntimeException e) {
    if (warned.compareAndSet(false, true)) {
      log.warn(
          "observer {} threw on {} (later failures are logged at DEBUG)",
          delegate.getClass().getName(),
          event,
          e);
    } else if (log.isDebugEnabled()) {
      log.debug("observer threw on {}", event, e);
    }
  }

  /**
   * Runs an event that this wrapper has no method for (one whose argument type the engine must not
   * see, such as the server facade) with the same isolation as the others.
   */
  void guarded(String event, Consumer<EngineObserver> call) {
    try {
      call.accept(delegate);
    } catch (RuntimeException e) {
      failed(event, e);
    }
  }

  @Override
  public void sessionOpened(ProtocolVersion protocol, TransportType transport) {
    try {
      delegate.sessionOpened(protocol, transport);
    } catch (RuntimeException e) {
      failed("sessionOpened", e);
    }
  }

  @Override
  public void sessionClosed(
      ProtocolVersion protocol,
      TransportType transport,
      DisconnectReason reason,
      long lifetimeMillis) {
    try {
      delegate.sessionClosed(protocol, transport, reason, lifetimeMillis);
    } catch (RuntimeException e) {
      failed("sessionClosed", e);
    }
  }

  @Override
  public void upgradeStarted(ProtocolVersion protocol) {
    try {
      delegate.upgradeStarted(protocol);
    } catch (RuntimeException e) {
      failed("upgradeStarted", e);
    }
  }

  @Override
  public void upgraded(ProtocolVersion protocol, TransportType from, TransportType to) {
    try {
      delegate.upgraded(protocol, from, to);
    } catch (RuntimeException e) {
      failed("upgraded", e);
    }
  }

  @Override
  public void upgradeFailed(ProtocolVersion protocol, UpgradeFailure reason) {
    try {
      delegate.upgradeFailed(protocol, reason);
    } catch (RuntimeException e) {
      failed("upgradeFailed", e);
    }
  }

  @Override
  public void heartbeatRtt(TransportType transport, long millis) {
    try {
      delegate.heartbeatRtt(transport, millis);
    } catch (RuntimeException e) {
      failed("heartbeatRtt", e);
    }
  }

  @Override
  public void pollHeld(ProtocolVersion protocol, long millis) {
    try {
      delegate.pollHeld(protocol, millis);
    } catch (RuntimeException e) {
      failed("pollHeld", e);
    }
  }

  @Override
  public void packetsIn(TransportType transport, int packets, long bytes) {
    try {
      delegate.packetsIn(transport, packets, bytes);
    } catch (RuntimeException e) {
      failed("packetsIn", e);
    }
  }

  @Override
  public void packetsOut(TransportType transport, int packets, long bytes) {
    try {
      delegate.packetsOut(transport, packets, bytes);
    } catch (RuntimeException e) {
      failed("packetsOut", e);
    }
  }

  @Override
  public void limitRejected(Limit limit) {
    try {
      delegate.limitRejected(limit);
    } catch (RuntimeException e) {
      failed("limitRejected", e);
    }
  }

  @Override
  public void connectionError(HandshakeError error) {
    try {
      delegate.connectionError(error);
    } catch (RuntimeException e) {
      failed("connectionError", e);
    }
  }
}
