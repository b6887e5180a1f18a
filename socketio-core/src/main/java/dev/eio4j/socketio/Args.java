package dev.eio4j.socketio;

import dev.eio4j.socketio.parser.SioJson;
import java.nio.ByteBuffer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Application values to JSON trees and back: JsonNode as is, byte[]/ByteBuffer as binary, the rest
 * through Jackson (whose tree keeps {@code byte[]} and {@code ByteBuffer} fields of records and POJOs as
 * binary nodes, so they travel as attachments).
 */
final class Args {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Args() {}

  static JsonNode toNode(Object value) {
    if (value == null) {
      return F.nullNode();
    }
    if (value instanceof JsonNode n) {
      return n;
    }
    if (value instanceof byte[] b) {
      return F.binaryNode(b);
    }
    if (value instanceof ByteBuffer bb) {
      byte[] copy = new byte[bb.remaining()];
      bb.duplicate().get(copy);
      return F.binaryNode(copy);
    }
    return SioJson.mapper().valueToTree(value);
  }

  /** {@code [event, args...]}. */
  static ArrayNode event(String event, Object[] args) {
    ArrayNode a = F.arrayNode(args.length + 1);
    a.add(event);
    for (Object o : args) {
      a.add(toNode(o));
    }
    return a;
  }

  static ArrayNode list(Object[] args) {
    ArrayNode a = F.arrayNode(args.length);
    for (Object o : args) {
      a.add(toNode(o));
    }
    return a;
  }

  static JavaType type(Class<?> type) {
    return SioJson.mapper().constructType(type);
  }

  static JavaType type(TypeReference<?> type) {
    return SioJson.mapper().constructType(type);
  }

  /**
   * Argument {@code index} of {@code args} (a null node when absent) as {@code type}.
   *
   * @param event the event name, or null for an ack answer
   * @throws ArgumentBindingException when it does not bind
   */
  static <T> T bind(ArrayNode args, int index, JavaType type, String event) {
    JsonNode node = index < args.size() ? args.get(index) : F.nullNode();
    try {
      return SioJson.mapper().treeToValue(node, type);
    } catch (JacksonException | IllegalArgumentException e) {
      String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      int nl = detail.indexOf('\n');
      throw new ArgumentBindingException(
          event, index, type.toString(), nl < 0 ? detail : detail.substring(0, nl));
    }
  }
}
