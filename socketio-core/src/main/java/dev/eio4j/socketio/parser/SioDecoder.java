package dev.eio4j.socketio.parser;

import dev.eio4j.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Decodes the messages of one connection into packets. Stateful: a binary packet is its text message
 * followed by one binary message per attachment, so {@link #decode} returns null until the last one has
 * arrived. Not thread-safe: feed it from the connection's lane only.
 *
 * <p>Every rule violation is a {@link SioDecodeException}; after one, the connection is expected to be
 * closed (the decoder's state is then undefined). What is held while waiting for attachments is bounded
 * by {@code maxAttachments} messages, each bounded by the engine's {@code maxPayload}.
 */
public final class SioDecoder {
  /** Event names an application may not receive from a client. */
  public static final Set<String> RESERVED_EVENTS =
      Set.of(
          "connect",
          "connect_error",
          "disconnect",
          "disconnecting",
          "newListener",
          "removeListener");

  /** The reference parser's default cap on attachments per packet. */
  public static final int DEFAULT_MAX_ATTACHMENTS = 10;

  private final int maxAttachments;
  private SioPacket pending;
  private int expected;
  private List<byte[]> received;

  /** A decoder with the default attachment cap (10). */
  public SioDecoder() {
    this(DEFAULT_MAX_ATTACHMENTS);
  }

  /** A decoder that refuses packets with more than {@code maxAttachments} attachments. */
  public SioDecoder(int maxAttachments) {
    if (maxAttachments < 0) {
      throw new IllegalArgumentException("maxAttachments < 0");
    }
    this.maxAttachments = maxAttachments;
  }

  /** True while a binary packet waits for more attachments. */
  public boolean awaitingAttachments() {
    return pending != null;
  }

  /**
   * Feeds one engine message.
   *
   * @return the completed packet, or null while attachments of a binary packet are outstanding
   * @throws SioDecodeException when the message breaks a rule
   */
  public SioPacket decode(Message message) throws SioDecodeException {
    if (message.isBinary()) {
      if (pending == null) {
        throw new SioDecodeException("got binary data when not reconstructing a packet");
      }
      received.add(message.bytes());
      if (received.size() < expected) {
        return null;
      }
      SioPacket header = pending;
      List<byte[]> attachments = received;
      pending = null;
      received = null;
      return new SioPacket(
          header.type(),
          header.nsp(),
          header.id(),
          Placeholders.reconstruct(header.data(), attachments));
    }
    if (pending != null) {
      throw new SioDecodeException("got text data when reconstructing a packet");
    }
    ParsedHeader h = parse(message.text(), maxAttachments);
    if (h.attachments > 0) {
      pending = h.packet;
      expected = h.attachments;
      received = new ArrayList<>(h.attachments);
      return null;
    }
    return h.packet;
  }

  /**
   * Decodes one text packet that has no outstanding attachments (a binary packet must declare 0).
   *
   * @throws SioDecodeException when it breaks a rule or announces attachments
   */
  public static SioPacket decodeText(String text) throws SioDecodeException {
    ParsedHeader h = parse(text, DEFAULT_MAX_ATTACHMENTS);
    if (h.attachments > 0) {
      throw new SioDecodeException("packet announces " + h.attachments + " attachments");
    }
    return h.packet;
  }

  private record ParsedHeader(SioPacket packet, int attachments) {}

  private static ParsedHeader parse(String s, int maxAttachments) throws SioDecodeException {
    int n = s.length();
    if (n == 0) {
      throw new SioDecodeException("empty packet");
    }
    char t = s.charAt(0);
    SioPacketType type = t >= '0' && t <= '9' ? SioPacketType.of(t - '0') : null;
    if (type == null) {
      throw new SioDecodeException("unknown packet type");
    }
    int i = 1;
    int attachments = 0;
    if (type.isBinary()) {
      int start = i;
      while (i < n && isDigit(s.charAt(i)) && i - start < 6) {
        i++;
      }
      if (i == start || i >= n || s.charAt(i) != '-') {
        throw new SioDecodeException("illegal attachments: expected <count>-");
      }
      attachments = Integer.parseInt(s, start, i, 10);
      if (attachments > maxAttachments) {
        throw new SioDecodeException(
            "too many attachments: " + attachments + " > " + maxAttachments);
      }
      i++;
    }
    String nsp = "/";
    if (i < n && s.charAt(i) == '/') {
      int comma = s.indexOf(',', i);
      int end = comma < 0 ? n : comma;
      nsp = s.substring(i, end);
      i = comma < 0 ? n : comma + 1;
    }
    long id = SioPacket.NO_ID;
    if (i < n && isDigit(s.charAt(i))) {
      int start = i;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
      if (i - start > 16) {
        throw new SioDecodeException("invalid ack id: too long");
      }
      id = Long.parseLong(s, start, i, 10);
      if (id > SioPacket.MAX_ID) {
        throw new SioDecodeException("invalid ack id: too large");
      }
    }
    JsonNode data = i < n ? SioJson.read(s.substring(i)) : null;
    validate(type, id, data, attachments);
    return new ParsedHeader(new SioPacket(type, nsp, id, data), attachments);
  }

  private static void validate(SioPacketType type, long id, JsonNode data, int attachments)
      throws SioDecodeException {
    switch (type) {
      case CONNECT -> {
        if (data != null && !data.isObject()) {
          throw new SioDecodeException("invalid payload: CONNECT takes an object or nothing");
        }
      }
      case DISCONNECT -> {
        if (data != null) {
          throw new SioDecodeException("invalid payload: DISCONNECT takes none");
        }
      }
      case CONNECT_ERROR -> {
        if (data != null && !data.isString() && !data.isObject()) {
          throw new SioDecodeException(
              "invalid payload: CONNECT_ERROR takes a string or an object");
        }
      }
      case EVENT, BINARY_EVENT -> {
        if (data == null || !data.isArray() || data.isEmpty()) {
          throw new SioDecodeException("invalid payload: an event is a non-empty array");
        }
        JsonNode name = data.get(0);
        if (!name.isString()) {
          throw new SioDecodeException("invalid payload: the event name is not a string");
        }
        if (RESERVED_EVENTS.contains(name.stringValue())) {
          throw new SioDecodeException("invalid payload: reserved event name");
        }
      }
      case ACK, BINARY_ACK -> {
        if (data == null || !data.isArray()) {
          throw new SioDecodeException("invalid payload: an ack is an array");
        }
        if (id == SioPacket.NO_ID) {
          throw new SioDecodeException("an ack needs an ack id");
        }
      }
    }
    if (id != SioPacket.NO_ID
        && !(type == SioPacketType.EVENT
            || type == SioPacketType.BINARY_EVENT
            || type == SioPacketType.ACK
            || type == SioPacketType.BINARY_ACK)) {
      throw new SioDecodeException("an ack id is allowed on events and acks only");
    }
    if (type.isBinary()) {
      Placeholders.validate(data, attachments);
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
