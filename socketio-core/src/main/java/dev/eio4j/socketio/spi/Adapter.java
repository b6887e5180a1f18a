package dev.eio4j.socketio.spi;

import dev.eio4j.socketio.parser.SioPacket;
import dev.eio4j.spi.Cancellable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The rooms of one namespace and the way to reach its sockets: one instance per namespace, made by the
 * {@link AdapterFactory} of the server's options. Shaped after the Node {@code socket.io-adapter}
 * {@code Adapter}: the in-memory one (the default) serves the sockets of this server; a cluster adapter
 * also reaches other servers, which is why the methods that may go remote return a {@link
 * CompletionStage}. Room membership is always local: each server keeps the rooms of its own sockets.
 *
 * <p>Implementations must be thread-safe and must not block the calling thread: it may be a
 * connection's lane or an I/O thread. A failure is reported by completing the stage exceptionally,
 * never by throwing.
 */
public interface Adapter {
  /** Adds socket {@code id} to each of {@code rooms}. */
  void addAll(String id, Set<String> rooms);

  /** Removes socket {@code id} from {@code room}. */
  void del(String id, String room);

  /** Removes socket {@code id} from every room (it is leaving). */
  void delAll(String id);

  /** The rooms that have members on this server now (a copy). */
  Set<String> rooms();

  /** The rooms socket {@code id} of this server is in now (a copy; empty for an unknown id). */
  Set<String> socketRooms(String id);

  /** The ids of the sockets in any of {@code rooms} (every socket when empty), on every server. */
  CompletionStage<Set<String>> sockets(Set<String> rooms);

  /**
   * Sends {@code packet} (an EVENT without ack id, encoded once) to the selected sockets.
   *
   * @return how many sockets of this server queued it
   */
  int broadcast(SioPacket packet, BroadcastOptions opts);

  /**
   * Sends {@code packet} (an EVENT without ack id) to the selected sockets asking each for an answer:
   * each server gives the packet an ack id of its own, then reports to {@code sink} how many of its
   * sockets it sent to, and each answer as it comes.
   *
   * @return a handle that stops the wait: the pending answers are forgotten on every socket (called when
   *     the broadcast's timeout fires or every answer has come)
   */
  Cancellable broadcastWithAck(SioPacket packet, BroadcastOptions opts, BroadcastAckSink sink);

  /** The selected sockets, on every server unless {@link BroadcastFlags#local()}. */
  CompletionStage<List<SocketDetails>> fetchSockets(BroadcastOptions opts);

  /** The selected sockets join {@code rooms}. */
  CompletionStage<Void> addSockets(BroadcastOptions opts, Set<String> rooms);

  /** The selected sockets leave {@code rooms}. */
  CompletionStage<Void> delSockets(BroadcastOptions opts, Set<String> rooms);

  /** The selected sockets are disconnected; with {@code close}, their whole connections. */
  CompletionStage<Void> disconnectSockets(BroadcastOptions opts, boolean close);

  /** Sends {@code [event, args...]} to the same namespace on every other server. */
  void serverSideEmit(ArrayNode eventAndArgs);

  /**
   * Sends {@code [event, args...]} to the same namespace on every other server and collects one answer
   * from each; the stage fails with a {@link java.util.concurrent.TimeoutException} when some did not
   * answer within the adapter's own request timeout. With no other server: an empty list at once.
   */
  CompletionStage<List<JsonNode>> serverSideEmitWithAck(ArrayNode eventAndArgs);

  /** Keeps a disconnected socket's state for connection state recovery. */
  CompletionStage<Void> persistSession(SessionState session);

  /**
   * The state kept for private session id {@code pid}, with the packets broadcast after {@code offset};
   * empty when there is none (unknown or expired pid, or an offset no longer known).
   */
  CompletionStage<Optional<SessionState>> restoreSession(String pid, String offset);

  /** How many servers share this namespace (this one included). */
  CompletionStage<Integer> serverCount();

  /** Releases what the adapter holds (subscriptions, timers); called when the namespace goes away. */
  default void close() {}
}
