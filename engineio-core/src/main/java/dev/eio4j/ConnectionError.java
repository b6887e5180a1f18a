package dev.eio4j;

import dev.eio4j.spi.EngineRequest;
import java.util.Map;

/**
 * A refused request, reported to {@link EngineIoServer#onConnectionError}: the request, the coded
 * error, the message sent to the client and a context map (the reference's keys: {@code transport},
 * {@code sid}, {@code method}, {@code name}, {@code protocol}, …).
 */
public record ConnectionError(
    EngineRequest request, HandshakeError error, String message, Map<String, Object> context) {
  /** The numeric code (0–5). */
  public int code() {
    return error.code();
  }
}
