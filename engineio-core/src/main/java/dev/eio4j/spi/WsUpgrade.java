package dev.eio4j.spi;

import java.util.function.Function;

/**
 * A pending WebSocket handshake. The core inspects the request and calls exactly one of {@link #reject}
 * and {@link #accept}, from any thread, possibly later (e.g. after an asynchronous {@code
 * allowRequest}).
 */
public interface WsUpgrade {
  /** The upgrade request. */
  EngineRequest request();

  /** The lane that a session created by this upgrade should live on. */
  Lane laneForNewSession();

  /**
   * Refuses before any 101: the adapter writes {@code HTTP/1.1 <status>}, {@code Connection: close},
   * the given headers, {@code Content-type: text/html} and the body, then closes the connection.
   */
  void reject(int status, Headers headers, String body);

  /**
   * Completes the RFC 6455 handshake with {@code extraHeaders} on the 101, with a frame limit of
   * {@code maxPayload} bytes (over it: close 1009 and {@link WsHandler#onError}). Once the connection is
   * open the adapter calls {@code onOpen} with it and routes frames to the handler it returns. If the
   * handshake fails, {@code onOpen} is never called.
   */
  void accept(Headers extraHeaders, long maxPayload, Function<WsConnection, WsHandler> onOpen);
}
