package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.codec.OpenPacket;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.PacketType;
import dev.eio4j.protocol.TransportType;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a registered session opens, on its lane: it becomes {@code OPEN} on its first transport, queues
 * the open packet (and the {@code initialPacket}), starts its heartbeat, is announced to the connection
 * listeners and flushes; then the registry applies a {@code close()} or {@code drain()} that ran while
 * it was being registered. If any of that throws, the open-failure path runs instead. Stateless.
 */
final class Opening {
  private static final Logger log =
      LoggerFactory.getLogger(Session.class); // a line about one session

  private Opening() {}

  /** Opens {@code s} on {@code initial} (lane); if that throws, the open-failure path ends it. */
  static void open(Session s, Transport initial, SessionRegistry sessions) {
    try {
      s.opened(initial);
      s.outbox.add(openPacket(s.id, s.options, initial.type()), 0);
      if (s.options.initialPacket() != null) {
        s.outbox.add(Packet.message(s.options.initialPacket()), 0);
      }
      s.heartbeat.start();
      s.engine.announce(s);
      s.outbox.flush();
      // close() or drain() may have run between the handshake's checks and the registration
      sessions.afterOpen(s);
    } catch (RuntimeException e) {
      failed(s, initial, e);
    }
  }

  /**
   * The open packet: the sid, the upgrades offered (WebSocket, from polling, when allowed), the ping
   * interval and timeout and {@code maxPayload} (docs/protocol.md §4.2).
   */
  private static Packet openPacket(String id, EngineIoOptions options, TransportType initial) {
    List<String> upgrades = new ArrayList<>(1);
    if (initial == TransportType.POLLING
        && options.allowUpgrades()
        && options.transports().contains(TransportType.WEBSOCKET)) {
      upgrades.add("websocket");
    }
    String json =
        OpenPacket.json(
            id,
            upgrades,
            options.pingInterval().toMillis(),
            options.pingTimeout().toMillis(),
            options.maxHttpBufferSize());
    return Packet.text(PacketType.OPEN, json);
  }

  /**
   * Opening {@code s} threw (lane). The failure is logged once; the client is told without details (a
   * handshake GET still held gets 500 with an empty body, a WebSocket is closed with 1011) and the
   * session ends: nothing of it stays registered or scheduled.
   */
  private static void failed(Session s, Transport initial, RuntimeException cause) {
    log.error("session {} failed to open", LogSafe.escape(s.id), cause);
    if (s.isClosed()) {
      return;
    }
    if (s.currentTransport() == null) {
      s.switchTransport(initial);
    }
    try {
      initial.failOpen();
      s.finish(DisconnectReason.FORCED_CLOSE, "failed to open");
    } catch (RuntimeException again) {
      // the same fault (e.g. a listener executor that refuses work) hit the close: the registry
      // entry
      // is removed before any listener runs, so only events are lost
      s.engine.removed(s, DisconnectReason.FORCED_CLOSE, "failed to open");
    }
  }
}
