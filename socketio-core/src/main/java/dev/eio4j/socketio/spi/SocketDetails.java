package dev.eio4j.socketio.spi;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One socket as {@link Adapter#fetchSockets} reports it, on this server or another: the shape the Node
 * adapters exchange ({@code {id, handshake, rooms, data}}).
 *
 * @param id the socket id
 * @param handshake the handshake in the Node shape: {@code headers}, {@code time}, {@code address},
 *     {@code xdomain}, {@code secure}, {@code issued}, {@code url}, {@code query}, {@code auth}
 * @param rooms the socket's rooms (its own id room included)
 * @param data the socket's application data as JSON (an object; values Jackson could not convert are
 *     left out)
 */
public record SocketDetails(String id, ObjectNode handshake, Set<String> rooms, JsonNode data) {
  /** Checks for nulls and copies the rooms. */
  public SocketDetails {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(handshake, "handshake");
    rooms =
        Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(rooms, "rooms")));
    Objects.requireNonNull(data, "data");
  }
}
