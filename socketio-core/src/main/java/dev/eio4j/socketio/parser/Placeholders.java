package dev.eio4j.socketio.parser;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Binary attachments inside a JSON tree: {@code {"_placeholder":true,"num":N}} on the wire, a binary node
 * in memory. Numbering is depth-first in document order (array index order, object key order), the
 * order in which the attachments follow the text frame.
 */
final class Placeholders {
  static final String KEY = "_placeholder";
  static final String NUM = "num";

  private Placeholders() {}

  /** True when {@code node} holds a binary node at any depth. */
  static boolean containsBinary(JsonNode node) {
    if (node.isBinary()) {
      return true;
    }
    if (node.isContainer()) {
      for (JsonNode child : node.values()) {
        if (containsBinary(child)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A copy of {@code node} with every binary node replaced by a placeholder, its bytes appended to {@code out}. */
  static JsonNode deconstruct(JsonNode node, List<byte[]> out) {
    if (node.isBinary()) {
      ObjectNode p = JsonNodeFactory.instance.objectNode();
      p.put(KEY, true);
      p.put(NUM, out.size());
      out.add(node.binaryValue());
      return p;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
      for (JsonNode child : node.values()) {
        copy.add(deconstruct(child, out));
      }
      return copy;
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        copy.set(e.getKey(), deconstruct(e.getValue(), out));
      }
      return copy;
    }
    return node;
  }

  /**
   * Checks the placeholders of a binary packet's JSON: each is exactly {@code _placeholder:true} and an
   * integral {@code num}, keys in either order, and together their numbers are {@code 0..count-1}, each
   * once.
   */
  static void validate(JsonNode node, int count) throws SioDecodeException {
    boolean[] seen = new boolean[count];
    int found = check(node, seen, 0);
    if (found != count) {
      throw new SioDecodeException(
          "attachment count mismatch: header says "
              + count
              + ", payload has "
              + found
              + " placeholders");
    }
  }

  private static int check(JsonNode node, boolean[] seen, int found) throws SioDecodeException {
    if (isPlaceholder(node)) {
      JsonNode num = node.get(NUM);
      if (node.size() != 2 || num == null || !num.isIntegralNumber() || !num.canConvertToInt()) {
        throw new SioDecodeException(
            "invalid placeholder: expected {\"_placeholder\":true,\"num\":<n>}");
      }
      int n = num.intValue();
      if (n < 0 || n >= seen.length || seen[n]) {
        throw new SioDecodeException(
            "attachment count mismatch: placeholder num " + n + " is out of range or repeated");
      }
      seen[n] = true;
      return found + 1;
    }
    if (node.isContainer()) {
      for (JsonNode child : node.values()) {
        found = check(child, seen, found);
      }
    }
    return found;
  }

  private static boolean isPlaceholder(JsonNode node) {
    if (!node.isObject()) {
      return false;
    }
    JsonNode flag = node.get(KEY);
    return flag != null && flag.isBoolean() && flag.booleanValue();
  }

  /** {@code node} with every placeholder replaced by its attachment; validated by {@link #validate}. */
  static JsonNode reconstruct(JsonNode node, List<byte[]> attachments) {
    if (isPlaceholder(node)) {
      return JsonNodeFactory.instance.binaryNode(attachments.get(node.get(NUM).intValue()));
    }
    if (node.isArray()) {
      ArrayNode a = (ArrayNode) node;
      for (int i = 0; i < a.size(); i++) {
        a.set(i, reconstruct(a.get(i), attachments));
      }
    } else if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      for (String name : List.copyOf(o.propertyNames())) {
        o.set(name, reconstruct(o.get(name), attachments));
      }
    }
    return node;
  }
}
