package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.EngineObserver;
import dev.eio4j.Message;
import dev.eio4j.ReadyState;
import dev.eio4j.SendResult;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.Cancellable;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Lane;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session: its state machine, packet dispatch and its one close path. The way out ({@link Outbox}:
 * the write buffer and its flush), the heartbeat ({@link Heartbeat}), the upgrade ({@link Upgrade}) and
 * the listeners ({@link SocketListeners}) are its parts; {@link Opening} opens it. Every field marked
 * "lane" is touched only on {@link #lane}; public methods of {@link EngineIoSocket} hop onto it. There
 * is no lock in this class and nothing here blocks.
 *
 * <p>States: {@code OPENING → OPEN → CLOSING → CLOSED}. {@link #finish(DisconnectReason, String)} is
 * the only way to {@code CLOSED}: it cancels every timer (the heartbeat's, the upgrade's, the close
 * deadline), releases the transports, removes the session from the registry and emits the close event
 * exactly once.
 */
public final class Session extends SocketListeners {
  private static final Logger log = LoggerFactory.getLogger(Session.class);
  private static final int WS_POLICY_VIOLATION = 1008;

  final Engine engine;
  final String id;
  final ProtocolVersion protocol;
  final EngineRequest request;
  final Lane lane;
  final EngineIoOptions options;
  private volatile ReadyState state = ReadyState.OPENING; // written on lane only
  private volatile Transport transport; // written on lane only
  final Outbox outbox; // lane, but for its buffer's total (any thread)
  final Heartbeat heartbeat; // lane
  final Upgrade upgrade; // lane

  private Cancellable closeTimer = Cancellable.NONE; // lane

  private final EngineObserver observer; // never null: EngineObserver.NOOP without one
  private boolean opened; // lane: open() ran, so the observer saw sessionOpened
  private long openedAt; // lane clock at open(); observer only

  // Set by close() on the caller's thread before the close hops onto the lane: once set, every send
  // returns CLOSED, whatever thread it comes from (EngineIoSocket#close).
  private volatile boolean closeCalled;

  Session(Engine engine, String id, ProtocolVersion protocol, EngineRequest request, Lane lane) {
    super(id, engine.options().listenerExecutor());
    this.engine = engine;
    this.id = id;
    this.protocol = protocol;
    this.request = request;
    this.lane = lane;
    this.options = engine.options();
    this.observer = engine.observer;
    this.outbox = new Outbox(this);
    this.heartbeat = new Heartbeat(this);
    this.upgrade = new Upgrade(this);
  }

  // ---------------------------------------------------------------- public API (any thread)

  @Override
  public String id() {
    return id;
  }

  @Override
  public ProtocolVersion protocol() {
    return protocol;
  }

  @Override
  public TransportType transport() {
    Transport t = transport;
    return t == null ? TransportType.POLLING : t.type();
  }

  @Override
  public EngineRequest request() {
    return request;
  }

  @Override
  public ReadyState readyState() {
    return state;
  }

  @Override
  public SendResult send(String text) {
    return enqueue(Packet.message(text), text.length());
  }

  @Override
  public SendResult send(byte[] data) {
    return enqueue(Packet.message(data), data.length);
  }

  @Override
  public SendResult send(ByteBuffer data) {
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    return send(copy);
  }

  @Override
  public SendResult send(Message message) {
    return message.isBinary() ? send(message.bytes()) : send(message.text());
  }

  /** Queues an already-built message packet (used by broadcast, which shares one packet). */
  SendResult sendShared(Packet packet, int size) {
    return enqueue(packet, size);
  }

  @Override
  public long bufferedAmount() {
    return outbox.buffer.bufferedAmount();
  }

  @Override
  public void close() {
    closeCalled = true;
    lane.runOrExecute(this::closeRequested);
  }

  @Override
  public boolean isWritable() {
    return state == ReadyState.OPEN && !closeCalled && outbox.buffer.atOrBelowLowWater();
  }

  // ---------------------------------------------------------------- backpressure and forced ends

  /**
   * A send went beyond {@code maxBufferedBytes} (any thread). When the policy closes ({@link SendBuffer#overflowCloses()}) the slow
   * consumer is dropped: later sends return CLOSED at once, what is queued is discarded and the session
   * ends with {@link DisconnectReason#SEND_BUFFER_OVERFLOW} (a WebSocket is closed with 1008).
   */
  private void onOverflow() {
    if (!outbox.buffer.overflowCloses() || closeCalled) {
      return;
    }
    closeCalled = true;
    lane.runOrExecute(
        () -> {
          if (state == ReadyState.CLOSED) {
            return;
          }
          String detail = "more than " + outbox.buffer.maxBytes() + " bytes queued";
          if (transport instanceof WsTransport ws) {
            ws.closeConnection(
                WS_POLICY_VIOLATION, DisconnectReason.SEND_BUFFER_OVERFLOW.wireName());
          }
          finish(DisconnectReason.SEND_BUFFER_OVERFLOW, detail);
        });
  }

  /**
   * Ends the session now without waiting for its queue to drain ({@code FORCED_CLOSE} with {@code
   * description}): a server shutdown past its deadline. Any thread; idempotent.
   */
  void forceClose(String description) {
    closeCalled = true;
    lane.runOrExecute(() -> finish(DisconnectReason.FORCED_CLOSE, description));
  }

  @Override
  public String toString() {
    return "Session{" + id + ", v" + protocol.number() + ", " + transport() + ", " + state + "}";
  }

  // ---------------------------------------------------------------- sending

  private SendResult enqueue(Packet packet, int payloadSize) {
    if (state != ReadyState.OPEN || closeCalled) {
      return SendResult.CLOSED;
    }
    long size = SendBuffer.cost(payloadSize);
    if (!outbox.buffer.reserve(size)) {
      observer.limitRejected(EngineObserver.Limit.SEND_BUFFER_FULL);
      onOverflow();
      return SendResult.BUFFER_FULL;
    }
    lane.runOrExecute(
        () -> {
          if (state != ReadyState.OPEN) {
            outbox.buffer.unreserve(size);
            return;
          }
          outbox.add(packet, size);
        });
    return SendResult.QUEUED;
  }

  // ---------------------------------------------------------------- opening

  /** The session is open on its first transport (lane); {@link Opening} does the rest. */
  void opened(Transport initial) {
    transport = initial;
    setState(ReadyState.OPEN);
    opened = true;
    if (engine.observing) {
      openedAt = lane.nowMillis();
    }
    observer.sessionOpened(protocol, initial.type());
  }

  // ---------------------------------------------------------------- receiving

  /** A packet that arrived on the session's current transport (lane). */
  void onPacket(Packet packet) {
    if (state != ReadyState.OPEN) {
      return;
    }
    emitPacket(packet);
    heartbeat.received(packet.type());
    switch (packet.type()) {
      case PING -> {
        if (protocol == ProtocolVersion.V3) {
          heartbeat.clientPinged();
          outbox.addPong();
          emitHeartbeat();
        } else {
          finish(DisconnectReason.TRANSPORT_ERROR, "invalid heartbeat direction");
        }
      }
      case PONG -> {
        if (protocol == ProtocolVersion.V4) {
          heartbeat.pongReceived();
          emitHeartbeat();
        } else {
          finish(DisconnectReason.TRANSPORT_ERROR, "invalid heartbeat direction");
        }
      }
      case MESSAGE -> {
        Message m =
            packet.isBinary()
                ? Message.binary(packet.binary())
                : Message.text(packet.text() == null ? "" : packet.text());
        emitMessage(m);
      }
      case CLOSE ->
          finish(DisconnectReason.TRANSPORT_CLOSE, null); // over WS; polling handles its own
      default -> {
        // open/upgrade/noop on the session transport: ignored, as the reference does
      }
    }
  }

  /** The transport could not decode what the client sent (lane). */
  void onParseError(String detail) {
    if (state == ReadyState.CLOSED) {
      return;
    }
    log.debug("session {} parse error: {}", LogSafe.escape(id), LogSafe.escape(detail));
    finish(DisconnectReason.PARSE_ERROR, detail);
  }

  /** The session's transport becomes {@code next} (the upgrade's commit); returns the one it replaces. */
  Transport switchTransport(Transport next) {
    Transport old = transport;
    transport = next;
    return old;
  }

  // ---------------------------------------------------------------- closing

  /** {@code close()} from the application (lane). */
  private void closeRequested() {
    if (state != ReadyState.OPEN) {
      return;
    }
    setState(ReadyState.CLOSING);
    // a closing session sends no ping and awaits no pong: closeTimeout is its only deadline
    heartbeat.cancel();
    if (!outbox.isEmpty()) {
      armCloseTimeout();
      outbox.closeAfterDrain(); // the flush that empties the queue closes the transport
      return;
    }
    closeTransport();
  }

  /** Closes the transport as it requires, or finishes at once when there is none (lane). */
  void closeTransport() {
    Transport t = transport;
    if (t == null) {
      finish(DisconnectReason.FORCED_CLOSE, null);
      return;
    }
    t.closeGracefully();
  }

  /**
   * The deadline of a close that waits (lane): for the queue to drain, or for the next polling GET. When
   * it fires the session ends with {@code FORCED_CLOSE}.
   */
  void armCloseTimeout() {
    closeTimer.cancel();
    closeTimer =
        lane.schedule(
            options.closeTimeout().toMillis(), () -> finish(DisconnectReason.FORCED_CLOSE, null));
  }

  /** Closes the session for good; the only way to CLOSED (lane). Idempotent. */
  void finish(DisconnectReason reason, String description) {
    if (state == ReadyState.CLOSED) {
      return;
    }
    outbox.flushBeforeFinish(); // what this lane task queued still goes out if it can
    if (state == ReadyState.CLOSED) {
      return; // that flush ended the session
    }
    setState(ReadyState.CLOSED);
    heartbeat.cancel();
    upgrade.cancel();
    closeTimer.cancel();
    outbox.discard();
    Transport t = transport;
    if (t != null) {
      t.release();
    }
    if (opened) {
      observer.sessionClosed(
          protocol, transport(), reason, engine.observing ? lane.nowMillis() - openedAt : 0);
    }
    engine.removed(this, reason, description);
    emitClose(reason, description);
  }

  private void setState(ReadyState next) {
    engine.debugTransition(this, "", state, next, null);
    state = next;
  }

  /** The engine's observer ({@link EngineObserver#NOOP} when none is set). */
  EngineObserver observer() {
    return observer;
  }

  boolean isClosing() {
    return state == ReadyState.CLOSING;
  }

  boolean isClosed() {
    return state == ReadyState.CLOSED;
  }

  Transport currentTransport() {
    return transport;
  }
}
