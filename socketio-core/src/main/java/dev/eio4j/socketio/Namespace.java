package dev.eio4j.socketio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One namespace: its connection middlewares and listeners, its connected sockets and its rooms. Obtain
 * with {@link SocketIoServer#of(String)}, or as a child of a {@link DynamicNamespace}. Thread-safe.
 */
public final class Namespace {
  private final SocketIoServer server;
  private final String name;
  private final DynamicNamespace group;
  private final InMemoryAdapter adapter = new InMemoryAdapter();
  private final Map<String, SocketIoSocket> sockets = new ConcurrentHashMap<>();
  private final List<Middleware> middlewares = new CopyOnWriteArrayList<>();
  private final List<Consumer<SocketIoSocket>> connectionListeners = new CopyOnWriteArrayList<>();

  /** Sockets connecting or connected; guarded by the server's namespace lock. */
  int members;

  Namespace(SocketIoServer server, String name, DynamicNamespace group) {
    this.server = server;
    this.name = name;
    this.group = group;
    server.observer().namespaceCreated(this);
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

  /** The rooms of this namespace. */
  public InMemoryAdapter adapter() {
    return adapter;
  }

  /** The sockets in {@code room}. */
  public BroadcastOperator to(String room) {
    return new BroadcastOperator(this, Set.of(room), Set.of());
  }

  /** Same as {@link #to}. */
  public BroadcastOperator in(String room) {
    return to(room);
  }

  /** Every socket but those in {@code room}. */
  public BroadcastOperator except(String room) {
    return new BroadcastOperator(this, Set.of(), Set.of(room));
  }

  /** Sends an event to every connected socket; returns how many queued it. */
  public int emit(String event, Object... args) {
    return new BroadcastOperator(this, Set.of(), Set.of()).emit(event, args);
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
