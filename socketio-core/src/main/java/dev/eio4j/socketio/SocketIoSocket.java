package dev.eio4j.socketio;

import dev.eio4j.EngineIoSocket;
import dev.eio4j.socketio.parser.SioDecoder;
import dev.eio4j.socketio.parser.SioEncoder;
import dev.eio4j.socketio.parser.SioPacket;
import dev.eio4j.socketio.parser.SioPacketType;
import dev.eio4j.socketio.spi.BroadcastOptions;
import dev.eio4j.socketio.spi.SocketDetails;
import dev.eio4j.spi.Cancellable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One client in one namespace. A connection (one Engine.IO socket) has at most one socket per namespace.
 *
 * <p><b>Threading.</b> Events of one connection, its acks and its timeouts are delivered one at a time,
 * in order; listeners of different connections run concurrently. Every method may be called from any
 * thread; sending only queues (see {@link EngineIoSocket#send(String)}) and never blocks.
 *
 * <p><b>Arguments.</b> Incoming arguments are Jackson trees ({@code byte[]} attachments as binary
 * nodes: {@code args.get(i).binaryValue()}), or Java values bound by Jackson for the typed forms of
 * {@link #on(String, Class, TypedListener) on}; outgoing ones may be trees, {@code byte[]}, {@code
 * ByteBuffer} or any value Jackson maps to JSON (records and POJOs included: their {@code byte[]} and
 * {@code ByteBuffer} fields travel as binary attachments).
 *
 * <p><b>Incoming events</b> go through, in order: the {@link #onAny} listeners (as in Node, before the
 * packet middlewares, so they see refused events too), the {@link #use packet middlewares}, then the
 * listeners of the event's name. A listener or middleware that throws is reported to {@link
 * SocketIoServer#onError} and counted in {@link SocketIoServer#listenerErrors()}; the connection stays.
 */
public final class SocketIoSocket {
  /**
   * The answer a client gets when it asked for an ack and its arguments do not bind to a typed
   * listener's types: {@code [{"error":"invalid arguments"}]}.
   */
  public static final String BINDING_ERROR_ANSWER = "invalid arguments";

  /**
   * How many events one socket keeps waiting while a packet middleware has not called {@code next}; one
   * more is dropped and reported to the error hook.
   */
  public static final int MAX_HELD_EVENTS = 1000;

  /** A listener for one event name. */
  @FunctionalInterface
  public interface EventListener {
    /**
     * @param args the arguments after the event name
     * @param ack the answer handle ({@link Ack#isRequested()} false when the client asked for none)
     */
    void onEvent(ArrayNode args, Ack ack) throws Exception;
  }

  /** A listener for one event name whose first argument is bound to a Java type. */
  @FunctionalInterface
  public interface TypedListener<T> {
    /**
     * @param value the first argument, bound by Jackson (null when the client sent none, or null)
     * @param ack the answer handle
     */
    void onEvent(T value, Ack ack) throws Exception;
  }

  /** A listener for one event name whose first two arguments are bound to Java types. */
  @FunctionalInterface
  public interface TypedListener2<A, B> {
    /**
     * @param first the first argument, bound by Jackson
     * @param second the second argument, bound by Jackson
     * @param ack the answer handle
     */
    void onEvent(A first, B second, Ack ack) throws Exception;
  }

  /** A listener for every incoming (or, with {@link #onAnyOutgoing}, outgoing) event. */
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

  /** A registered event listener: what the application passed, and how it is called. */
  private record Registered(Object original, EventListener invoker) {}

  private final Client client;
  private final Namespace nsp;
  private final String id;
  private final Handshake handshake;
  private final Map<String, List<Registered>> listeners = new ConcurrentHashMap<>();
  private final List<AnyListener> anyListeners = new CopyOnWriteArrayList<>();
  private final List<AnyListener> anyOutgoingListeners = new CopyOnWriteArrayList<>();
  private final List<PacketMiddleware> middlewares = new CopyOnWriteArrayList<>();
  private final List<Consumer<Throwable>> errorListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<SocketIoDisconnectReason>> disconnecting =
      new CopyOnWriteArrayList<>();
  private final List<Consumer<SocketIoDisconnectReason>> disconnected =
      new CopyOnWriteArrayList<>();
  private final Map<Long, PendingAck> acks = new ConcurrentHashMap<>();

  /** Answers awaited for broadcasts with acks (their ids come from the namespace, as {@link #acks}'). */
  private final Map<Long, BroadcastAck> broadcastAcks = new ConcurrentHashMap<>();

  private final Map<String, Object> data = new ConcurrentHashMap<>();

  /** Events waiting for a packet middleware that has not called next yet; the connection's order only. */
  private final ArrayDeque<EventPacket> held = new ArrayDeque<>();

  /** True while a packet middleware runs asynchronously; the connection's order only. */
  private boolean holding;

  /** 0 connecting, 1 connected, 2 gone; written on the connection's order only. */
  private volatile int state;

  // connection state recovery (v5 with recovery on; see RecoveryStore)
  /** The private session id sent in the CONNECT reply; null when this socket cannot recover. */
  volatile String pid;

  /** The session this socket took over; null for a new session. */
  volatile RecoveryStore.Restored restored;

  /** The last event number when this socket was registered (written under the store's monitor). */
  long startSeq;

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

  /**
   * True when this socket took over the session of one that dropped (connection state recovery): same
   * id, rooms and data, and the events it missed were sent after the CONNECT reply.
   */
  public boolean recovered() {
    return restored != null;
  }

  /** True from the CONNECT reply until the socket leaves its namespace. */
  public boolean connected() {
    return state == 1;
  }

  // ------------------------------------------------------------------ listeners

  /**
   * Adds a listener for {@code event}.
   *
   * @throws IllegalArgumentException for a reserved name ({@code connect}, {@code disconnect}, ...): use
   *     {@link #onDisconnect} and {@link Namespace#onConnection}
   */
  public SocketIoSocket on(String event, EventListener listener) {
    Objects.requireNonNull(listener, "listener");
    return register(event, listener, listener);
  }

  /**
   * Adds a listener for {@code event} that gets its first argument bound to {@code type} by Jackson,
   * e.g. {@code socket.on("move", Move.class, (move, ack) -> ..)}. A {@code byte[]} or {@code
   * ByteBuffer} anywhere in the type is filled from the binary attachment at that place. When the
   * argument does not bind, the listener is not called, an {@link ArgumentBindingException} goes to the
   * server's error hook, and a client that asked for an ack gets {@code [{"error":"invalid arguments"}]}
   * (see {@link #BINDING_ERROR_ANSWER}).
   */
  public <T> SocketIoSocket on(String event, Class<T> type, TypedListener<T> listener) {
    return on(event, Args.type(Objects.requireNonNull(type, "type")), listener);
  }

  /** As {@link #on(String, Class, TypedListener)}, for generic types ({@code new TypeReference<List<Move>>() {}}). */
  public <T> SocketIoSocket on(String event, TypeReference<T> type, TypedListener<T> listener) {
    return on(event, Args.type(Objects.requireNonNull(type, "type")), listener);
  }

  /**
   * As {@link #on(String, Class, TypedListener)}, for a Jackson {@link JavaType} (the caller makes sure
   * that {@code T} matches it).
   */
  public <T> SocketIoSocket on(String event, JavaType type, TypedListener<T> listener) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(listener, "listener");
    return register(
        event,
        listener,
        (args, ack) -> {
          T value;
          try {
            value = Args.bind(args, 0, type, event);
          } catch (ArgumentBindingException e) {
            bindingFailed(e, ack);
            return;
          }
          listener.onEvent(value, ack);
        });
  }

  /** As {@link #on(String, Class, TypedListener)}, binding the first two arguments. */
  public <A, B> SocketIoSocket on(
      String event, Class<A> first, Class<B> second, TypedListener2<A, B> listener) {
    JavaType a = Args.type(Objects.requireNonNull(first, "first"));
    JavaType b = Args.type(Objects.requireNonNull(second, "second"));
    Objects.requireNonNull(listener, "listener");
    return register(
        event,
        listener,
        (args, ack) -> {
          A va;
          B vb;
          try {
            va = Args.bind(args, 0, a, event);
            vb = Args.bind(args, 1, b, event);
          } catch (ArgumentBindingException e) {
            bindingFailed(e, ack);
            return;
          }
          listener.onEvent(va, vb, ack);
        });
  }

  private SocketIoSocket register(String event, Object original, EventListener invoker) {
    checkEventName(event);
    listeners
        .computeIfAbsent(event, e -> new CopyOnWriteArrayList<>())
        .add(new Registered(original, invoker));
    return this;
  }

  /** Removes every listener of {@code event} (Node's {@code removeAllListeners(event)}). */
  public SocketIoSocket off(String event) {
    listeners.remove(Objects.requireNonNull(event, "event"));
    return this;
  }

  /**
   * Removes one listener of {@code event}: the object passed to {@code on} (typed or not); the last one
   * added when it was added twice.
   */
  public SocketIoSocket off(String event, Object listener) {
    List<Registered> list = listeners.get(Objects.requireNonNull(event, "event"));
    if (list != null) {
      for (int i = list.size() - 1; i >= 0; i--) {
        Registered r = list.get(i);
        if (r.original() == listener && list.remove(r)) {
          break;
        }
      }
    }
    return this;
  }

  /** The listeners of {@code event}, as passed to {@code on}, in order (a copy). */
  public List<Object> listeners(String event) {
    List<Registered> list = listeners.get(Objects.requireNonNull(event, "event"));
    if (list == null) {
      return List.of();
    }
    List<Object> out = new ArrayList<>(list.size());
    for (Registered r : list) {
      out.add(r.original());
    }
    return Collections.unmodifiableList(out);
  }

  /** Adds a listener for every incoming event, called before the packet middlewares and listeners. */
  public SocketIoSocket onAny(AnyListener listener) {
    anyListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Removes every {@link #onAny} listener. */
  public SocketIoSocket offAny() {
    anyListeners.clear();
    return this;
  }

  /** Removes one {@link #onAny} listener. */
  public SocketIoSocket offAny(AnyListener listener) {
    anyListeners.remove(listener);
    return this;
  }

  /** The {@link #onAny} listeners (a copy). */
  public List<AnyListener> listenersAny() {
    return List.copyOf(anyListeners);
  }

  /**
   * Adds a listener for every event this socket emits ({@link #emit}, {@link #emitWithAck} and their
   * flagged forms), called on the emitting thread before the packet is queued, with the arguments as
   * JSON trees. Broadcasts and ack answers are not included.
   */
  public SocketIoSocket onAnyOutgoing(AnyListener listener) {
    anyOutgoingListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Removes every {@link #onAnyOutgoing} listener. */
  public SocketIoSocket offAnyOutgoing() {
    anyOutgoingListeners.clear();
    return this;
  }

  /** Removes one {@link #onAnyOutgoing} listener. */
  public SocketIoSocket offAnyOutgoing(AnyListener listener) {
    anyOutgoingListeners.remove(listener);
    return this;
  }

  /** The {@link #onAnyOutgoing} listeners (a copy). */
  public List<AnyListener> listenersAnyOutgoing() {
    return List.copyOf(anyOutgoingListeners);
  }

  /**
   * Adds a per-packet middleware: it runs for each incoming event, after the ones added before, ahead of
   * the event's listeners. See {@link PacketMiddleware}.
   */
  public SocketIoSocket use(PacketMiddleware middleware) {
    middlewares.add(Objects.requireNonNull(middleware, "middleware"));
    return this;
  }

  /**
   * Adds a listener for this socket's errors: the refusals of its {@link #use packet middlewares} (Node
   * emits {@code "error"} on the server-side socket). Without one, refusals go to the server's error
   * hook.
   */
  public SocketIoSocket onError(Consumer<Throwable> listener) {
    errorListeners.add(Objects.requireNonNull(listener, "listener"));
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
   * Removes every listener: those of {@link #on}, {@link #onAny}, {@link #onAnyOutgoing}, {@link
   * #onError}, {@link #onDisconnecting} and {@link #onDisconnect}. Packet middlewares stay.
   */
  public SocketIoSocket removeAllListeners() {
    listeners.clear();
    anyListeners.clear();
    anyOutgoingListeners.clear();
    errorListeners.clear();
    disconnecting.clear();
    disconnected.clear();
    return this;
  }

  // ------------------------------------------------------------------ emitting

  /**
   * Sends an event to this client.
   *
   * @return true when it was queued
   * @throws IllegalArgumentException for a reserved event name
   */
  public boolean emit(String event, Object... args) {
    return send(event, args, false);
  }

  /**
   * Sends an event that asks for an answer. The future completes with the answer's arguments, or
   * exceptionally with a {@link TimeoutException} ("operation has timed out") when none came within
   * {@code timeout}, or with an {@link IllegalStateException} when the socket left first. Either way the
   * pending entry is gone when the future completes, and a late answer is dropped. The future completes on
   * the connection's thread: do not block in its callbacks.
   */
  public CompletableFuture<ArrayNode> emitWithAck(Duration timeout, String event, Object... args) {
    return sendWithAck(timeout, event, args, false);
  }

  /**
   * As {@link #emitWithAck(Duration, String, Object...)}, with the answer's first argument bound to
   * {@code type}; an answer that does not bind fails the future with an {@link
   * ArgumentBindingException}.
   */
  public <T> CompletableFuture<T> emitWithAck(
      Duration timeout, Class<T> type, String event, Object... args) {
    JavaType t = Args.type(Objects.requireNonNull(type, "type"));
    return sendWithAck(timeout, event, args, false).thenApply(a -> Args.<T>bind(a, 0, t, null));
  }

  /** As {@link #emitWithAck(Duration, Class, String, Object...)}, for generic types. */
  public <T> CompletableFuture<T> emitWithAck(
      Duration timeout, TypeReference<T> type, String event, Object... args) {
    JavaType t = Args.type(Objects.requireNonNull(type, "type"));
    return sendWithAck(timeout, event, args, false).thenApply(a -> Args.<T>bind(a, 0, t, null));
  }

  /** An emitter whose {@code emitWithAck} waits at most {@code timeout} (Node's {@code socket.timeout}). */
  public Emitter timeout(Duration timeout) {
    return new Emitter(this, null, false, true).timeout(timeout);
  }

  /**
   * An emitter that drops its events when the connection cannot take them now (Node's {@code
   * socket.volatile}): see {@link Emitter#asVolatile()}.
   */
  public Emitter asVolatile() {
    return new Emitter(this, null, true, true);
  }

  /** An emitter with Node's {@code compress} flag: see {@link Emitter#compress(boolean)}. */
  public Emitter compress(boolean compress) {
    return new Emitter(this, null, false, compress);
  }

  /** How many {@link #emitWithAck} answers are outstanding. */
  public int pendingAcks() {
    return acks.size();
  }

  /**
   * Emit flags for one socket, as an immutable value: each method returns a new emitter, so one can be
   * kept and reused. Obtain with {@link SocketIoSocket#timeout}, {@link SocketIoSocket#asVolatile} or
   * {@link SocketIoSocket#compress}.
   */
  public static final class Emitter {
    private final SocketIoSocket socket;
    private final Duration timeout;
    private final boolean volatileFlag;
    private final boolean compress;

    private Emitter(
        SocketIoSocket socket, Duration timeout, boolean volatileFlag, boolean compress) {
      this.socket = socket;
      this.timeout = timeout;
      this.volatileFlag = volatileFlag;
      this.compress = compress;
    }

    /** This emitter with {@code timeout} for its acks. */
    public Emitter timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must not be negative");
      }
      return new Emitter(socket, timeout, volatileFlag, compress);
    }

    /**
     * This emitter, dropping each event that the connection cannot take now: when the Engine.IO socket is
     * not {@link EngineIoSocket#isWritable() writable} (its send buffer is above the low-water mark, or
     * it is closing), the event is not queued ({@code emit} returns false, {@code emitWithAck} fails at
     * once with an {@link IllegalStateException}).
     */
    public Emitter asVolatile() {
      return new Emitter(socket, timeout, true, compress);
    }

    /**
     * This emitter with Node's {@code compress} flag. Accepted without effect: the engine has no
     * per-message compression switch (WebSocket permessage-deflate and HTTP compression are configured
     * on the engine for all messages).
     */
    public Emitter compress(boolean compress) {
      return new Emitter(socket, timeout, volatileFlag, compress);
    }

    /** The ack timeout, or null when none was set. */
    public Duration timeout() {
      return timeout;
    }

    /** Whether events are dropped when the connection cannot take them now. */
    public boolean isVolatile() {
      return volatileFlag;
    }

    /** The compress flag (default true; without effect, see {@link #compress(boolean)}). */
    public boolean isCompress() {
      return compress;
    }

    /**
     * Sends an event (the timeout is not used: nothing is awaited).
     *
     * @return true when it was queued
     */
    public boolean emit(String event, Object... args) {
      return socket.send(event, args, volatileFlag);
    }

    /**
     * Sends an event that asks for an answer within this emitter's timeout; see {@link
     * SocketIoSocket#emitWithAck(Duration, String, Object...)}.
     *
     * @throws IllegalStateException when no timeout was set (an answer that never comes would be kept
     *     until the socket leaves)
     */
    public CompletableFuture<ArrayNode> emitWithAck(String event, Object... args) {
      return socket.sendWithAck(requireTimeout(), event, args, volatileFlag);
    }

    /** As {@link #emitWithAck(String, Object...)}, with the answer's first argument bound to {@code type}. */
    public <T> CompletableFuture<T> emitWithAck(Class<T> type, String event, Object... args) {
      JavaType t = Args.type(Objects.requireNonNull(type, "type"));
      return socket
          .sendWithAck(requireTimeout(), event, args, volatileFlag)
          .thenApply(a -> Args.<T>bind(a, 0, t, null));
    }

    /** As {@link #emitWithAck(Class, String, Object...)}, for generic types. */
    public <T> CompletableFuture<T> emitWithAck(
        TypeReference<T> type, String event, Object... args) {
      JavaType t = Args.type(Objects.requireNonNull(type, "type"));
      return socket
          .sendWithAck(requireTimeout(), event, args, volatileFlag)
          .thenApply(a -> Args.<T>bind(a, 0, t, null));
    }

    private Duration requireTimeout() {
      if (timeout == null) {
        throw new IllegalStateException("emitWithAck needs a timeout: use timeout(Duration) first");
      }
      return timeout;
    }

    @Override
    public String toString() {
      return "Emitter{"
          + socket
          + (timeout != null ? " timeout=" + timeout : "")
          + (volatileFlag ? " volatile" : "")
          + (compress ? "" : " compress=false")
          + "}";
    }
  }

  private boolean send(String event, Object[] args, boolean volatileFlag) {
    checkEventName(event);
    if (!connected()) {
      return false;
    }
    ArrayNode data = Args.event(event, args);
    notifyOutgoing(event, data);
    if (volatileFlag && !conn().isWritable()) {
      return false;
    }
    client.server().observer().eventOut(this, event);
    if (pid != null && !volatileFlag) { // connection state recovery: stored with an offset
      return client
              .server()
              .recovery()
              .emit(nsp.name(), Set.of(id), Set.of(), data, () -> List.of(this))
          > 0;
    }
    return client.send(SioPacket.event(nsp.name(), SioPacket.NO_ID, data));
  }

  private CompletableFuture<ArrayNode> sendWithAck(
      Duration timeout, String event, Object[] args, boolean volatileFlag) {
    checkEventName(event);
    Objects.requireNonNull(timeout, "timeout");
    CompletableFuture<ArrayNode> future = new CompletableFuture<>();
    if (!connected()) {
      future.completeExceptionally(new IllegalStateException("socket is not connected"));
      return future;
    }
    ArrayNode data = Args.event(event, args);
    notifyOutgoing(event, data);
    if (volatileFlag && !conn().isWritable()) {
      future.completeExceptionally(
          new IllegalStateException("volatile event dropped: the connection cannot take it now"));
      return future;
    }
    long ackId = nsp.nextAckId();
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
    if (!connected() || !client.send(SioPacket.event(nsp.name(), ackId, data))) {
      PendingAck p = acks.remove(ackId);
      if (p != null) {
        p.timer.cancel();
        p.future.completeExceptionally(
            new IllegalStateException("socket is not connected or cannot send"));
      }
    }
    return future;
  }

  private void notifyOutgoing(String event, ArrayNode data) {
    if (anyOutgoingListeners.isEmpty()) {
      return;
    }
    ArrayNode args = JsonNodeFactory.instance.arrayNode(data.size() - 1);
    for (int i = 1; i < data.size(); i++) {
      args.add(data.get(i));
    }
    for (AnyListener l : anyOutgoingListeners) {
      try {
        l.onEvent(event, args);
      } catch (Throwable t) {
        client.server().reportError(this, t);
      }
    }
  }

  // ------------------------------------------------------------------ rooms

  /** Joins {@code room} (nothing happens once the socket has left). */
  public SocketIoSocket join(String room) {
    Objects.requireNonNull(room, "room");
    if (state == 2) {
      return this;
    }
    nsp.adapter().addAll(id, Set.of(room));
    if (state == 2) {
      nsp.adapter().delAll(id); // left meanwhile: onClose set the state before its delAll
    }
    return this;
  }

  /** Leaves {@code room}. */
  public SocketIoSocket leave(String room) {
    nsp.adapter().del(id, Objects.requireNonNull(room, "room"));
    return this;
  }

  /** The rooms this socket is in (its own id room included). */
  public Set<String> rooms() {
    return nsp.adapter().socketRooms(id);
  }

  /** The other sockets in {@code room}. */
  public BroadcastOperator to(String room) {
    return broadcast().to(room);
  }

  /** Same as {@link #to}. */
  public BroadcastOperator in(String room) {
    return to(room);
  }

  /** The other sockets of the namespace, except those in {@code room}. */
  public BroadcastOperator except(String room) {
    return broadcast().except(room);
  }

  /** Every other socket of the namespace (on every server). */
  public BroadcastOperator broadcast() {
    return new BroadcastOperator(
        nsp, new BroadcastOptions(Set.of(), Set.of(id), BroadcastOptions.all().flags()));
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

  // ------------------------------------------------------------------ broadcasts (the adapter
  // side)

  /** An answer awaited for a broadcast. */
  private record BroadcastAck(Consumer<ArrayNode> onAnswer, Runnable onGone) {}

  /**
   * Sends a broadcast's encoded packet that carries ack id {@code ackId} and awaits this client's
   * answer. True when this client counts: the answer, or {@code onGone} if it leaves first, will come.
   */
  boolean sendForBroadcastAck(
      SioEncoder.Encoded encoded, long ackId, Consumer<ArrayNode> onAnswer, Runnable onGone) {
    if (!connected()) {
      return false;
    }
    BroadcastAck entry = new BroadcastAck(onAnswer, onGone);
    broadcastAcks.put(ackId, entry);
    if (!connected() || !client.send(encoded)) {
      // not sent; if onClose took the entry first, it reports the client gone, so it still counts
      return !broadcastAcks.remove(ackId, entry);
    }
    return true;
  }

  /** Stops awaiting the answer to broadcast ack {@code ackId} (timed out or complete). */
  void forgetBroadcastAck(long ackId) {
    broadcastAcks.remove(ackId);
  }

  /** How many broadcast answers this socket is awaited for. */
  int pendingBroadcastAcks() {
    return broadcastAcks.size();
  }

  /** This socket as {@link Namespace#fetchSockets} reports it. */
  SocketDetails details() {
    return new SocketDetails(id, HandshakeJson.of(handshake), rooms(), dataJson());
  }

  private JsonNode dataJson() {
    tools.jackson.databind.node.ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, Object> e : data.entrySet()) {
      try {
        o.set(e.getKey(), Args.toNode(e.getValue()));
      } catch (RuntimeException ex) {
        client.server().reportError(this, ex); // left out: Jackson cannot convert it
      }
    }
    return o;
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
    RecoveryStore.Restored back = restored;
    if (back != null) {
      for (String room : back.session().rooms()) {
        join(room);
      }
    }
    if (client.isV4()) {
      client.send(new SioPacket(SioPacketType.CONNECT, nsp.name(), SioPacket.NO_ID, null));
    } else {
      ObjectNode reply = JsonNodeFactory.instance.objectNode().put("sid", id);
      if (pid != null) {
        reply.put("pid", pid);
      }
      client.send(new SioPacket(SioPacketType.CONNECT, nsp.name(), SioPacket.NO_ID, reply));
    }
    Runnable register =
        () -> {
          state = 1;
          nsp.socketMap().put(id, this);
        };
    if (pid != null) { // connection state recovery: replay what it missed, then register
      client.server().recovery().register(this, back, register);
    } else {
      register.run();
    }
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
        } else {
          BroadcastAck b = broadcastAcks.remove(p.id());
          if (b != null) {
            b.onAnswer.accept((ArrayNode) p.data());
          }
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
    EventPacket packet = new EventPacket(event, args, ack);
    if (holding) {
      if (held.size() >= MAX_HELD_EVENTS) {
        client
            .server()
            .reportError(
                this,
                new IllegalStateException(
                    "event \""
                        + LogText.of(event)
                        + "\" dropped: "
                        + MAX_HELD_EVENTS
                        + " events already wait for a packet middleware"));
      } else {
        held.add(packet);
      }
      return;
    }
    process(packet);
  }

  /** Runs the packet middlewares, then the listeners; the connection's order only. */
  private void process(EventPacket packet) {
    if (middlewares.isEmpty()) {
      dispatch(packet);
    } else {
      runMiddlewares(packet, List.copyOf(middlewares), 0);
    }
  }

  private void runMiddlewares(EventPacket packet, List<PacketMiddleware> chain, int from) {
    for (int i = from; ; i++) {
      if (state != 1) {
        return; // left meanwhile: Node drops events received after the disconnection
      }
      if (i == chain.size()) {
        dispatch(packet);
        return;
      }
      CompletableFuture<Void> step = new CompletableFuture<>();
      PacketMiddleware.Next next =
          new PacketMiddleware.Next() {
            @Override
            public void proceed() {
              step.complete(null);
            }

            @Override
            public void fail(Throwable error) {
              step.completeExceptionally(Objects.requireNonNull(error, "error"));
            }
          };
      try {
        chain.get(i).handle(packet, next);
      } catch (Throwable t) {
        step.completeExceptionally(t);
        client.server().reportError(this, t);
        refused(t, false);
        return;
      }
      if (step.isDone()) {
        Throwable err = failure(step);
        if (err != null) {
          refused(err, true);
          return;
        }
        continue;
      }
      holding = true;
      int after = i + 1;
      step.whenComplete(
          (v, err) ->
              client
                  .queue()
                  .execute(
                      () -> {
                        holding = false;
                        if (err != null) {
                          refused(unwrap(err), true);
                        } else {
                          runMiddlewares(packet, chain, after);
                        }
                        EventPacket waiting;
                        while (!holding && state == 1 && (waiting = held.poll()) != null) {
                          process(waiting);
                        }
                      }));
      return;
    }
  }

  private static Throwable failure(CompletableFuture<Void> done) {
    try {
      done.join();
      return null;
    } catch (CompletionException e) {
      return unwrap(e);
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * A packet middleware refused: the socket's error listeners get it; without one, the server's error hook
   * does (unless it was reported already), without counting it as a listener error.
   */
  private void refused(Throwable error, boolean reportWhenUnheard) {
    if (errorListeners.isEmpty()) {
      if (reportWhenUnheard) {
        client.server().deliverError(this, error);
      }
      return;
    }
    for (Consumer<Throwable> l : errorListeners) {
      try {
        l.accept(error);
      } catch (Throwable t) {
        client.server().reportError(this, t);
      }
    }
  }

  private void dispatch(EventPacket packet) {
    List<Registered> forEvent = listeners.get(packet.event());
    if (forEvent == null) {
      return;
    }
    for (Registered r : forEvent) {
      try {
        r.invoker().onEvent(packet.args(), packet.ack());
      } catch (Throwable t) {
        client.server().reportError(this, t);
      }
    }
  }

  /** A typed listener's arguments did not bind: reported, and a requested ack is answered. */
  private void bindingFailed(ArgumentBindingException e, Ack ack) {
    client.server().reportError(this, e);
    if (ack instanceof IncomingAck incoming) {
      incoming.sendOnce(JsonNodeFactory.instance.objectNode().put("error", BINDING_ERROR_ANSWER));
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
    // connection state recovery: the session is kept once this socket is out of the namespace, so
    // that
    // a socket taking it over cannot be undone by this one leaving
    Set<String> keptRooms = wasConnected && pid != null ? rooms() : null;
    state = 2;
    held.clear();
    nsp.adapter().delAll(id);
    nsp.socketMap().remove(id, this);
    if (keptRooms != null) {
      client.server().recovery().persist(this, reason, keptRooms);
    }
    client.removed(this);
    List<PendingAck> pending = new ArrayList<>(acks.values());
    acks.clear();
    for (PendingAck p : pending) {
      p.timer.cancel();
      p.future.completeExceptionally(
          new IllegalStateException("socket disconnected: " + reason.wireName()));
    }
    for (Long ackId : List.copyOf(broadcastAcks.keySet())) {
      BroadcastAck b = broadcastAcks.remove(ackId);
      if (b != null) {
        b.onGone.run(); // this client will not answer: the broadcast stops waiting for it
      }
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
      if (!sendOnce(args)) {
        throw new IllegalStateException("ack " + ackId + " was already sent");
      }
    }

    /** Sends unless an answer was sent already; false then. */
    boolean sendOnce(Object... args) {
      if (!sent.compareAndSet(false, true)) {
        return false;
      }
      if (connected()) {
        client.send(SioPacket.ack(nsp.name(), ackId, Args.list(args)));
      }
      return true;
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
