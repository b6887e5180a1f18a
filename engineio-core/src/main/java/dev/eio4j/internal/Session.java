package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.EngineObserver;
import dev.eio4j.EngineObserver.UpgradeFailure;
import dev.eio4j.Message;
import dev.eio4j.OverflowPolicy;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session: its state machine, write buffer, heartbeat and upgrade. Every field marked "lane" is
 * touched only on {@link #lane}; public methods of {@link EngineIoSocket} hop onto it. There is no lock
 * in this class and nothing here blocks.
 *
 * <p>States: {@code OPENING → OPEN → CLOSING → CLOSED}. Upgrade: {@code NONE → PROBING (WS accepted)
 * → PROBED (3probe sent) → UPGRADED}, or back to {@code NONE} when the probe fails. {@link
 * #finish(DisconnectReason, String)} is the only way to {@code CLOSED}: it cancels every timer, releases
 * the transports, removes the session from the registry and emits the close event exactly once.
 */
public final class Session implements EngineIoSocket {
  private static final Logger log = LoggerFactory.getLogger(Session.class);
  /** The upgrade's noop tick, and how long a GET that arrives after the probe waits for the upgrade. */
  static final long NOOP_TICK_MS = 100;
  private static final int WS_POLICY_VIOLATION = 1008;

  enum UpgradeState {
    NONE,
    PROBING,
    PROBED,
    UPGRADED
  }

  final Engine engine;
  final String id;
  final ProtocolVersion protocol;
  final EngineRequest request;
  final Lane lane;
  final EngineIoOptions options;
  private final Executor events;

  private volatile ReadyState state = ReadyState.OPENING; // written on lane only
  private volatile Transport transport; // written on lane only
  private final ArrayDeque<Packet> writeBuffer = new ArrayDeque<>(4); // lane
  private final AtomicLong buffered = new AtomicLong();
  private boolean flushScheduled; // lane
  private boolean closeAfterDrain; // lane

  // heartbeat (lane)
  private Cancellable pingIntervalTimer = Cancellable.NONE;
  private Cancellable pingTimeoutTimer = Cancellable.NONE;
  private boolean awaitingPong;
  private boolean graceUsed;
  private long pingHandedAt = -1; // lane clock when the awaited ping reached the transport; observer only

  // upgrade (lane)
  private volatile UpgradeState upgradeState = UpgradeState.NONE; // written on lane only
  private WsTransport upgrading;
  private Cancellable upgradeTimer = Cancellable.NONE;
  private Cancellable noopTicker = Cancellable.NONE;

  private Cancellable closeTimer = Cancellable.NONE; // lane

  private final EngineObserver observer; // never null: EngineObserver.NOOP without one
  private boolean opened; // lane: open() ran, so the observer saw sessionOpened
  private long openedAt; // lane clock at open(); observer only

  // Set by close() on the caller's thread, before the close hops onto the lane, so that a send() made
  // right after close() from a thread other than the lane already returns CLOSED (EngineIoSocket#close:
  // "Sends after this return CLOSED"). Without it such a send returned QUEUED and was silently dropped.
  private volatile boolean closeCalled;

  private final ListenerList<Consumer<Message>> messageListeners = new ListenerList<>();
  private final ListenerList<CloseListener> closeListeners = new ListenerList<>();
  private final ListenerList<Consumer<TransportType>> upgradingListeners = new ListenerList<>();
  private final ListenerList<Consumer<TransportType>> upgradeListeners = new ListenerList<>();
  private final ListenerList<Consumer<Packet>> packetListeners = new ListenerList<>();
  private final ListenerList<Consumer<Packet>> packetCreateListeners = new ListenerList<>();
  private final ListenerList<Consumer<List<Packet>>> flushListeners = new ListenerList<>();
  private final ListenerList<Runnable> drainListeners = new ListenerList<>();
  private final ListenerList<Runnable> heartbeatListeners = new ListenerList<>();
  private final ListenerList<Runnable> writableListeners = new ListenerList<>();

  Session(Engine engine, String id, ProtocolVersion protocol, EngineRequest request, Lane lane) {
    this.engine = engine;
    this.id = id;
    this.protocol = protocol;
    this.request = request;
    this.lane = lane;
    this.options = engine.options();
    this.observer = engine.observer;
    Executor ex = options.listenerExecutor();
    this.events = ex == null ? null : new SerialExecutor(ex);
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
    return buffered.get();
  }

  @Override
  public void close() {
    closeCalled = true;
    runOnLane(this::closeRequested);
  }

  @Override
  public EngineIoSocket onMessage(Consumer<Message> listener) {
    messageListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onClose(Consumer<DisconnectReason> listener) {
    closeListeners.add((reason, description) -> listener.accept(reason));
    return this;
  }

  @Override
  public EngineIoSocket onClose(CloseListener listener) {
    closeListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onUpgrading(Consumer<TransportType> listener) {
    upgradingListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onUpgrade(Consumer<TransportType> listener) {
    upgradeListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onPacket(Consumer<Packet> listener) {
    packetListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onPacketCreate(Consumer<Packet> listener) {
    packetCreateListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onFlush(Consumer<List<Packet>> listener) {
    flushListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onDrain(Runnable listener) {
    drainListeners.add(listener);
    return this;
  }

  @Override
  public EngineIoSocket onHeartbeat(Runnable listener) {
    heartbeatListeners.add(listener);
    return this;
  }

  @Override
  public boolean isWritable() {
    return state == ReadyState.OPEN && !closeCalled && buffered.get() <= lowWaterMark();
  }

  @Override
  public EngineIoSocket onWritable(Runnable listener) {
    writableListeners.add(listener);
    return this;
  }

  // ---------------------------------------------------------------- backpressure and forced ends

  private long lowWaterMark() {
    return options.maxBufferedBytes() / 2;
  }

  /**
   * A flush handed {@code bytes} to the transport (lane): when that took the buffer from above the
   * low-water mark to or below it, the socket is writable again.
   */
  private void released(long bytes) {
    long now = buffered.get();
    long low = lowWaterMark();
    if (bytes > 0 && now <= low && now + bytes > low && state == ReadyState.OPEN) {
      emitEach(writableListeners, Runnable::run);
    }
  }

  /**
   * A send went beyond {@code maxBufferedBytes} (any thread). With {@link OverflowPolicy#CLOSE} the slow
   * consumer is dropped: later sends return CLOSED at once, what is queued is discarded and the session
   * ends with {@link DisconnectReason#SEND_BUFFER_OVERFLOW} (a WebSocket is closed with 1008).
   */
  private void onOverflow() {
    if (options.overflowPolicy() != OverflowPolicy.CLOSE || closeCalled) {
      return;
    }
    closeCalled = true;
    runOnLane(
        () -> {
          if (state == ReadyState.CLOSED) {
            return;
          }
          String detail = "more than " + options.maxBufferedBytes() + " bytes queued";
          if (transport instanceof WsTransport ws) {
            ws.closeConnection(WS_POLICY_VIOLATION, DisconnectReason.SEND_BUFFER_OVERFLOW.wireName());
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
    runOnLane(() -> finish(DisconnectReason.FORCED_CLOSE, description));
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
    // what a queued packet really holds: its payload plus a fixed overhead, so that empty messages count
    long size = payloadSize + (long) EngineIoOptions.PACKET_OVERHEAD_BYTES;
    long after = buffered.addAndGet(size);
    if (after > options.maxBufferedBytes() && after != size) {
      buffered.addAndGet(-size);
      observer.limitRejected(EngineObserver.Limit.SEND_BUFFER_FULL);
      onOverflow();
      return SendResult.BUFFER_FULL;
    }
    runOnLane(
        () -> {
          if (state != ReadyState.OPEN) {
            buffered.addAndGet(-size);
            return;
          }
          sendPacket(packet, size);
        });
    return SendResult.QUEUED;
  }

  private void runOnLane(Runnable task) {
    if (lane.inLane()) {
      task.run();
    } else {
      lane.execute(task);
    }
  }

  /** Queues a packet and schedules a flush at the end of the current lane task (lane). */
  void sendPacket(Packet packet, long accountedSize) {
    if (state == ReadyState.CLOSING || state == ReadyState.CLOSED) {
      buffered.addAndGet(-accountedSize);
      return;
    }
    writeBuffer.add(packet);
    queuedBytes += accountedSize;
    emitPacket(packetCreateListeners, packet);
    scheduleFlush();
  }

  private long queuedBytes; // lane; the accounted sizes of the packets in writeBuffer
  private boolean pongQueued; // lane; a v3 pong is in writeBuffer
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
    if (state == ReadyState.CLOSED || writeBuffer.isEmpty() || t == null || !t.writable()) {
      return;
    }
    List<Packet> batch;
    if (writeBuffer.size() == 1) {
      batch = List.of(writeBuffer.poll());
    } else {
      batch = new ArrayList<>(writeBuffer);
      writeBuffer.clear();
    }
    long bytes = queuedBytes;
    queuedBytes = 0;
    pongQueued = false;
    // before send: the send may finish the session, which then releases only what is still queued
    buffered.addAndGet(-bytes);
    emitEach(flushListeners, l -> l.accept(batch));
    if (awaitingPong && pingHandedAt < 0 && engine.observing && batch.contains(Packet.PING)) {
      pingHandedAt = lane.nowMillis(); // the heartbeat round trip starts when the ping reaches the wire
    }
    t.send(batch);
    emitEach(drainListeners, Runnable::run);
    released(bytes);
    if (closeAfterDrain && state == ReadyState.CLOSING) {
      closeAfterDrain = false;
      closeTransport();
    }
  }

  boolean hasQueuedPackets() {
    return !writeBuffer.isEmpty();
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
    startHeartbeat();
    engine.announce(this);
    flush();
  }

  // ---------------------------------------------------------------- receiving

  /** A packet that arrived on the session's current transport (lane). */
  void onPacket(Packet packet) {
    if (state != ReadyState.OPEN) {
      return;
    }
    emitPacket(packetListeners, packet);
    if (awaitingPong && !graceUsed && packet.type() != PacketType.PONG && protocol == ProtocolVersion.V4) {
      // docs/protocol.md §5.1: any non-pong packet restarts the pong wait once per ping (6.6.x grace rule)
      graceUsed = true;
      armPingTimeout(options.pingTimeout().toMillis());
    }
    switch (packet.type()) {
      case PING -> {
        if (protocol == ProtocolVersion.V3) {
          armPingTimeout(v3Timeout());
          // a pong costs its overhead like any packet; past the budget a ping is not answered again
          // while a pong is still queued, so a client that pings without ever polling cannot grow the queue
          long cost = EngineIoOptions.PACKET_OVERHEAD_BYTES;
          if (!pongQueued || buffered.get() + cost <= options.maxBufferedBytes()) {
            pongQueued = true;
            buffered.addAndGet(cost);
            sendPacket(Packet.PONG, cost);
          }
          emitHeartbeat();
        } else {
          finish(DisconnectReason.TRANSPORT_ERROR, "invalid heartbeat direction");
        }
      }
      case PONG -> {
        if (protocol == ProtocolVersion.V4) {
          if (awaitingPong && pingHandedAt >= 0) {
            observer.heartbeatRtt(transport(), lane.nowMillis() - pingHandedAt);
          }
          awaitingPong = false;
          pingHandedAt = -1;
          pingTimeoutTimer.cancel();
          schedulePing();
          emitHeartbeat();
        } else {
          finish(DisconnectReason.TRANSPORT_ERROR, "invalid heartbeat direction");
        }
      }
      case MESSAGE -> {
        Message m = packet.isBinary() ? Message.binary(packet.binary()) : Message.text(packet.text() == null ? "" : packet.text());
        emitEach(messageListeners, l -> l.accept(m));
      }
      case CLOSE -> finish(DisconnectReason.TRANSPORT_CLOSE, null); // over WS; polling handles its own
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

  // ---------------------------------------------------------------- heartbeat

  private void startHeartbeat() {
    if (protocol == ProtocolVersion.V4) {
      schedulePing();
    } else {
      armPingTimeout(v3Timeout());
    }
  }

  private long v3Timeout() {
    return options.pingInterval().toMillis() + options.pingTimeout().toMillis();
  }

  private void schedulePing() {
    pingIntervalTimer.cancel();
    pingIntervalTimer =
        lane.schedule(
            options.pingInterval().toMillis(),
            () -> {
              if (state != ReadyState.OPEN && state != ReadyState.CLOSING) {
                return;
              }
              awaitingPong = true;
              graceUsed = false;
              pingHandedAt = -1;
              sendPacket(Packet.PING, 0);
              armPingTimeout(options.pingTimeout().toMillis());
            });
  }

  private void armPingTimeout(long millis) {
    pingTimeoutTimer.cancel();
    pingTimeoutTimer = lane.schedule(millis, () -> finish(DisconnectReason.PING_TIMEOUT, null));
  }

  // ---------------------------------------------------------------- upgrade

  /** A WebSocket carrying this session's sid was accepted (lane). */
  void startUpgrade(WsTransport ws) {
    if (state != ReadyState.OPEN
        || upgradeState != UpgradeState.NONE
        || !(transport instanceof PollingTransport)) {
      ws.closeConnection();
      return;
    }
    upgradeTransition(UpgradeState.PROBING, null);
    upgrading = ws;
    observer.upgradeStarted(protocol);
    upgradeTimer =
        lane.schedule(
            options.upgradeTimeout().toMillis(), () -> abortUpgrade(UpgradeFailure.TIMEOUT, "upgrade timeout"));
  }

  /** A packet on the WebSocket being probed (lane). */
  void onProbePacket(WsTransport ws, Packet packet) {
    if (ws != upgrading) {
      return;
    }
    if (packet.type() == PacketType.PING && "probe".equals(packet.text()) && upgradeState == UpgradeState.PROBING) {
      ws.sendDirect(Packet.PROBE_PONG);
      upgradeTransition(UpgradeState.PROBED, null);
      TransportType t = TransportType.WEBSOCKET;
      emitEach(upgradingListeners, l -> l.accept(t));
      noopTicker = lane.schedule(NOOP_TICK_MS, this::noopTick);
    } else if (packet.type() == PacketType.UPGRADE) {
      if (state == ReadyState.CLOSING || state == ReadyState.CLOSED) {
        abortUpgrade(UpgradeFailure.SOCKET_CLOSED, "socket closing");
        return;
      }
      commitUpgrade(ws);
    } else {
      abortUpgrade(UpgradeFailure.PROBE_ABORTED, "invalid packet during upgrade: " + packet.type());
    }
  }

  private void noopTick() {
    if (upgrading == null) {
      return;
    }
    if (transport instanceof PollingTransport p && p.writable()) {
      p.send(List.of(Packet.NOOP));
    }
    noopTicker = lane.schedule(NOOP_TICK_MS, this::noopTick);
  }

  private void commitUpgrade(WsTransport ws) {
    upgradeTimer.cancel();
    noopTicker.cancel();
    Transport old = transport;
    upgrading = null;
    upgradeTransition(UpgradeState.UPGRADED, null);
    transport = ws;
    ws.promoted();
    if (old != null) {
      old.discard();
    }
    observer.upgraded(protocol, old == null ? TransportType.POLLING : old.type(), TransportType.WEBSOCKET);
    if (protocol == ProtocolVersion.V3) {
      // [ref-bug] fixed: the reference never re-arms the v3 heartbeat after an upgrade (docs/protocol.md §5.2)
      armPingTimeout(v3Timeout());
    }
    TransportType t = TransportType.WEBSOCKET;
    emitEach(upgradeListeners, l -> l.accept(t));
    flush();
  }

  /** The probe failed or timed out: close its WebSocket, stay on polling (lane). */
  void abortUpgrade(UpgradeFailure reason, String why) {
    WsTransport ws = upgrading;
    if (ws == null) {
      return;
    }
    upgradeTransition(UpgradeState.NONE, why);
    observer.upgradeFailed(protocol, reason);
    upgrading = null;
    upgradeTimer.cancel();
    noopTicker.cancel();
    ws.closeConnection();
    if (transport instanceof PollingTransport p) {
      p.upgradeAborted();
    }
  }

  /** The WebSocket being probed went away (lane). */
  void onProbeClosed(WsTransport ws) {
    if (ws == upgrading) {
      abortUpgrade(UpgradeFailure.SOCKET_CLOSED, "probe transport closed");
    }
  }

  boolean upgradingOrUpgraded() {
    return upgradeState != UpgradeState.NONE;
  }

  /** True between the {@code 3probe} and the end of the upgrade (lane). */
  boolean probeAnswered() {
    return upgradeState == UpgradeState.PROBED;
  }

  // ---------------------------------------------------------------- closing

  /** {@code close()} from the application (lane). */
  private void closeRequested() {
    if (state != ReadyState.OPEN) {
      return;
    }
    setState(ReadyState.CLOSING);
    // A closing session sends no ping and awaits no pong: closeTimeout is its only deadline. (Before,
    // the heartbeat kept running, and a ping that could no longer be queued still armed the timeout.)
    stopHeartbeat();
    if (!writeBuffer.isEmpty()) {
      closeAfterDrain = true; // wait for the next drain, then close (docs/protocol.md §8)
      armCloseTimeout();
      flush();
      return;
    }
    closeTransport();
  }

  private void stopHeartbeat() {
    pingIntervalTimer.cancel();
    pingTimeoutTimer.cancel();
    awaitingPong = false;
    pingHandedAt = -1;
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
        lane.schedule(options.closeTimeout().toMillis(), () -> finish(DisconnectReason.FORCED_CLOSE, null));
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
      // the same fault (e.g. a listener executor that refuses work) hit the close: the registry entry
      // is removed before any listener runs, so only events are lost
      engine.removed(this, DisconnectReason.FORCED_CLOSE, "failed to open");
    }
  }

  /** Closes the session for good; the only way to CLOSED (lane). Idempotent. */
  void finish(DisconnectReason reason, String description) {
    if (state == ReadyState.CLOSED) {
      return;
    }
    // Packets queued earlier in this lane task still go out if the transport can take them now: the
    // reference flushes each send at once, so the echo of "4ok" in the POST "4ok\x1ex9" reaches the held
    // GET before the parse error closes the session (T/05b D2).
    closeAfterDrain = false;
    Transport live = transport;
    if (!writeBuffer.isEmpty() && live != null && live.writable()) {
      flush();
      if (state == ReadyState.CLOSED) {
        return;
      }
    }
    setState(ReadyState.CLOSED);
    pingIntervalTimer.cancel();
    pingTimeoutTimer.cancel();
    upgradeTimer.cancel();
    noopTicker.cancel();
    closeTimer.cancel();
    WsTransport probe = upgrading;
    upgrading = null;
    if (probe != null) {
      upgradeTransition(UpgradeState.NONE, "session closed");
      observer.upgradeFailed(protocol, UpgradeFailure.SOCKET_CLOSED);
      probe.closeConnection();
    }
    // Release only what the dropped packets held: a send() that passed the OPEN check on another thread
    // may still have its lane task queued, and that task gives its own size back when it finds the
    // session closed. Resetting to 0 here made bufferedAmount() negative in that case.
    long dropped = queuedBytes;
    queuedBytes = 0;
    pongQueued = false;
    writeBuffer.clear();
    buffered.addAndGet(-dropped);
    Transport t = transport;
    if (t != null) {
      t.release();
    }
    if (opened) {
      observer.sessionClosed(protocol, transport(), reason, engine.observing ? lane.nowMillis() - openedAt : 0);
    }
    engine.removed(this, reason, description);
    emitEach(closeListeners, l -> l.onClose(reason, description));
  }

  private void setState(ReadyState next) {
    engine.debugTransition(this, "", state, next, null);
    state = next;
  }

  private void upgradeTransition(UpgradeState next, String cause) {
    engine.debugTransition(this, "upgrade ", upgradeState, next, cause);
    upgradeState = next;
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

  // ---------------------------------------------------------------- events

  private void emitHeartbeat() {
    emitEach(heartbeatListeners, Runnable::run);
  }

  private void emitPacket(ListenerList<Consumer<Packet>> listeners, Packet p) {
    emitEach(listeners, l -> l.accept(p));
  }

  /**
   * Delivers one event to every listener of a list, in order, each call isolated: a listener that throws
   * is logged and the next one still runs (before, one {@code forEach} ran them all, so the first failure
   * starved the rest).
   *
   * <p>The list is read when the event is delivered, not when it is emitted. With a {@code
   * listenerExecutor} the connection callback itself runs later on that executor, so listeners it
   * registers are not there yet when the lane emits the first events; reading the list at emit time
   * dropped those events, breaking the promise of {@code EngineIoServer#onConnection} that listeners
   * registered inside it miss nothing. On the lane (no executor) delivery is immediate, so an empty list
   * can be skipped at once.
   */
  private <T> void emitEach(ListenerList<T> listeners, Consumer<T> call) {
    if (events == null && listeners.isEmpty()) {
      return;
    }
    emit(
        () -> {
          for (T l : listeners) {
            try {
              call.accept(l);
            } catch (RuntimeException e) {
              log.error("socket {} listener threw", LogSafe.escape(id), e);
            }
          }
        });
  }

  /** Runs an application callback in order for this socket, isolating failures. */
  void emit(Runnable callback) {
    Runnable safe =
        () -> {
          try {
            callback.run();
          } catch (RuntimeException e) {
            log.error("socket {} listener threw", LogSafe.escape(id), e);
          }
        };
    if (events == null) {
      safe.run();
    } else {
      events.execute(safe);
    }
  }
}
