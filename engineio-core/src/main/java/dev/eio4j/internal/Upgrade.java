package dev.eio4j.internal;

import dev.eio4j.EngineObserver.UpgradeFailure;
import dev.eio4j.ReadyState;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.PacketType;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.Cancellable;
import java.util.List;

/**
 * One session's upgrade from polling to WebSocket. Lane only, like the session that owns it.
 *
 * <pre>
 *   client                         server (state)
 *     |  WS handshake, sid=...       |
 *     |----------------------------->|  NONE -> PROBING     upgradeTimeout armed
 *     |  2probe (on the WS)          |
 *     |----------------------------->|
 *     |  3probe (on the WS)          |  PROBING -> PROBED   "upgrading" emitted
 *     |<-----------------------------|
 *     |  6 (noop) on the held GET    |  every NOOP_TICK_MS while PROBED, so that
 *     |<-----------------------------|  the client's polling cycle ends
 *     |  5 (upgrade, on the WS)      |
 *     |----------------------------->|  PROBED -> UPGRADED  transport switched,
 *     |                              |  polling discarded, "upgrade" emitted, queue flushed
 * </pre>
 *
 * <p>Any other packet on the WebSocket, its close, the timeout or the session's close abort the upgrade
 * (back to {@code NONE}, the probe closed, the session stays on polling). At most one probe exists at a
 * time; {@code upgrading} is non-null exactly while the state is {@code PROBING} or {@code PROBED}, and
 * the two timers are armed only then.
 */
final class Upgrade {
  /** The noop tick, and how long a GET that arrives after the probe waits for the upgrade. */
  static final long NOOP_TICK_MS = 100;

  enum State {
    NONE,
    PROBING,
    PROBED,
    UPGRADED
  }

  private final Session session;
  private volatile State state = State.NONE; // written on lane only
  private WsTransport upgrading;
  private Cancellable timeout = Cancellable.NONE;
  private Cancellable noopTicker = Cancellable.NONE;

  Upgrade(Session session) {
    this.session = session;
  }

  /** A WebSocket carrying this session's sid was accepted. */
  void start(WsTransport ws) {
    if (session.readyState() != ReadyState.OPEN
        || state != State.NONE
        || !(session.currentTransport() instanceof PollingTransport)) {
      ws.closeConnection();
      return;
    }
    transition(State.PROBING, null);
    upgrading = ws;
    session.observer().upgradeStarted(session.protocol);
    timeout =
        session.lane.schedule(
            session.options.upgradeTimeout().toMillis(),
            () -> abort(UpgradeFailure.TIMEOUT, "upgrade timeout"));
  }

  /** A packet on the WebSocket being probed. */
  void onProbePacket(WsTransport ws, Packet packet) {
    if (ws != upgrading) {
      return;
    }
    if (packet.type() == PacketType.PING
        && "probe".equals(packet.text())
        && state == State.PROBING) {
      ws.sendDirect(Packet.PROBE_PONG);
      transition(State.PROBED, null);
      session.emitUpgrading(TransportType.WEBSOCKET);
      noopTicker = session.lane.schedule(NOOP_TICK_MS, this::noopTick);
    } else if (packet.type() == PacketType.UPGRADE) {
      if (session.isClosing() || session.isClosed()) {
        abort(UpgradeFailure.SOCKET_CLOSED, "socket closing");
        return;
      }
      commit(ws);
    } else {
      abort(UpgradeFailure.PROBE_ABORTED, "invalid packet during upgrade: " + packet.type());
    }
  }

  private void noopTick() {
    if (upgrading == null) {
      return;
    }
    if (session.currentTransport() instanceof PollingTransport p && p.writable()) {
      p.send(List.of(Packet.NOOP));
    }
    noopTicker = session.lane.schedule(NOOP_TICK_MS, this::noopTick);
  }

  private void commit(WsTransport ws) {
    timeout.cancel();
    noopTicker.cancel();
    upgrading = null;
    transition(State.UPGRADED, null);
    Transport old = session.switchTransport(ws);
    ws.promoted();
    if (old != null) {
      old.discard();
    }
    session
        .observer()
        .upgraded(
            session.protocol,
            old == null ? TransportType.POLLING : old.type(),
            TransportType.WEBSOCKET);
    session.heartbeat.upgraded();
    session.emitUpgrade(TransportType.WEBSOCKET);
    session.outbox.flush();
  }

  /** The probe failed or timed out: close its WebSocket, stay on polling. */
  void abort(UpgradeFailure reason, String why) {
    WsTransport ws = upgrading;
    if (ws == null) {
      return;
    }
    transition(State.NONE, why);
    session.observer().upgradeFailed(session.protocol, reason);
    upgrading = null;
    timeout.cancel();
    noopTicker.cancel();
    ws.closeConnection();
    if (session.currentTransport() instanceof PollingTransport p) {
      p.upgradeAborted();
    }
  }

  /** The WebSocket being probed went away. */
  void onProbeClosed(WsTransport ws) {
    if (ws == upgrading) {
      abort(UpgradeFailure.SOCKET_CLOSED, "probe transport closed");
    }
  }

  /** The session is closing for good: the timers are disarmed and a probe in progress is closed. */
  void cancel() {
    timeout.cancel();
    noopTicker.cancel();
    WsTransport probe = upgrading;
    upgrading = null;
    if (probe != null) {
      transition(State.NONE, "session closed");
      session.observer().upgradeFailed(session.protocol, UpgradeFailure.SOCKET_CLOSED);
      probe.closeConnection();
    }
  }

  /** True from the accepted WebSocket on, unless the probe failed. */
  boolean startedOrDone() {
    return state != State.NONE;
  }

  /** True between the {@code 3probe} and the end of the upgrade. */
  boolean probeAnswered() {
    return state == State.PROBED;
  }

  private void transition(State next, String cause) {
    session.engine.debugTransition(session, "upgrade ", state, next, cause);
    state = next;
  }
}
