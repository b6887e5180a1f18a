package dev.eio4j;

import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;

/**
 * Adds or changes response headers: the reference's {@code initial_headers} (the handshake response or
 * the 101 of a direct WebSocket) and {@code headers} (every polling response and every 101) events.
 */
@FunctionalInterface
public interface HeadersHook {
  /** Mutates {@code headers} for the response to {@code request}. */
  void apply(Headers headers, EngineRequest request);
}
