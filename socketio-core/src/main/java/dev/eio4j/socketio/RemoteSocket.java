package dev.eio4j.socketio;

import dev.eio4j.socketio.spi.BroadcastOptions;
import dev.eio4j.socketio.spi.SocketDetails;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A socket found by {@link BroadcastOperator#fetchSockets()}, on this server or (with a cluster adapter)
 * another: a snapshot of its id, handshake, rooms and data, and the operations that reach it through
 * the adapter wherever it is. Immutable; the snapshot is not updated.
 */
public final class RemoteSocket {
  private final Namespace nsp;
  private final SocketDetails details;

  RemoteSocket(Namespace nsp, SocketDetails details) {
    this.nsp = nsp;
    this.details = details;
  }

  /** The socket id. */
  public String id() {
    return details.id();
  }

  /** The handshake, in the Node shape (see {@link SocketDetails#handshake()}). */
  public ObjectNode handshake() {
    return details.handshake();
  }

  /** The rooms it was in when fetched. */
  public Set<String> rooms() {
    return details.rooms();
  }

  /** Its application data as JSON, when fetched. */
  public JsonNode data() {
    return details.data();
  }

  /** The details as the adapter reported them. */
  public SocketDetails details() {
    return details;
  }

  private BroadcastOperator self() {
    return new BroadcastOperator(nsp, BroadcastOptions.rooms(Set.of(details.id())));
  }

  /**
   * Sends an event to this socket (as a broadcast to its own room).
   *
   * @return how many sockets of this server queued it (0 or 1)
   */
  public int emit(String event, Object... args) {
    return self().emit(event, args);
  }

  /** The socket joins {@code room}. */
  public CompletableFuture<Void> join(String room) {
    return self().socketsJoin(Objects.requireNonNull(room, "room"));
  }

  /** The socket leaves {@code room}. */
  public CompletableFuture<Void> leave(String room) {
    return self().socketsLeave(Objects.requireNonNull(room, "room"));
  }

  /** The socket is disconnected; with {@code close}, its whole connection. */
  public CompletableFuture<Void> disconnect(boolean close) {
    return self().disconnectSockets(close);
  }

  @Override
  public String toString() {
    return "RemoteSocket{" + LogText.of(details.id()) + " " + LogText.of(nsp.name()) + "}";
  }
}
