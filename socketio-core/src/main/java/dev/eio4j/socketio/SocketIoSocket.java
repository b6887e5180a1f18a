package dev.eio4j.socketio;

import dev.eio4j.EngineIoSocket;
import dev.eio4j.socketio.parser.SioDecoder;
import dev.eio4j.socketio.parser.SioPacket;
import dev.eio4j.socketio.parser.SioPacketType;
import dev.eio4j.spi.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One client in one namespace. A connection (one Engine.IO socket) has at most one socket per namespace.
 *
 * <p><b>Threading.</b> Events of one connection, its acks and its timeouts are delivered one at a time,
 * in order; listeners of different connections run concurrently. Every method may be called from any
 * thread; sending only queues (see {@link EngineIoSocket#send(String)}) and never blocks.
 *
 * <p><b>Arguments.</b> Incoming arguments are Jackson trees ({@code byte[]} attachments as binary
 * nodes: {@code args.get(i).binaryValue()}); outgoing ones may be trees, {@code byte[]}, {@code
 * ByteBuffer} or any value Jackson maps to JSON.
 */
public final class SocketIoSocket {
  /** A listener for one event name. */
  @FunctionalInterface
  public interface EventListener {
    /**
     * @param args the arguments after the event name
     * @param ack the answer handle ({@link Ack#isRequested()} false when the client asked for none)
     */
    void onEvent(ArrayNode args, Ack ack) throws Exception;
  }

  /** A listener for every incoming event, called before the listeners of the event's name. */
  @FunctionalInterface
  public interface AnyListener {
    /**
     * @param event the event name
     * @param args the arguments after the name
     */
    void onEvent(String event, ArrayNode args) throws Exception;
  }

  /** An outgoing ack awaiting its answer; the timer is set right after the entry is registered. */
  private static final class PendingAck {
    final CompletableFuture<ArrayNode> future;
    volatile Cancellable timer = Cancellable.NONE;

    PendingAck(CompletableFuture<ArrayNode> future) {
      this.future = future;
    }
  }

  private final Client client;
  private final Namespace nsp;
  private final String id;
  private final Handshake handshake;
  private final Map<String, List<EventListener>> listeners = new ConcurrentHashMap<>();
  private final List<AnyListener> anyListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<SocketIoDisconnectReason>> disconnecting =
      new CopyOnWriteArrayList<>();
  private final List<Consumer<SocketIoDisconnectReason>> disconnected =
      new CopyOnWriteArrayList<>();
  private final Map<Long, PendingAck> acks = new ConcurrentHashMap<>();
  private final AtomicLong nextAckId = new AtomicLong();
  private final Map<String, Object> data = new ConcurrentHashMap<>();

  /** 0 connecting, 1 connected, 2 gone; written on the connection's order only. */
  private volatile int state;

  SocketIoSocket(Client client, Namespace nsp, String id, Handshake handshake) {
    this.client = client;
    this.nsp = nsp;
    this.id = id;
    this.handshake = handshake;
  }

  /** The socket id: random and URL-safe for v5 clients; {@code <sid>} or {@code /nsp#<sid>} for v4. */
  public String id() {
    return id;
  }

  /** The namespace. */
  public Namespace namespace() {
    return nsp;
  }

  /** What the socket connected with. */
  public Handshake handshake() {
    return handshake;
  }

  /** The Engine.IO connection under this socket (shared by the connection's other namespaces). */
  public EngineIoSocket conn() {
    return client.conn();
  }

  /** Application data, e.g. filled by a middleware (thread-safe; no null keys or values). */
  public Map<String, Object> data() {
    return data;
  }

  /** True from the CONNECT reply until the socket leaves its namespace. */
  public boolean connected() {
    return state == 1;
  }

  /**
   * Adds a listener for {@code event}.
   *
   * @throws IllegalArgumentException for a reserved name ({@code connect}, {@code disconnect}, ...): use
   *     {@link #onDisconnect} and {@link Namespace#onConnection}
   */
  public SocketIoSocket on(String event, EventListener listener) {
    checkEventName(event);
    Objects.requireNonNull(listener, "listener");
    listeners.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(listener);
    return this;
  }

  /** Adds a listener for every incoming event. */
  public SocketIoSocket onAny(AnyListener listener) {
    anyListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Adds a listener called as the socket leaves, while {@link #rooms()} still lists its rooms. */
  public SocketIoSocket onDisconnecting(Consumer<SocketIoDisconnectReason> listener) {
    disconnecting.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Adds a listener called once the socket has left its namespace. */
  public SocketIoSocket onDisconnect(Consumer<SocketIoDisconnectReason> listener) {
    disconnected.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Sends an event to this client.
   *
   * @return true when it was queued
   * @throws IllegalArgumentException for a reserved event name
   */
  public boolean emit(String event, Object... args) {
    checkEventName(event);
    if (!connected()) {
      return false;
    }
    client.server().observer().eventOut(this, event);
    return client.send(SioPacket.event(nsp.name(), SioPacket.NO_ID, Args.event(event, args)));
  }

  /**
   * Sends an event that asks for an answer. The future completes with the answer's arguments, or
   * exceptionally with a {@link TimeoutException} ("operation has timed out") when none came within
   * {@code timeout}, or with an {@link IllegalStateException} when the socket left first. Either way the
   * pending entry is gone when the future completes, and a late answer is dropped. The future completes on
   * the connection's thread: do not block in its callbacks.
   */
  public CompletableFuture<ArrayNode> emitWithAck(Duration timeout, String event, Object... args) {
    checkEventName(event);
    Objects.requireNonNull(timeout, "timeout");
    CompletableFuture<ArrayNode> future = new CompletableFuture<>();
    if (!connected()) {
      future.completeExceptionally(new IllegalStateException("socket is not connected"));
      return future;
    }
    long ackId = nextAckId.getAndIncrement() & SioPacket.MAX_ID;
    PendingAck pending = new PendingAck(future);
    // registered before the timer exists: the timeout always finds (and removes) the entry
    acks.put(ackId, pending);
    client.server().observer().ackPending(this);
    pending.timer =
        client
            .server()
            .schedule(
                timeout,
                () ->
                    client
                        .queue()
                        .execute(
                            () -> {
                              PendingAck p = acks.remove(ackId);
                              if (p != null) {
                                client.server().observer().ackTimedOut(this);
                                p.future.completeExceptionally(
                                    new TimeoutException("operation has timed out"));
                              }
                            }));
    client.server().observer().eventOut(this, event);
    if (!connected() || !client.send(SioPacket.event(nsp.name(), ackId, Args.event(event, args)))) {
      PendingAck p = acks.remove(ackId);
      if (p != null) {
        p.timer.cancel();
        p.future.completeExceptionally(
            new IllegalStateException("socket is not connected or cannot send"));
      }
    }
    return future;
  }

  /** How many {@link #emitWithAck} answers are outstanding. */
  public int pendingAcks() {
    return acks.size();
  }

  /** Joins {@code room} (nothing happens once the socket has left). */
  public SocketIoSocket join(String room) {
    Objects.requireNonNull(room, "room");
    nsp.adapter().add(id, room, () -> state != 2);
    return this;
  }

  /** Leaves {@code room}. */
  public SocketIoSocket leave(String room) {
    nsp.adapter().del(id, Objects.requireNonNull(room, "room"));
    return this;
  }

  /** The rooms this socket is in (its own id room included). */
  public Set<String> rooms() {
    return nsp.adapter().roomsOf(id);
  }

  /** The other sockets in {@code room}. */
  public BroadcastOperator to(String room) {
    return new BroadcastOperator(nsp, Set.of(room), Set.of(id));
  }

  /** Same as {@link #to}. */
  public BroadcastOperator in(String room) {
    return to(room);
  }

  /** The other sockets of the namespace, except those in {@code room}. */
  public BroadcastOperator except(String room) {
    return new BroadcastOperator(nsp, Set.of(), Set.of(id, room));
  }

  /** Every other socket of the namespace. */
  public BroadcastOperator broadcast() {
    return new BroadcastOperator(nsp, Set.of(), Set.of(id));
  }

  /**
   * Leaves the namespace: the client gets DISCONNECT and the reason is {@code server namespace
   * disconnect}; the connection stays open for its other namespaces.
   */
  public void disconnect() {
    disconnect(false);
  }

  /**
   * Leaves the namespace; with {@code close}, every socket of the connection leaves (each client socket
   * gets DISCONNECT) and the connection is closed.
   */
  public void disconnect(boolean close) {
    client
        .queue()
        .execute(
            () -> {
              if (close) {
                client.disconnectAll();
              } else if (connected()) {
                client.send(
                    new SioPacket(SioPacketType.DISCONNECT, nsp.name(), SioPacket.NO_ID, null));
                onClose(SocketIoDisconnectReason.SERVER_NAMESPACE_DISCONNECT);
              }
            });
  }

  // ------------------------------------------------------------------ the connection's order only

  Client client() {
    return client;
  }

  /**
   * Joined: own room, the CONNECT reply, then registration (so that no broadcast from another thread can
   * reach the client before its CONNECT reply), then the connection listeners.
   */
  void onConnect() {
    join(id);
    if (client.isV4()) {
      client.send(new SioPacket(SioPacketType.CONNECT, nsp.name(), SioPacket.NO_ID, null));
    } else {
      client.send(
          new SioPacket(
              SioPacketType.CONNECT,
              nsp.name(),
              SioPacket.NO_ID,
              JsonNodeFactory.instance.objectNode().put("sid", id)));
    }
    state = 1;
    nsp.socketMap().put(id, this);
    client.server().observer().socketConnected(this);
    for (Consumer<SocketIoSocket> l : nsp.connectionListenerChain()) {
      try {
        l.accept(this);
      } catch (Throwable t) {
        client.server().reportError(this, t);
      }
    }
  }

  void onPacket(SioPacket p) {
    switch (p.type()) {
      case EVENT, BINARY_EVENT -> onEvent(p);
      case ACK, BINARY_ACK -> {
        PendingAck pending = acks.remove(p.id());
        if (pending != null) {
          client.server().observer().ackAnswered(this);
          pending.timer.cancel();
          pending.future.complete((ArrayNode) p.data());
        }
      }
      case DISCONNECT -> onClose(SocketIoDisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
      default -> client.protocolError("unexpected " + p.type() + " from the client");
    }
  }

  private void onEvent(SioPacket p) {
    ArrayNode data = (ArrayNode) p.data();
    String event = data.get(0).stringValue();
    ArrayNode args = JsonNodeFactory.instance.arrayNode(data.size() - 1);
    for (int i = 1; i < data.size(); i++) {
      args.add(data.get(i));
    }
    Ack ack = p.hasId() ? new IncomingAck(p.id()) : NO_ACK;
    client.server().observer().eventIn(this, event);
    for (AnyListener l : anyListeners) {
      try {
        l.onEvent(event, args);
      } catch (Throwable t) {
        client.server().reportError(this, t);
      }
    }
    List<EventListener> forEvent = listeners.get(event);
    if (forEvent != null) {
      for (EventListener l : forEvent) {
        try {
          l.onEvent(args, ack);
        } catch (Throwable t) {
          client.server().reportError(this, t);
        }
      }
    }
  }

  /** Leaves: disconnecting listeners, rooms, registrations, pending acks, then disconnect listeners. */
  void onClose(SocketIoDisconnectReason reason) {
    if (state == 2) {
      return;
    }
    boolean wasConnected = state == 1;
    if (wasConnected) {
      client.server().observer().socketDisconnected(this, reason);
      fire(disconnecting, reason);
    }
    state = 2;
    nsp.adapter().delAll(id);
    nsp.socketMap().remove(id, this);
    client.removed(this);
    List<PendingAck> pending = new ArrayList<>(acks.values());
    acks.clear();
    for (PendingAck p : pending) {
      p.timer.cancel();
      p.future.completeExceptionally(
          new IllegalStateException("socket disconnected: " + reason.wireName()));
    }
    if (wasConnected) {
      fire(disconnected, reason);
    }
  }

  private void fire(
      List<Consumer<SocketIoDisconnectReason>> list, SocketIoDisconnectReason reason) {
    for (Consumer<SocketIoDisconnectReason> l : list) {
      try {
        l.accept(reason);
      } catch (Throwable t) {
        client.server().reportError(this, t);
      }
    }
  }

  static void checkEventName(String event) {
    Objects.requireNonNull(event, "event");
    if (SioDecoder.RESERVED_EVENTS.contains(event)) {
      throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
    }
  }

  private static final Ack NO_ACK =
      new Ack() {
        @Override
        public boolean isRequested() {
          return false;
        }

        @Override
        public void send(Object... args) {}
      };

  private final class IncomingAck implements Ack {
    private final long ackId;
    private final AtomicBoolean sent = new AtomicBoolean();

    IncomingAck(long ackId) {
      this.ackId = ackId;
    }

    @Override
    public boolean isRequested() {
      return true;
    }

    @Override
    public void send(Object... args) {
      if (!sent.compareAndSet(false, true)) {
        throw new IllegalStateException("ack " + ackId + " was already sent");
      }
      if (connected()) {
        client.send(SioPacket.ack(nsp.name(), ackId, Args.list(args)));
      }
    }
  }

  @Override
  public String toString() {
    return "SocketIoSocket{" + id + " " + LogText.of(nsp.name()) + "}";
  }

  /** For the v4 CONNECT_ERROR rule. */
  static JsonNode text(String s) {
    return JsonNodeFactory.instance.stringNode(s);
  }
}
