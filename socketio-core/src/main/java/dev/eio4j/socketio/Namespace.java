package dev.eio4j.socketio;

import dev.eio4j.socketio.parser.SioPacket;
import dev.eio4j.socketio.spi.Adapter;
import dev.eio4j.socketio.spi.AdapterContext;
import dev.eio4j.socketio.spi.BroadcastOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One namespace: its connection middlewares and listeners, its connected sockets and its rooms. Obtain
 * with {@link SocketIoServer#of(String)}, or as a child of a {@link DynamicNamespace}. Thread-safe.
 */
public final class Namespace {
  private final SocketIoServer server;
  private final String name;
  private final DynamicNamespace group;
  private final InMemoryAdapter local;
  private final Adapter adapter;
  private final Map<String, List<ServerSideListener>> serverSideListeners =
      new ConcurrentHashMap<>();

  /** Ack ids of this namespace: a socket's own acks and broadcast acks share it, so they never clash. */
  private final AtomicLong nextAckId = new AtomicLong();

  private final Map<String, SocketIoSocket> sockets = new ConcurrentHashMap<>();
  private final List<Middleware> middlewares = new CopyOnWriteArrayList<>();
  private final List<Consumer<SocketIoSocket>> connectionListeners = new CopyOnWriteArrayList<>();

  /** Sockets connecting or connected; guarded by the server's namespace lock. */
  int members;

  Namespace(SocketIoServer server, String name, DynamicNamespace group) {
    this.server = server;
    this.name = name;
    this.group = group;
    this.local = new InMemoryAdapter(this);
    this.adapter =
        Objects.requireNonNull(
            server.options().adapter().create(new Context()), "the adapter factory returned null");
    server.observer().namespaceCreated(this);
  }

  /**
   * A listener for events other servers send with {@link #serverSideEmit} (never called for this
   * server's own).
   */
  @FunctionalInterface
  public interface ServerSideListener {
    /**
     * @param args the arguments after the event name
     * @param ack the answer handle, when the sender used {@link #serverSideEmitWithAck}: only the first
     *     argument of {@link Ack#send} is sent back
     */
    void onEvent(ArrayNode args, Ack ack) throws Exception;
  }

  /**
   * A connection middleware: runs for each CONNECT, in the order added (a dynamic namespace's own first),
   * on the connection's order. Accept by returning null or a stage that completes normally; refuse by
   * throwing, or completing exceptionally with, a {@link ConnectError}. Any other failure refuses with
   * {@code "Server error"} and is reported to the error hook.
   */
  @FunctionalInterface
  public interface Middleware {
    /** Checks {@code socket} (not connected yet: it can read its handshake and fill its data). */
    CompletionStage<?> handle(SocketIoSocket socket);
  }

  /** The name, e.g. {@code "/"} or {@code "/chat"}. */
  public String name() {
    return name;
  }

  /** The server. */
  public SocketIoServer server() {
    return server;
  }

  /** The dynamic namespace this one was created for, or null. */
  public DynamicNamespace parent() {
    return group;
  }

  /** Adds a connection middleware. */
  public Namespace use(Middleware middleware) {
    middlewares.add(Objects.requireNonNull(middleware, "middleware"));
    return this;
  }

  /**
   * Adds a listener for sockets that joined: it runs after the CONNECT reply has been queued and before
   * the socket's first event, so listeners it registers miss nothing.
   */
  public Namespace onConnection(Consumer<SocketIoSocket> listener) {
    connectionListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** The connected sockets by id (a read-only live view). */
  public Map<String, SocketIoSocket> sockets() {
    return Collections.unmodifiableMap(sockets);
  }

  /** The adapter: the rooms of this namespace and the way to its sockets (see {@link Adapter}). */
  public Adapter adapter() {
    return adapter;
  }

  /** Every socket of the namespace, as a {@link BroadcastOperator} to narrow or flag. */
  public BroadcastOperator broadcast() {
    return new BroadcastOperator(this, BroadcastOptions.all());
  }

  /** The sockets in {@code room}. */
  public BroadcastOperator to(String room) {
    return broadcast().to(room);
  }

  /** Same as {@link #to}. */
  public BroadcastOperator in(String room) {
    return to(room);
  }

  /** Every socket but those in {@code room}. */
  public BroadcastOperator except(String room) {
    return broadcast().except(room);
  }

  /** The sockets in any of {@code rooms} (each reached once). */
  public BroadcastOperator to(Collection<String> rooms) {
    return broadcast().to(rooms);
  }

  /** Same as {@link #to(Collection)}. */
  public BroadcastOperator in(Collection<String> rooms) {
    return to(rooms);
  }

  /** Every socket but those in any of {@code rooms}. */
  public BroadcastOperator except(Collection<String> rooms) {
    return broadcast().except(rooms);
  }

  /** Every socket of this server only (see {@link BroadcastOperator#local()}). */
  public BroadcastOperator local() {
    return broadcast().local();
  }

  /** Every socket, dropped for the slow ones (see {@link BroadcastOperator#asVolatile()}). */
  public BroadcastOperator asVolatile() {
    return broadcast().asVolatile();
  }

  /** Every socket, with the compress flag (see {@link BroadcastOperator#compress(boolean)}). */
  public BroadcastOperator compress(boolean compress) {
    return broadcast().compress(compress);
  }

  /** Every socket, with a timeout for {@link BroadcastOperator#emitWithAck}. */
  public BroadcastOperator timeout(Duration timeout) {
    return broadcast().timeout(timeout);
  }

  /** Sends an event to every connected socket; returns how many of this server's queued it. */
  public int emit(String event, Object... args) {
    return broadcast().emit(event, args);
  }

  /** The sockets of the namespace, on every server (see {@link BroadcastOperator#fetchSockets()}). */
  public CompletableFuture<List<RemoteSocket>> fetchSockets() {
    return broadcast().fetchSockets();
  }

  /** Every socket joins {@code room}. */
  public CompletableFuture<Void> socketsJoin(String room) {
    return broadcast().socketsJoin(room);
  }

  /** Every socket leaves {@code room}. */
  public CompletableFuture<Void> socketsLeave(String room) {
    return broadcast().socketsLeave(room);
  }

  /** Every socket is disconnected; with {@code close}, their connections too. */
  public CompletableFuture<Void> disconnectSockets(boolean close) {
    return broadcast().disconnectSockets(close);
  }

  /**
   * Sends an event to this namespace on every other server (their {@link #onServerSideEmit}
   * listeners); with the in-memory adapter there is none, so it goes nowhere.
   *
   * @throws IllegalArgumentException for a reserved event name
   */
  public void serverSideEmit(String event, Object... args) {
    SocketIoSocket.checkEventName(event);
    adapter.serverSideEmit(Args.event(event, args));
  }

  /**
   * Sends an event to this namespace on every other server and collects one answer from each; fails
   * with a {@link java.util.concurrent.TimeoutException} after the adapter's request timeout. With the
   * in-memory adapter: an empty list at once.
   *
   * @throws IllegalArgumentException for a reserved event name
   */
  public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(String event, Object... args) {
    SocketIoSocket.checkEventName(event);
    return adapter.serverSideEmitWithAck(Args.event(event, args)).toCompletableFuture();
  }

  /** Adds a listener for {@code event} sent by other servers with {@link #serverSideEmit}. */
  public Namespace onServerSideEmit(String event, ServerSideListener listener) {
    SocketIoSocket.checkEventName(event);
    Objects.requireNonNull(listener, "listener");
    serverSideListeners.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(listener);
    return this;
  }

  /** How many servers share this namespace (1 with the in-memory adapter). */
  public CompletableFuture<Integer> serverCount() {
    return adapter.serverCount().toCompletableFuture();
  }

  InMemoryAdapter localAdapter() {
    return local;
  }

  long nextAckId() {
    return nextAckId.getAndIncrement() & SioPacket.MAX_ID;
  }

  /** An event from another server: to the listeners of its name; errors go to the error hook. */
  void serverSideEmitReceived(ArrayNode eventAndArgs, Consumer<JsonNode> reply) {
    if (eventAndArgs == null || eventAndArgs.isEmpty() || !eventAndArgs.get(0).isString()) {
      server.reportError(null, new IllegalArgumentException("server-side emit without event name"));
      return;
    }
    String event = eventAndArgs.get(0).stringValue();
    List<ServerSideListener> list = serverSideListeners.get(event);
    if (list == null) {
      return;
    }
    ArrayNode args = JsonNodeFactory.instance.arrayNode(eventAndArgs.size() - 1);
    for (int i = 1; i < eventAndArgs.size(); i++) {
      args.add(eventAndArgs.get(i));
    }
    Ack ack = reply == null ? NO_REPLY : new ServerSideAck(reply);
    for (ServerSideListener l : list) {
      try {
        l.onEvent(args, ack);
      } catch (Throwable t) {
        server.reportError(null, t);
      }
    }
  }

  private static final Ack NO_REPLY =
      new Ack() {
        @Override
        public boolean isRequested() {
          return false;
        }

        @Override
        public void send(Object... args) {}
      };

  /** Answers one server-side emit: the first argument, once. */
  private static final class ServerSideAck implements Ack {
    private final Consumer<JsonNode> reply;
    private final AtomicBoolean sent = new AtomicBoolean();

    ServerSideAck(Consumer<JsonNode> reply) {
      this.reply = reply;
    }

    @Override
    public boolean isRequested() {
      return true;
    }

    @Override
    public void send(Object... args) {
      if (!sent.compareAndSet(false, true)) {
        throw new IllegalStateException("this server-side emit was already answered");
      }
      reply.accept(args.length == 0 ? JsonNodeFactory.instance.nullNode() : Args.toNode(args[0]));
    }
  }

  /** What the adapter factory is given. */
  private final class Context implements AdapterContext {
    @Override
    public String namespace() {
      return name;
    }

    @Override
    public Adapter local() {
      return local;
    }

    @Override
    public void serverSideEmitReceived(ArrayNode eventAndArgs, Consumer<JsonNode> reply) {
      Namespace.this.serverSideEmitReceived(eventAndArgs, reply);
    }
  }

  Map<String, SocketIoSocket> socketMap() {
    return sockets;
  }

  List<Middleware> middlewareChain() {
    if (group == null) {
      return middlewares;
    }
    List<Middleware> all = new ArrayList<>(group.middlewares());
    all.addAll(middlewares);
    return all;
  }

  List<Consumer<SocketIoSocket>> connectionListenerChain() {
    if (group == null) {
      return connectionListeners;
    }
    List<Consumer<SocketIoSocket>> all = new ArrayList<>(group.connectionListeners());
    all.addAll(connectionListeners);
    return all;
  }

  @Override
  public String toString() {
    return "Namespace{" + LogText.of(name) + "}";
  }
}
