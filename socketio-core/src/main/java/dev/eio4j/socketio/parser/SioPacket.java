package dev.eio4j.socketio.parser;

import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * One decoded Socket.IO packet. Binary attachments are held in place, inside {@link #data()}, as Jackson
 * binary nodes: the encoder swaps each for a placeholder and the decoder swaps them back, so a packet
 * never carries a separate attachment list that could disagree with its JSON.
 *
 * <p>Invariants (checked by the constructor): {@code nsp} starts with {@code /} and holds no comma;
 * {@code id} is {@link #NO_ID} or in {@code [0, 2^53-1]}; only {@link SioPacketType#BINARY_EVENT} and
 * {@link SioPacketType#BINARY_ACK} hold binary nodes.
 *
 * @param type the packet type
 * @param nsp the namespace, {@code "/"} for the main one (may carry a v4 query, {@code /nsp?k=v})
 * @param id the ack id, or {@link #NO_ID}
 * @param data the payload, or null when the packet has none
 */
public record SioPacket(SioPacketType type, String nsp, long id, JsonNode data) {
  /** The {@link #id()} of a packet without an ack id. */
  public static final long NO_ID = -1;

  /** The largest ack id: JavaScript's largest exact integer. */
  public static final long MAX_ID = (1L << 53) - 1;

  /** Checks the invariants. */
  public SioPacket {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(nsp, "nsp");
    if (!nsp.startsWith("/") || nsp.indexOf(',') >= 0) {
      throw new IllegalArgumentException("a namespace starts with / and holds no comma");
    }
    if (id != NO_ID && (id < 0 || id > MAX_ID)) {
      throw new IllegalArgumentException("ack id out of range: " + id);
    }
    if (!type.isBinary() && data != null && Placeholders.containsBinary(data)) {
      throw new IllegalArgumentException(
          type
              + " cannot carry binary data: use "
              + (type == SioPacketType.ACK || type == SioPacketType.BINARY_ACK
                  ? "BINARY_ACK"
                  : "BINARY_EVENT"));
    }
  }

  /** An EVENT, or a BINARY_EVENT when {@code args} holds binary nodes. */
  public static SioPacket event(String nsp, long id, ArrayNode args) {
    return new SioPacket(
        Placeholders.containsBinary(args) ? SioPacketType.BINARY_EVENT : SioPacketType.EVENT,
        nsp,
        id,
        args);
  }

  /** An ACK, or a BINARY_ACK when {@code args} holds binary nodes. */
  public static SioPacket ack(String nsp, long id, ArrayNode args) {
    return new SioPacket(
        Placeholders.containsBinary(args) ? SioPacketType.BINARY_ACK : SioPacketType.ACK,
        nsp,
        id,
        args);
  }

  /** True when the packet carries an ack id. */
  public boolean hasId() {
    return id != NO_ID;
  }

  @Override
  public String toString() {
    return "SioPacket{"
        + type
        + " "
        + nsp
        + (hasId() ? " id=" + id : "")
        + (data == null ? "" : " " + data.getNodeType())
        + "}";
  }
}
