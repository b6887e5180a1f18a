package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.EngineObserver;
import dev.eio4j.Message;
import dev.eio4j.ReadyState;
import dev.eio4j.SendResult;
import dev.eio4j.codec.OpenPacket;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.PacketType;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.Cancellable;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Lane;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session: its state machine, packet dispatch and its one close path. The write buffer ({@link
 * SendBuffer}), the heartbeat ({@link Heartbeat}), the upgrade ({@link Upgrade}) and the listeners
 * ({@link SocketListeners}) are its parts. Every field marked "lane" is touched only on {@link #lane}; public methods of {@link
 * EngineIoSocket} hop onto it. There is no lock in this class and nothing here blocks.
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
  private final SendBuffer buffer; // its total from any thread, the rest on lane only
  private boolean flushScheduled; // lane
  private boolean closeAfterDrain; // lane

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
    this.buffer = new SendBuffer(options);
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
    return buffer.bufferedAmount();
  }

  @Override
  public void close() {
    closeCalled = true;
    lane.runOrExecute(this::closeRequested);
  }

  @Override
  public boolean isWritable() {
    return state == ReadyState.OPEN && !closeCalled && buffer.atOrBelowLowWater();
  }

  // ---------------------------------------------------------------- backpressure and forced ends

  /**
   * A send went beyond {@code maxBufferedBytes} (any thread). When the policy closes ({@link SendBuffer#overflowCloses()}) the slow
   * consumer is dropped: later sends return CLOSED at once, what is queued is discarded and the session
   * ends with {@link DisconnectReason#SEND_BUFFER_OVERFLOW} (a WebSocket is closed with 1008).
   */
  private void onOverflow() {
    if (!buffer.overflowCloses() || closeCalled) {
      return;
    }
    closeCalled = true;
    lane.runOrExecute(
        () -> {
          if (state == ReadyState.CLOSED) {
            return;
          }
          String detail = "more than " + buffer.maxBytes() + " bytes queued";
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
    if (!buffer.reserve(size)) {
      observer.limitRejected(EngineObserver.Limit.SEND_BUFFER_FULL);
      onOverflow();
      return SendResult.BUFFER_FULL;
    }
    lane.runOrExecute(
        () -> {
          if (state != ReadyState.OPEN) {
            buffer.unreserve(size);
            return;
          }
          sendPacket(packet, size);
        });
    return SendResult.QUEUED;
  }

  /** Queues a packet and schedules a flush at the end of the current lane task (lane). */
  void sendPacket(Packet packet, long accountedSize) {
    if (state == ReadyState.CLOSING || state == ReadyState.CLOSED) {
      buffer.unreserve(accountedSize);
      return;
    }
    buffer.add(packet, accountedSize);
    queued(packet);
  }

  private void queued(Packet packet) {
    emitPacketCreate(packet);
    scheduleFlush();
  }

  private final Runnable flushTask = this::flush;

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      lane.execute(flushTask);
    }
  }

  /** Hands everything queued to the transport if it can take it (lane). */
  void flush() {
    flushScheduled = false;
    Transport t = transport;
    if (state == ReadyState.CLOSED || buffer.isEmpty() || t == null || !t.writable()) {
      return;
    }
    SendBuffer.Batch taken = buffer.take();
    List<Packet> batch = taken.packets();
    emitFlush(batch);
    heartbeat.flushed(batch, engine.observing);
    t.send(batch);
    emitDrain();
    if (buffer.crossedLowWater(taken.bytes()) && state == ReadyState.OPEN) {
      emitWritable(); // the socket is writable again
    }
    if (closeAfterDrain && state == ReadyState.CLOSING) {
      closeAfterDrain = false;
      closeTransport();
    }
  }

  boolean hasQueuedPackets() {
    return !buffer.isEmpty();
  }

  // ---------------------------------------------------------------- opening

  /** Sends the open packet (and the initial packet), starts the heartbeat, announces the socket (lane). */
  void open(Transport initial) {
    transport = initial;
    setState(ReadyState.OPEN);
    opened = true;
    if (engine.observing) {
      openedAt = lane.nowMillis();
    }
    observer.sessionOpened(protocol, initial.type());
    List<String> upgrades = new ArrayList<>(1);
    if (initial.type() == TransportType.POLLING
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
    sendPacket(Packet.text(PacketType.OPEN, json), 0);
    if (options.initialPacket() != null) {
      sendPacket(Packet.message(options.initialPacket()), 0);
    }
    heartbeat.start();
    engine.announce(this);
    flush();
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
          if (buffer.addPong(Packet.PONG)) {
            queued(Packet.PONG);
          }
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
    if (!buffer.isEmpty()) {
      closeAfterDrain = true; // wait for the next drain, then close (docs/protocol.md §8)
      armCloseTimeout();
      flush();
      return;
    }
    closeTransport();
  }

  private void closeTransport() {
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

  /**
   * The lane task that opens this session threw (lane). The failure is logged once; the client is told
   * without details (a handshake GET still held gets 500 with an empty body, a WebSocket is closed with
   * 1011) and the session ends: nothing of it stays registered or scheduled.
   */
  void openFailed(Transport initial, RuntimeException cause) {
    log.error("session {} failed to open", LogSafe.escape(id), cause);
    if (state == ReadyState.CLOSED) {
      return;
    }
    if (transport == null) {
      transport = initial;
    }
    try {
      initial.failOpen();
      finish(DisconnectReason.FORCED_CLOSE, "failed to open");
    } catch (RuntimeException again) {
      // the same fault (e.g. a listener executor that refuses work) hit the close: the registry
      // entry
      // is removed before any listener runs, so only events are lost
      engine.removed(this, DisconnectReason.FORCED_CLOSE, "failed to open");
    }
  }

  /** Closes the session for good; the only way to CLOSED (lane). Idempotent. */
  void finish(DisconnectReason reason, String description) {
    if (state == ReadyState.CLOSED) {
      return;
    }
    // packets queued earlier in this lane task still go out if the transport can take them now, as
    // the
    // reference flushes each send at once (an echo reaches the held GET before a parse error
    // closes)
    closeAfterDrain = false;
    Transport live = transport;
    if (!buffer.isEmpty() && live != null && live.writable()) {
      flush();
      if (state == ReadyState.CLOSED) {
        return;
      }
    }
    setState(ReadyState.CLOSED);
    heartbeat.cancel();
    upgrade.cancel();
    closeTimer.cancel();
    buffer.discard();
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
