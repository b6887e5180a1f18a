package dev.eio4j.internal;

import static dev.eio4j.internal.Responses.ctx;

import dev.eio4j.CorsOptions;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.HandshakeError;
import dev.eio4j.ReadyState;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.HttpExchange;
import dev.eio4j.spi.Lane;
import dev.eio4j.spi.WsHandler;
import dev.eio4j.spi.WsUpgrade;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one dispatch for every request: each is parsed once into a {@link Route}, checked in the order
 * docs/protocol.md §4.4 gives, then handed to its session's lane or admitted as a new session. Every
 * check of a WebSocket handshake runs before its 101 ([ref-bug] fixed). Thread-safe: routing runs on
 * the adapter's thread.
 */
final class Router {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final byte[] EMPTY = new byte[0];

  /** WebSocket close status 1011: the server could not serve the connection. */
  static final int WS_INTERNAL_ERROR = 1011;

  /** The handler of a WebSocket closed right after its 101: every event from it is ignored. */
  private static final WsHandler REFUSED =
      new WsHandler() {
        @Override
        public void onText(String text) {}

        @Override
        public void onBinary(byte[] data) {}

        @Override
        public void onClose() {}

        @Override
        public void onError(String description) {}
      };

  private final Engine engine;
  private final EngineIoOptions options;
  private final SessionRegistry sessions;
  private final Responses responses;
  private final HandshakeGate gate;

  Router(Engine engine, SessionRegistry sessions, Responses responses) {
    this.engine = engine;
    this.options = engine.options();
    this.sessions = sessions;
    this.responses = responses;
    this.gate = new HandshakeGate(options, sessions, responses, engine.observer);
  }

  // ------------------------------------------------------------------ HTTP

  /** Routes one HTTP request (polling, JSONP, preflight, or an error). */
  void handleRequest(HttpExchange ex) {
    EngineRequest req = ex.request();
    try {
      Route r = Route.parse(req, options.cors() != null);
      HandshakeGate.Refuser refuser = refuser(ex);
      switch (r.kind()) {
        case PREFLIGHT -> preflight(ex, options.cors());
        case SESSION -> {
          if (transportAndOriginValid(r, refuser)) {
            sessionRequest(ex, r);
          }
        }
        case HANDSHAKE -> {
          if (transportAndOriginValid(r, refuser)) {
            pollingHandshake(ex, r, refuser);
          }
        }
      }
    } catch (RuntimeException e) {
      log.error(
          "failed to handle {} {}", LogSafe.escape(req.method()), LogSafe.escape(req.uri()), e);
      ex.respond(500, responses.headers(req), EMPTY);
    }
  }

  private static void preflight(HttpExchange ex, CorsOptions cors) {
    Headers h = new Headers();
    cors.applyPreflight(ex.request(), h);
    ex.respond(204, h, EMPTY);
  }

  private void sessionRequest(HttpExchange ex, Route r) {
    Session s = sessions.find(r.sid());
    if (s == null) {
      responses.fail(ex, HandshakeError.UNKNOWN_SID, null, ctx("sid", r.sid()));
      return;
    }
    if (r.transport() != s.transport()) {
      responses.fail(
          ex,
          HandshakeError.BAD_REQUEST,
          null,
          ctx(
              "name",
              "TRANSPORT_MISMATCH",
              "transport",
              r.transport().wireName(),
              "previousTransport",
              s.transport().wireName()));
      return;
    }
    if (r.protocol() != s.protocol) {
      responses.fail(
          ex,
          HandshakeError.BAD_REQUEST,
          null,
          ctx(
              "name",
              "PROTOCOL_MISMATCH",
              "protocol",
              r.eio(),
              "previousProtocol",
              s.protocol.number()));
      return;
    }
    String method = r.method();
    if (!"GET".equals(method) && !"POST".equals(method)) {
      // the client's error, answered like any other bad request; the session is left alone
      responses.fail(
          ex, HandshakeError.BAD_REQUEST, null, ctx("name", "BAD_METHOD", "method", method));
      return;
    }
    s.lane.execute(() -> onSessionRequest(s, ex, "GET".equals(method)));
  }

