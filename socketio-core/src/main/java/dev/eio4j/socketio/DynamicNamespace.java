package dev.eio4j.socketio;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Namespaces created on demand: a CONNECT to a name that no static namespace has and that {@link
 * #matches} creates a child {@link Namespace} of that name. The middlewares and connection listeners
 * added here apply to every child (before the child's own), including those added after the child was
 * created. A child is removed once its last socket has left, so clients cannot make the server keep
 * namespaces without sockets.
 */
public final class DynamicNamespace {
  private final Predicate<String> matcher;
  private final String description;
  private final List<Namespace.Middleware> middlewares = new CopyOnWriteArrayList<>();
  private final List<Consumer<SocketIoSocket>> connectionListeners = new CopyOnWriteArrayList<>();

  DynamicNamespace(Predicate<String> matcher, String description) {
    this.matcher = matcher;
    this.description = description;
  }

  /** True when a CONNECT to {@code name} creates a child. */
  public boolean matches(String name) {
    return matcher.test(name);
  }

  /** How it was made: {@code /<pattern>/} for a pattern, {@code predicate} for a predicate. */
  public String description() {
    return description;
  }

  /** Adds a connection middleware for every child. */
  public DynamicNamespace use(Namespace.Middleware middleware) {
    middlewares.add(Objects.requireNonNull(middleware, "middleware"));
    return this;
  }

  /** Adds a connection listener for every child; {@link SocketIoSocket#namespace()} tells which. */
  public DynamicNamespace onConnection(Consumer<SocketIoSocket> listener) {
    connectionListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  List<Namespace.Middleware> middlewares() {
    return middlewares;
  }

  List<Consumer<SocketIoSocket>> connectionListeners() {
    return connectionListeners;
  }

  @Override
  public String toString() {
    return "DynamicNamespace{" + description + "}";
  }
}
