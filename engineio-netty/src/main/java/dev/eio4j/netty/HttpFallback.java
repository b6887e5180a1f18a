package dev.eio4j.netty;

import dev.eio4j.spi.EngineRequest;

/**
 * Answers requests outside the Engine.IO path (a demo page, {@code /metrics}, a health check). Called on
 * an I/O thread: it must not block. Returning null gives {@code 404 not found}.
 */
@FunctionalInterface
public interface HttpFallback {
  /** The response for a request outside the Engine.IO path, or null for 404. */
  Response handle(EngineRequest request);

  /**
   * A complete response.
   *
   * @param status HTTP status
   * @param contentType the Content-Type
   * @param body the body
   */
  record Response(int status, String contentType, byte[] body) {}
}
