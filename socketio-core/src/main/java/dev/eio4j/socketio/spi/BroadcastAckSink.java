package dev.eio4j.socketio.spi;

import tools.jackson.databind.node.ArrayNode;

/**
 * Receives what a broadcast with acks brings back (see {@link Adapter#broadcastWithAck}). Calls may come
 * from any thread, in any order, and concurrently.
 */
public interface BroadcastAckSink {
  /** One server (this one or another) sent the packet to {@code clients} of its sockets. */
  void clientCount(int clients);

  /** One client answered, with these arguments. */
  void ack(ArrayNode args);

  /**
   * One client counted in {@link #clientCount} left before answering, so no answer will come from it.
   * Only this server's sockets are reported (the Node cluster messages have no such message).
   */
  void clientGone();
}
