package dev.eio4j.socketio.parser;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the Socket.IO layer: compact output, whole-input parsing. */
public final class SioJson {
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private SioJson() {}

  /** The shared mapper (immutable, thread-safe). */
  public static JsonMapper mapper() {
    return MAPPER;
  }

  /** Compact JSON of {@code node} (binary nodes must have been replaced by placeholders). */
  public static String write(JsonNode node) {
    return MAPPER.writeValueAsString(node);
  }

  /**
   * The JSON value that is the whole of {@code text}.
   *
   * @throws SioDecodeException when it is not one JSON value
   */
  static JsonNode read(String text) throws SioDecodeException {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new SioDecodeException("invalid payload: no JSON value");
      }
      return node;
    } catch (JacksonException e) {
      throw new SioDecodeException("invalid payload: not JSON");
    }
  }
}
