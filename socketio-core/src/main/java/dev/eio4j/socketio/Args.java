package dev.eio4j.socketio;

import dev.eio4j.socketio.parser.SioJson;
import java.nio.ByteBuffer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Application values to JSON trees: JsonNode as is, byte[]/ByteBuffer as binary, the rest through Jackson. */
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
}