  private void onSessionRequest(Session s, HttpExchange ex, boolean get) {
    if (s.readyState() == ReadyState.CLOSED) {
      responses.fail(ex, HandshakeError.UNKNOWN_SID, null, ctx("sid", s.id));
      return;
    }
    if (!(s.currentTransport() instanceof PollingTransport polling)) {
      responses.refuseAfterUpgrade(ex, s);
      return;
    }
    if (get) {
      polling.onGet(ex);
    } else {
      polling.onPost(ex);
    }
  }

  private void pollingHandshake(HttpExchange ex, Route r, HandshakeGate.Refuser refuser) {
    if (!"GET".equals(r.method())) {
      responses.fail(ex, HandshakeError.BAD_HANDSHAKE_METHOD, null, ctx("method", r.method()));
      return;
    }
    if (r.transport() == TransportType.WEBSOCKET) {
      responses.fail(
          ex, HandshakeError.BAD_REQUEST, null, ctx("name", "TRANSPORT_HANDSHAKE_ERROR"));
      return;
    }
    EngineRequest req = ex.request();
    gate.admit(
        req,
        r,
        refuser,
        (pv, id) -> {
          Lane lane = ex.laneForNewSession();
          Session s = new Session(engine, id, pv, req.withoutHandshakeHeaders(), lane);
          if (!sessions.register(s)) {
            refuser.refuse(HandshakeError.BAD_REQUEST, null, ctx("name", "ID_GENERATION_ERROR"));
            return;
          }
          lane.runOrExecute(
              () -> {
                PollingTransport polling =
                    new PollingTransport(s, responses, r.b64(), r.jsonpIndex());
                polling.onHandshake(ex);
                Opening.open(s, polling, sessions);
              });
        });
  }

  // ------------------------------------------------------------------ WebSocket

  /** Routes one WebSocket handshake: every check runs before the 101. */
  void handleUpgrade(WsUpgrade up) {
    EngineRequest req = up.request();
    try {
      Route r = Route.parse(req, false);
      HandshakeGate.Refuser refuser = refuser(up);
      switch (r.kind()) {
        case SESSION -> {
          if (transportAndOriginValid(r, refuser)) {
            probeUpgrade(up, r);
          }
        }
        default -> { // HANDSHAKE: a request parsed without CORS is never a preflight
          if (transportAndOriginValid(r, refuser)) {
            wsHandshake(up, r, refuser);
          }
        }
      }
    } catch (RuntimeException e) {
      log.error("failed to handle upgrade {}", LogSafe.escape(req.uri()), e);
      up.reject(400, new Headers(), HandshakeError.BAD_REQUEST.message());
    }
  }

  private void probeUpgrade(WsUpgrade up, Route r) {
    EngineRequest req = up.request();
    Session s = sessions.find(r.sid());
    if (s == null) {
      responses.reject(up, HandshakeError.UNKNOWN_SID, null, ctx("sid", r.sid()));
      return;
    }
    if (r.protocol() != s.protocol) {
      responses.reject(
          up,
          HandshakeError.BAD_REQUEST,
          null,
          ctx(
              "name",
              "PROTOCOL_MISMATCH",
              "protocol",
              r.eio(),
              "previousProtocol",
              s.protocol.number()));
      return;
    }
    if (r.transport() != TransportType.WEBSOCKET || !options.allowUpgrades()) {
      responses.reject(
          up,
          HandshakeError.BAD_REQUEST,
          null,
          ctx(
              "name",
              "TRANSPORT_MISMATCH",
              "transport",
              r.transport().wireName(),
              "previousTransport",
              s.transport().wireName()));
      return;
    }
    Headers h = responses.headers(req);
    responses.applyHeadersHook(h, req, false);
    if (s.transport() != TransportType.POLLING || s.upgrade.startedOrDone()) {
      // A second WebSocket for a session that is upgrading or no longer on polling: as with the
      // reference, the 101 completes and the WebSocket is closed at once (status 1005), so that a
      // client sees a WebSocket that closes rather than a failed handshake. The first one is
      // untouched.
      Map<String, Object> context =
          ctx(
              "name",
              "TRANSPORT_MISMATCH",
              "transport",
              r.transport().wireName(),
              "previousTransport",
              s.transport().wireName());
      up.accept(
          h,
          options.maxHttpBufferSize(),
          conn -> {
            conn.close();
            responses.report(req, HandshakeError.BAD_REQUEST, null, context);
            return REFUSED;
          });
      return;
    }
    up.accept(
        h,
        options.maxHttpBufferSize(),
        conn -> {
          WsTransport ws = new WsTransport(s, conn, r.b64(), false);
          s.lane.runOrExecute(() -> s.upgrade.start(ws));
          return ws;
        });
  }

