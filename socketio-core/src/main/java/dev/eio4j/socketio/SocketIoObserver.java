package dev.eio4j.socketio;

/**
 * Receives the Socket.IO layer's operational events, for metrics: namespaces created and removed,
 * sockets connected and disconnected, events in and out, outgoing acks, broadcasts and listener
 * failures. Register one with {@link SocketIoOptions.Builder#observer(SocketIoObserver)};
 * {@code engineio-micrometer}'s {@code SocketIoMetrics} is one. Every method has an empty default, so
 * an implementation overrides only what it needs (the engine's counterpart is {@code
 * dev.eio4j.EngineObserver}).
 *
 * <p>Most calls are made on a connection's order (whichever thread runs it: an I/O thread, the
 * listener executor or the timer thread); {@link #broadcast}, {@link #eventOut} and {@link
 * #namespaceCreated} for a static namespace run on the thread that called the API. So an
 * implementation must be fast, thread-safe and must never block. An observer that throws is logged and
 * otherwise ignored: it cannot break the server.
 *
 * <p>Pairs: every {@link #namespaceCreated} of a dynamic child is followed by at most one {@link
 * #namespaceRemoved} (static namespaces are never removed); every {@link #socketConnected} by exactly
 * one {@link #socketDisconnected}; every {@link #ackPending} by at most one {@link #ackAnswered} or
 * {@link #ackTimedOut} (none when the socket leaves first or the send fails: {@link
 * SocketIoSocket#pendingAcks()} tells what is still pending).
 */
public interface SocketIoObserver {

  /** The observer that does nothing (what the server uses when none is set). */
  SocketIoObserver NOOP = new SocketIoObserver() {};

  /**
   * A server was built with options holding this observer (once per server, on the thread that
   * attaches it, after its main namespace exists). Lets an observer read live state later, e.g. the
   * sum of {@link SocketIoSocket#pendingAcks()} over {@link SocketIoServer#namespaces()}.
   */
  default void serverCreated(SocketIoServer server) {}

  /** A namespace was created: a static one by {@link SocketIoServer#of(String)}, or a dynamic child. */
  default void namespaceCreated(Namespace namespace) {}

  /** A dynamic child namespace was removed (its last socket left). */
  default void namespaceRemoved(Namespace namespace) {}

  /** A socket joined {@code socket.namespace()} (its CONNECT reply is queued). */
  default void socketConnected(SocketIoSocket socket) {}

  /** A connected socket left its namespace, for {@code reason}. */
  default void socketDisconnected(SocketIoSocket socket, SocketIoDisconnectReason reason) {}

  /** An event from the client reached {@code socket} (before its listeners run). */
  default void eventIn(SocketIoSocket socket, String event) {}

  /** An event is being sent to one socket ({@link SocketIoSocket#emit} or {@code emitWithAck}). */
  default void eventOut(SocketIoSocket socket, String event) {}

  /** The server asked {@code socket} for an ack ({@code emitWithAck}); it is now pending. */
  default void ackPending(SocketIoSocket socket) {}

  /** A pending ack was answered by the client in time. */
  default void ackAnswered(SocketIoSocket socket) {}

  /** A pending ack was not answered within its timeout. */
  default void ackTimedOut(SocketIoSocket socket) {}

  /** A broadcast of {@code event} in {@code namespace} was queued for {@code recipients} sockets. */
  default void broadcast(Namespace namespace, String event, int recipients) {}

  /**
   * Application code (a listener or a middleware) threw; {@code socket} is the socket it ran for, or
   * null when none applies.
   */
  default void listenerError(SocketIoSocket socket, Throwable error) {}
}
