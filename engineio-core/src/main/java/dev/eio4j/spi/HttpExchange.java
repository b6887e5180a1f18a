package dev.eio4j.spi;

/**
 * One HTTP request/response pair for the polling transport (and for errors and preflights).
 *
 * <p>The adapter enforces the body limit it is given while the body streams: it never buffers more than
 * {@code maxBytes}. {@link #respond} is called exactly once, from any thread; the adapter writes the
 * status, the headers given plus {@code Content-Length}, and the body.
 */
public interface HttpExchange {
  /** The request line and headers. */
  EngineRequest request();

  /**
   * The lane that a session created by this request should live on (the Netty adapter returns the
   * channel's event loop). Called at most once, for handshakes.
   */
  Lane laneForNewSession();

  /**
   * Starts reading the request body and reports exactly once to {@code handler}, on any thread. The
   * adapter counts bytes as they arrive and reports {@link BodyHandler#onTooLarge()} as soon as more
   * than {@code maxBytes} have arrived (or are announced by {@code Content-Length}), without buffering
   * the rest.
   */
  void readBody(long maxBytes, BodyHandler handler);

  /**
   * Writes the response. Thread-safe; a second call is ignored. The adapter adds {@code
   * Content-Length} (unless {@code headers} holds {@code Content-Encoding}, in which case it may use
   * chunked transfer) and connection-management headers.
   */
  void respond(int status, Headers headers, byte[] body);

  /**
   * Aborts the connection without a response (used for the first POST when a second one overlaps it).
   */
  void abort();

  /**
   * Registers a callback run once (on any thread) if the client goes away before {@link #respond}
   * completes. Registering after that moment runs nothing.
   */
  void onClientGone(Runnable callback);

  /** Receives the outcome of {@link #readBody}. */
  interface BodyHandler {
    /** The whole body; never more than the limit. */
    void onBody(byte[] body);

    /** More than the limit arrived or was announced; the rest is not read. */
    void onTooLarge();

    /** The connection failed before the body was complete. */
    void onError(Throwable cause);
  }
}