  private void wsHandshake(WsUpgrade up, Route r, HandshakeGate.Refuser refuser) {
    if (r.transport() != TransportType.WEBSOCKET) {
      responses.reject(
          up, HandshakeError.BAD_REQUEST, null, ctx("name", "TRANSPORT_HANDSHAKE_ERROR"));
      return;
    }
    EngineRequest req = up.request();
    gate.admit(
        req,
        r,
        refuser,
        (pv, id) -> {
          Headers h = responses.headers(req);
          responses.applyHeadersHook(h, req, true);
          Lane lane = up.laneForNewSession();
          up.accept(
              h,
              options.maxHttpBufferSize(),
              conn -> {
                Session s = new Session(engine, id, pv, req.withoutHandshakeHeaders(), lane);
                if (!sessions.register(s)) {
                  // another handshake took this id between the check and now: the 101 is already
                  // sent
                  conn.close(WS_INTERNAL_ERROR, HandshakeError.BAD_REQUEST.message());
                  responses.report(
                      req, HandshakeError.BAD_REQUEST, null, ctx("name", "ID_GENERATION_ERROR"));
                  return REFUSED;
                }
                WsTransport ws = new WsTransport(s, conn, r.b64(), true);
                // close() or drain() may run between the accept and the end of the WebSocket
                // handshake, when this session is not yet registered for them to see: Opening
                // applies them once it is open
                lane.runOrExecute(() -> Opening.open(s, ws, sessions));
                return ws;
              });
        });
  }

  // ------------------------------------------------------------------ checks shared by both entry
  // points

  private HandshakeGate.Refuser refuser(HttpExchange ex) {
    return new HandshakeGate.Refuser() {
      @Override
      public void refuse(HandshakeError error, String message, Map<String, Object> context) {
        responses.fail(ex, error, message, context);
      }

      @Override
      public void unavailable(String why) {
        Headers h = responses.headers(ex.request());
        h.set("Content-Type", "application/json");
        ex.respond(503, h, HandshakeError.BAD_REQUEST.jsonBody(why));
      }
    };
  }

  private HandshakeGate.Refuser refuser(WsUpgrade up) {
    return new HandshakeGate.Refuser() {
      @Override
      public void refuse(HandshakeError error, String message, Map<String, Object> context) {
        responses.reject(up, error, message, context);
      }

      @Override
      public void unavailable(String why) {
        up.reject(503, responses.headers(up.request()), why);
      }
    };
  }

  /** docs/protocol.md §4.4 steps 2–3: the transport is enabled and the Origin is a valid header value. */
  private boolean transportAndOriginValid(Route r, HandshakeGate.Refuser refuser) {
    if (r.transport() == null || !options.transports().contains(r.transport())) {
      refuser.refuse(HandshakeError.UNKNOWN_TRANSPORT, null, ctx("transport", r.transportName()));
      return false;
    }
    String origin = r.origin();
    if (origin != null && !validHeaderValue(origin)) {
      refuser.refuse(
          HandshakeError.BAD_REQUEST, null, ctx("name", "INVALID_ORIGIN", "origin", origin));
      return false;
    }
    return true;
  }

  private static boolean validHeaderValue(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        return false;
      }
    }
    return true;
  }
}
