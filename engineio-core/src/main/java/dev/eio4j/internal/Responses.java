package dev.eio4j.internal;

import dev.eio4j.ConnectionError;
import dev.eio4j.CorsOptions;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineObserver;
import dev.eio4j.HandshakeError;
import dev.eio4j.HeadersHook;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.HttpExchange;
import dev.eio4j.spi.WsUpgrade;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every response starts with (CORS, the header hooks) and every refusal: the JSON error body or
 * the WebSocket rejection, the DEBUG line, the observer's count and the {@code connection_error}
 * listeners. Refusals never carry a stack trace; what the client sent reaches the log escaped.
 * Thread-safe.
 */
final class Responses {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  private static final byte[] EMPTY = new byte[0];

  private final EngineIoOptions options;
  private final EngineObserver observer;
  private final List<Consumer<ConnectionError>> errorListeners = new CopyOnWriteArrayList<>();

  Responses(EngineIoOptions options, EngineObserver observer) {
    this.options = options;
    this.observer = observer;
  }

  void addErrorListener(Consumer<ConnectionError> l) {
    errorListeners.add(l);
  }

  /** The headers every response starts with: CORS when configured (errors included). */
  Headers headers(EngineRequest req) {
    Headers h = new Headers();
    CorsOptions cors = options.cors();
    if (cors != null) {
      cors.applyActual(req, h);
    }
    return h;
  }

  /** Answers with {@code status} and an empty body, with the headers every response starts with. */
  void empty(HttpExchange ex, int status) {
    ex.respond(status, headers(ex.request()), EMPTY);
  }

  /** Runs the {@code initialHeaders} hook (handshakes) and then the {@code headers} hook. */
  void applyHeadersHook(Headers h, EngineRequest req, boolean initial) {
    try {
      HeadersHook ih = options.initialHeaders();
      if (initial && ih != null) {
        ih.apply(h, req);
      }
      HeadersHook hh = options.headers();
      if (hh != null) {
        hh.apply(h, req);
      }
    } catch (RuntimeException e) {
      log.error("headers hook threw", e);
    }
  }

  /** Answers an HTTP request with {@code error}'s status and JSON body, and reports the refusal. */
  void fail(HttpExchange ex, HandshakeError error, String message, Map<String, Object> context) {
    EngineRequest req = ex.request();
    Headers h = headers(req);
    h.set("Content-Type", "application/json");
    ex.respond(error.httpStatus(), h, error.jsonBody(message));
    report(req, error, message, context);
  }

  /** Refuses a WebSocket handshake before its 101 (400, the message as the body), and reports it. */
  void reject(WsUpgrade up, HandshakeError error, String message, Map<String, Object> context) {
    EngineRequest req = up.request();
    up.reject(400, headers(req), message != null ? message : error.message());
    report(req, error, message, context);
  }

  /** A polling request for a session that is no longer on polling: 400, code 3 (TRANSPORT_MISMATCH). */
  void refuseAfterUpgrade(HttpExchange ex, Session s) {
    fail(
        ex,
        HandshakeError.BAD_REQUEST,
        null,
        ctx(
            "name",
            "TRANSPORT_MISMATCH",
            "transport",
            "polling",
            "previousTransport",
            s.transport().wireName()));
  }

  /** Tells the log, the observer and the {@code connection_error} listeners about a refusal. */
  void report(
      EngineRequest req, HandshakeError error, String message, Map<String, Object> context) {
    if (log.isDebugEnabled()) {
      log.debug(
          "refused {} {}: code {} {}",
          LogSafe.escape(req.method()),
          LogSafe.escape(req.uri()),
          error.code(),
          LogSafe.escape(context));
    }
    observer.connectionError(error);
    if (errorListeners.isEmpty()) {
      return;
    }
    ConnectionError ce =
        new ConnectionError(req, error, message != null ? message : error.message(), context);
    for (Consumer<ConnectionError> l : errorListeners) {
      try {
        l.accept(ce);
      } catch (RuntimeException e) {
        log.error("connection error listener threw", e);
      }
    }
  }

  /** An unmodifiable, ordered context map from alternating keys and values. */
  static Map<String, Object> ctx(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }
}
