package dev.eio4j.internal;

import static dev.eio4j.internal.Responses.ctx;

import dev.eio4j.AllowRequest;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineObserver;
import dev.eio4j.HandshakeError;
import dev.eio4j.IdGenerator;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.spi.EngineRequest;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks a new session passes, the same for polling and WebSocket: the protocol version, a closed,
 * draining or full server, the application's {@code allowRequest}, then a free id. A refusal goes
 * through the caller's {@link Refuser}, so that it reaches the client in its transport's form.
 * Thread-safe.
 */
final class HandshakeGate {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  private final EngineIoOptions options;
  private final SessionRegistry sessions;
  private final Responses responses;
  private final EngineObserver observer;

  HandshakeGate(
      EngineIoOptions options,
      SessionRegistry sessions,
      Responses responses,
      EngineObserver observer) {
    this.options = options;
    this.sessions = sessions;
    this.responses = responses;
    this.observer = observer;
  }

  /** How a refusal reaches the client: a polling response, or a WebSocket handshake refused before the 101. */
  interface Refuser {
    void refuse(HandshakeError error, String message, Map<String, Object> context);

    /**
     * Refuses a handshake with 503: polling with {@code {"code":3,"message":why}}, a WebSocket with the
     * message as text/html before any 101.
     */
    void unavailable(String why);
  }

  /**
   * The handshake gate, for polling and WebSocket alike: the protocol (code 5), a closed or full server,
   * the asynchronous {@code allowRequest} (code 4), then the id (code 3). {@code admitted} runs, on the
   * thread that completed the check, only when every step passed.
   */
  void admit(
      EngineRequest req, Route r, Refuser refuser, BiConsumer<ProtocolVersion, String> admitted) {
    ProtocolVersion pv =
        r.protocol() == ProtocolVersion.V3 && !options.allowEIO3() ? null : r.protocol();
    if (pv == null) {
      // a missing, "5" or "abc" EIO: code 5 (a deliberate difference, docs/compatibility.md)
      refuser.refuse(HandshakeError.UNSUPPORTED_PROTOCOL_VERSION, null, ctx("protocol", r.eio()));
      return;
    }
    if (sessions.isClosed()) {
      refuser.refuse(HandshakeError.BAD_REQUEST, null, ctx("name", "SERVER_CLOSED"));
      return;
    }
    if (refusedAsUnavailable(req, refuser)) {
      return;
    }
    allow(
        req,
        denial -> {
          if (denial != null) {
            refuser.refuse(
                HandshakeError.FORBIDDEN, denial.message(), ctx("message", denial.message()));
            return;
          }
          if (sessions.isClosed()) {
            // close() ran while an asynchronous allowRequest was pending: still refuse the
            // handshake
            refuser.refuse(HandshakeError.BAD_REQUEST, null, ctx("name", "SERVER_CLOSED"));
            return;
          }
          if (refusedAsUnavailable(req, refuser)) {
            return;
          }
          String id = newId(req);
          if (id == null) {
            refuser.refuse(HandshakeError.BAD_REQUEST, null, ctx("name", "ID_GENERATION_ERROR"));
            return;
          }
          admitted.accept(pv, id);
        });
  }

  private interface Verdict {
    void decided(AllowRequest.Decision denialOrNull);
  }

  private void allow(EngineRequest req, Verdict verdict) {
    AllowRequest gate = options.allowRequest();
    if (gate == null) {
      verdict.decided(null);
      return;
    }
    CompletionStage<AllowRequest.Decision> stage;
    try {
      stage = gate.check(req);
    } catch (RuntimeException e) {
      log.warn("allowRequest threw for {}", LogSafe.escape(req.uri()), e);
      verdict.decided(AllowRequest.Decision.deny(null));
      return;
    }
    stage.whenComplete(
        (d, err) -> {
          if (err != null || d == null) {
            if (err != null) {
              log.warn("allowRequest failed for {}", LogSafe.escape(req.uri()), err);
            }
            verdict.decided(AllowRequest.Decision.deny(null));
          } else {
            verdict.decided(d.allowed() ? null : d);
          }
        });
  }

  private String newId(EngineRequest req) {
    IdGenerator gen = options.idGenerator();
    String tag = options.nodeId();
    if (gen == null) {
      return SidGenerator.next(tag);
    }
    try {
      String id = gen.generate(req);
      // the duplicate check here only refuses early (a WebSocket before its 101); register()
      // decides
      if (id == null || id.isEmpty() || sessions.contains(id)) {
        log.warn("idGenerator returned an empty or duplicate id");
        return null;
      }
      if (tag != null && (id.length() <= tag.length() || !id.startsWith(tag))) {
        // a sid without this node's tag would be routed to another node by the balancer
        log.warn("idGenerator returned an id without the node tag {}: {}", tag, LogSafe.escape(id));
        return null;
      }
      return id;
    } catch (RuntimeException e) {
      log.warn("idGenerator threw", e);
      return null;
    }
  }

  /** Refuses the handshake with 503 when no session may open now (draining or at capacity). */
  private boolean refusedAsUnavailable(EngineRequest req, Refuser refuser) {
    String why = sessions.unavailable();
    if (why == null) {
      return false;
    }
    refuser.unavailable(why);
    boolean cap = SessionRegistry.AT_CAPACITY.equals(why);
    if (cap) {
      observer.limitRejected(EngineObserver.Limit.SESSION_CAP);
    }
    responses.report(
        req,
        HandshakeError.BAD_REQUEST,
        why,
        ctx("name", cap ? "SERVER_AT_CAPACITY" : "SERVER_DRAINING", "sessions", sessions.size()));
    return true;
  }
}
