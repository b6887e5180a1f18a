package dev.eio4j.socketio.spi;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * A disconnected socket's state kept for connection state recovery ({@link Adapter#persistSession}),
 * with the packets it missed when it is handed back ({@link Adapter#restoreSession}).
 *
 * @param sid the socket id
 * @param pid the private session id the client reconnects with
 * @param rooms the rooms the socket was in
 * @param data the socket's application data as JSON
 * @param missedPackets the events broadcast to it since, in order ({@code [event, args...]}); empty
 *     when persisting
 */
public record SessionState(
    String sid, String pid, Set<String> rooms, JsonNode data, List<ArrayNode> missedPackets) {
  /** Checks for nulls; copies the collections. */
  public SessionState {
    Objects.requireNonNull(sid, "sid");
    Objects.requireNonNull(pid, "pid");
    rooms =
        Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(rooms, "rooms")));
    Objects.requireNonNull(data, "data");
    missedPackets = List.copyOf(missedPackets);
  }
}
