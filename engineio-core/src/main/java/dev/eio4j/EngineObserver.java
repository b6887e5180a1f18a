package dev.eio4j;

import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;

/**
 * Receives the engine's operational events, for metrics: sessions opened and closed, upgrades,
 * heartbeat round trips, long-poll hold times, traffic, limit rejections and refused requests. Register
 * one with {@link EngineIoOptions.Builder#observer(EngineObserver)}; {@code engineio-micrometer}'s
 * {@code EngineIoMetrics} is one. Every method has an empty default, so an implementation overrides
 * only what it needs.
 *
 * <p>Calls carry only enums and numbers. Most are made on the session's lane (an I/O thread in the
 * Netty runtime), so an implementation must be fast, thread-safe (sessions live on different lanes)
 * and must never block. The exceptions are named on the methods: {@link #serverCreated} (the thread
 * that builds the server), {@link #connectionError} (the thread that refused the request) and a {@link
 * Limit#SEND_BUFFER_FULL} rejection (the thread that called {@code send}). An observer that throws is
 * logged and otherwise ignored: it cannot break the engine. Without an observer the engine calls a
 * no-op singleton and computes nothing for it (no clock reads, no byte counts).
 *
 * <p>Sessions: every {@link #sessionOpened} is followed by exactly one {@link #sessionClosed}; in
 * between, a successful {@link #upgraded} moves the session from polling to WebSocket, so the number of
 * open sessions per transport is opened − closed ± upgraded.
 */
public interface EngineObserver {

  /** Why an upgrade (a probe WebSocket for a polling session) failed; the session stays on polling. */
  enum UpgradeFailure {
    /** The client did not send {@code 5} (upgrade) within {@code upgradeTimeout}. */
    TIMEOUT("timeout"),
    /** The client sent anything but {@code 2probe} or {@code 5} on the probe, or a frame that does not decode. */
    PROBE_ABORTED("probe aborted"),
    /** The probe WebSocket closed or failed, or the session closed (or was closing) during the probe. */
    SOCKET_CLOSED("socket closed");

    private final String label;

    UpgradeFailure(String label) {
      this.label = label;
    }

    /** A short lower-case label for logs and metric tags, e.g. {@code "probe aborted"}. */
    public String label() {
      return label;
    }
  }

  /** A request or frame refused because it broke a limit (docs/limits-and-security.md). */
  enum Limit {
    /** A polling POST body over {@code maxHttpBufferSize}: 413, the session stays open. */
    BODY_TOO_LARGE("body too large"),
    /** A WebSocket frame over {@code maxHttpBufferSize}: close 1009. */
    FRAME_TOO_LARGE("frame too large"),
    /** A {@code send} beyond {@code maxBufferedBytes}: {@code BUFFER_FULL}. */
    SEND_BUFFER_FULL("send buffer full"),
    /** A second polling GET while one is held: 400, the session is closed. */
    OVERLAPPING_GET("overlapping get"),
    /** A second polling POST while one is in flight: 400, the session is closed. */
    OVERLAPPING_POST("overlapping post"),
    /** A handshake while {@code maxSessions} sessions are open: 503 {@code "Server at capacity"}. */
    SESSION_CAP("session cap"),
    /** A polling POST with more than {@code maxPacketsPerPayload} packets: 400, the session is closed. */
    TOO_MANY_PACKETS("too many packets");

    private final String label;

    Limit(String label) {
      this.label = label;
    }

    /** A short lower-case label for logs and metric tags, e.g. {@code "body too large"}. */
    public String label() {
      return label;
    }
  }

  /** The observer that does nothing (what the engine uses when none is set). */
  EngineObserver NOOP = new EngineObserver() {};

  /**
   * A server was built with options holding this observer (called once per server, on the building
   * thread, at the end of its construction). Lets an observer read server-wide state later, e.g. the
   * sum of {@link EngineIoSocket#bufferedAmount()} over {@link EngineIoServer#sockets()}.
   */
  default void serverCreated(EngineIoServer server) {}

  /** A handshake succeeded: the session is open on {@code transport} (its open packet is queued). */
  default void sessionOpened(ProtocolVersion protocol, TransportType transport) {}

  /**
   * A session closed, for {@code reason}, while on {@code transport}, {@code lifetimeMillis} after it
   * opened (lane clock).
   */
  default void sessionClosed(
      ProtocolVersion protocol,
      TransportType transport,
      DisconnectReason reason,
      long lifetimeMillis) {}

  /** A WebSocket carrying a polling session's sid was accepted and its probe began. */
  default void upgradeStarted(ProtocolVersion protocol) {}

  /** The upgrade completed (the client's {@code 5}): the session now runs over {@code to}. */
  default void upgraded(ProtocolVersion protocol, TransportType from, TransportType to) {}

  /** The upgrade begun by {@link #upgradeStarted} failed; the session stays on its transport. */
  default void upgradeFailed(ProtocolVersion protocol, UpgradeFailure reason) {}

  /**
   * A v4 heartbeat round trip: from the moment the server's ping was handed to the transport (written
   * on the WebSocket, or written as the response of a held polling GET — a ping queued while no GET is
   * held is not counted until a GET takes it) to the moment the pong was received. v3 clients ping the
   * server, so there is no v3 round trip.
   */
  default void heartbeatRtt(TransportType transport, long millis) {}

  /**
   * A polling GET was answered after being held {@code millis} (from its arrival to its response; the
   * handshake GET, answered at once, is not counted; a GET whose client went away is not answered).
   */
  default void pollHeld(ProtocolVersion protocol, long millis) {}

  /**
   * Packets received: one POST body ({@code bytes} as received, {@code packets} decoded from it) or one
   * WebSocket frame ({@code packets} = 1, {@code bytes} its payload, text counted in UTF-8).
   */
  default void packetsIn(TransportType transport, int packets, long bytes) {}

  /**
   * Packets sent: one polling response ({@code bytes} of the encoded payload, before HTTP compression)
   * or one batch of WebSocket frames ({@code bytes} the sum of their payloads, text counted in UTF-8).
   */
  default void packetsOut(TransportType transport, int packets, long bytes) {}

  /**
   * Something was refused for breaking a limit. On the session's lane, except {@link
   * Limit#SEND_BUFFER_FULL}, reported on the thread that called {@code send}.
   */
  default void limitRejected(Limit limit) {}

  /**
   * A request was refused with a coded error (the event {@link EngineIoServer#onConnectionError}
   * reports). Called on the thread that refused it (an I/O thread, or the one completing {@code
   * allowRequest}).
   */
  default void connectionError(HandshakeError error) {}
}
