package dev.eio4j.netty;

import dev.eio4j.spi.EngineRequest;
import java.util.Map;
import java.util.Objects;

/**
 * Answers requests outside the Engine.IO path (a demo page, {@code /metrics}, a health check). Called on
 * an I/O thread: it must not block. Returning null gives {@code 404 not found}.
 */
@FunctionalInterface
public interface HttpFallback {
  /** The response for a request outside the Engine.IO path, or null for 404. */
  Response handle(EngineRequest request);

  /**
   * A complete response. The runtime sets {@code Content-Type} and {@code Content-Length} itself; a
   * {@code HEAD} request gets the headers without the body.
   *
   * @param status HTTP status
   * @param contentType the Content-Type, or null for none (e.g. a 304)
   * @param body the body
   * @param headers further response headers (e.g. {@code Cache-Control}, {@code ETag})
   */
  record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    /** Checks and copies the arguments. */
    public Response {
      Objects.requireNonNull(body, "body");
      headers = Map.copyOf(headers);
    }

    /** A response with no further headers. */
    public Response(int status, String contentType, byte[] body) {
      this(status, contentType, body, Map.of());
    }
  }
}
