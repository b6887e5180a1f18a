package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.ReadyState;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.PacketType;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.spi.Cancellable;
import java.util.List;

/**
 * One session's heartbeat. Lane only, like the session that owns it.
 *
 * <ul>
 *   <li>v4: the server pings every {@code pingInterval}; the client's pong must come within {@code
 *       pingTimeout}. Any other packet received while a pong is awaited restarts that wait, once per
 *       ping (the grace rule, docs/protocol.md §5.1).
 *   <li>v3: the client pings, the server answers; no ping within {@code pingInterval + pingTimeout} of
 *       the last one (or of the open, or of the upgrade, docs/protocol.md §5.2) ends the session.
 * </ul>
 *
 * <p>Both directions end the session with {@link DisconnectReason#PING_TIMEOUT}. At most one interval
 * timer and one timeout timer are armed at a time; {@link #cancel()} disarms both and is final for the
 * session's closing states.
 */
final class Heartbeat {
  private final Session session;
  private final long intervalMillis;
  private final long timeoutMillis;

  private Cancellable intervalTimer = Cancellable.NONE;
  private Cancellable timeoutTimer = Cancellable.NONE;
  private boolean awaitingPong;
  private boolean graceUsed;
  private long pingHandedAt =
      -1; // lane clock when the awaited ping reached the transport; observer only

  Heartbeat(Session session) {
    this.session = session;
    this.intervalMillis = session.options.pingInterval().toMillis();
    this.timeoutMillis = session.options.pingTimeout().toMillis();
  }

  /** Arms the first ping (v4) or the first wait for the client's ping (v3). */
  void start() {
    if (session.protocol == ProtocolVersion.V4) {
      schedulePing();
    } else {
      armTimeout(v3Timeout());
    }
  }

  /** A packet of {@code type} was received: the v4 grace rule restarts an awaited pong's wait, once. */
  void received(PacketType type) {
    if (awaitingPong
        && !graceUsed
        && type != PacketType.PONG
        && session.protocol == ProtocolVersion.V4) {
      graceUsed = true;
      armTimeout(timeoutMillis);
    }
  }

  /** The v3 client pinged: its next ping is due within the v3 timeout. */
  void clientPinged() {
    armTimeout(v3Timeout());
  }

  /** The v4 client answered: the round trip is reported and the next ping is scheduled. */
  void pongReceived() {
    if (awaitingPong && pingHandedAt >= 0) {
      session.observer().heartbeatRtt(session.transport(), session.lane.nowMillis() - pingHandedAt);
    }
    awaitingPong = false;
    pingHandedAt = -1;
    timeoutTimer.cancel();
    schedulePing();
  }

  /** A batch reached the transport: the awaited ping's round trip starts when it reaches the wire. */
  void flushed(List<Packet> batch, boolean observing) {
    if (awaitingPong && pingHandedAt < 0 && observing && batch.contains(Packet.PING)) {
      pingHandedAt = session.lane.nowMillis();
    }
  }

  /**
   * The session moved to WebSocket. v3 re-arms the wait for the client's ping, which the reference does
   * not ([ref-bug] fixed, docs/protocol.md §5.2); v4 keeps its running timers.
   */
  void upgraded() {
    if (session.protocol == ProtocolVersion.V3) {
      armTimeout(v3Timeout());
    }
  }

  /** Disarms both timers and forgets the awaited pong; no ping is sent after this. */
  void cancel() {
    intervalTimer.cancel();
    timeoutTimer.cancel();
    awaitingPong = false;
    pingHandedAt = -1;
  }

  private long v3Timeout() {
    return intervalMillis + timeoutMillis;
  }

  private void schedulePing() {
    intervalTimer.cancel();
    intervalTimer =
        session.lane.schedule(
            intervalMillis,
            () -> {
              ReadyState state = session.readyState();
              if (state != ReadyState.OPEN && state != ReadyState.CLOSING) {
                return;
              }
              awaitingPong = true;
              graceUsed = false;
              pingHandedAt = -1;
              session.outbox.add(Packet.PING, 0);
              armTimeout(timeoutMillis);
            });
  }

  private void armTimeout(long millis) {
    timeoutTimer.cancel();
    timeoutTimer =
        session.lane.schedule(millis, () -> session.finish(DisconnectReason.PING_TIMEOUT, null));
  }
}
