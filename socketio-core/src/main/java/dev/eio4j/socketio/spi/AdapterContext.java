package dev.eio4j.socketio.spi;

import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** What an {@link AdapterFactory} is given: the namespace, its local adapter and its entry points. */
public interface AdapterContext {
  /** The namespace name, e.g. {@code "/"} or {@code "/chat"}. */
  String namespace();

  /**
   * The in-memory adapter of this namespace: the rooms of this server's sockets and the delivery to
   * them. The default adapter; a cluster adapter keeps it and hands it the local part of every call
   * (including what it receives from other servers). The same instance on every call.
   */
  Adapter local();

  /**
   * Hands an event another server sent with {@code serverSideEmit} to this namespace's listeners.
   *
   * @param eventAndArgs {@code [event, args...]}
   * @param reply where the answer (the first argument the listener answers with) goes, or null when
   *     the sender asked for none
   */
  void serverSideEmitReceived(ArrayNode eventAndArgs, Consumer<JsonNode> reply);
}
