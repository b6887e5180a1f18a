package dev.eio4j.internal;

import dev.eio4j.AllowRequest;
import dev.eio4j.ConnectionError;
import dev.eio4j.CorsOptions;
import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.EngineObserver;
import dev.eio4j.HandshakeError;
import dev.eio4j.HeadersHook;
import dev.eio4j.IdGenerator;
import dev.eio4j.SendResult;
import dev.eio4j.codec.Jsonp;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.spi.Cancellable;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.HttpExchange;
import dev.eio4j.spi.Lane;
import dev.eio4j.spi.WsHandler;
import dev.eio4j.spi.WsUpgrade;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@code EngineIoServer}: request routing (the one dispatch for every request), the
 * session registry and server-wide events. Thread-safe: routing runs on the adapter's thread, then hops
 * onto the session's lane.
 */
public final class Engine {
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

  private final EngineIoOptions options;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final List<Consumer<EngineIoSocket>> connectionListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<ConnectionError>> errorListeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  // drain mode (rolling deploys): new handshakes refused, open sessions closed at random times
  private volatile boolean draining;
  private volatile long drainWindowMillis;
  private CompletableFuture<Void> drained; // guarded by this
  private final Map<Session, Cancellable> drainTimers = new ConcurrentHashMap<>();
  private final List<CompletableFuture<Void>> emptyWaiters = new CopyOnWriteArrayList<>();
  static final String AT_CAPACITY = "Server at capacity";
  static final String DRAINING = "Server is draining";
  /** The observer, wrapped so that it cannot throw; {@link EngineObserver#NOOP} when none is set. */
  final EngineObserver observer;
  /**
   * True when an observer is set: guards the work done only to feed it (clock reads, byte counts), so
   * that without one the engine computes nothing for it.
   */
  final boolean observing;

  /** An engine with these options. */
  public Engine(EngineIoOptions options) {
    this.options = options;
    this.observer = SafeObserver.wrap(options.observer());
    this.observing = observer != EngineObserver.NOOP;
  }

  /** Tells the observer, if any, that {@code server} was built on this engine. */
  public void serverCreated(EngineIoServer server) {
    observer.serverCreated(server);
  }

  /** The options. */
  public EngineIoOptions options() {
    return options;
  }

  /** Adds a connection listener. */
  public void addConnectionListener(Consumer<EngineIoSocket> l) {
    connectionListeners.add(l);
  }

  /** Adds a connection-error listener. */
  public void addErrorListener(Consumer<ConnectionError> l) {
    errorListeners.add(l);
  }

  /** The open sessions (a live, unmodifiable view). */
  public Collection<? extends EngineIoSocket> sessions() {
    return Collections.unmodifiableCollection(sessions.values());
  }

  /** One session by id, or null. */
  public EngineIoSocket session(String id) {
    return sessions.get(id);
  }

  /** How many sessions are open. */
  public int sessionCount() {
    return sessions.size();
  }

  /** True when the request target belongs to Engine.IO (a plain prefix match, docs/protocol.md §1). */
  public boolean handles(String uri) {
    return uri.startsWith(options.pathPrefix());
  }

  /** Queues one message for every open session; the packet is built once and shared. */
  public int broadcast(Packet message, int size) {
    int queued = 0;
    for (Session s : sessions.values()) {
      if (s.sendShared(message, size) == SendResult.QUEUED) {
        queued++;
      }
    }
    return queued;
  }

  /** Closes every session ("forced close") and refuses new handshakes from now on. */
  public void close() {
    closed = true;
    for (Session s : new ArrayList<>(sessions.values())) {
      s.close();
    }
  }

  // ------------------------------------------------------------------ shutdown and drain

  /** True once {@link #close()} ran. */
  public boolean isClosed() {
    return closed;
  }

  /** True while new handshakes are accepted: neither closed nor draining. */
  public boolean isReady() {
    return !closed && !draining;
  }

  /** True once {@link #drain} was called. */
  public boolean isDraining() {
    return draining;
  }

  /**
   * Ends every remaining session at once with {@code FORCED_CLOSE}, without waiting for queues to drain
   * (a shutdown past its deadline), and refuses new handshakes.
   */
  public void forceClose(String description) {
    closed = true;
    for (Session s : new ArrayList<>(sessions.values())) {
      s.forceClose(description);
    }
  }

  /** A future completed (on the thread that removes the last session) once no session is open. */
  public CompletableFuture<Void> whenEmpty() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    emptyWaiters.add(f);
    if (sessions.isEmpty()) {
      completeEmptyWaiters();
    }
    return f;
  }

  private void completeEmptyWaiters() {
    for (CompletableFuture<Void> f : emptyWaiters) {
      if (emptyWaiters.remove(f)) {
        f.complete(null);
      }
    }
  }

  /**
   * Drain mode: new handshakes are refused (503, {@code "Server is draining"}) while the open sessions
   * keep working, each closed ({@code FORCED_CLOSE}, after its queue is written) at a random moment
   * within {@code windowMillis}, so that their clients reconnect elsewhere spread over the window.
   * Idempotent: a second call returns the first call's future.
   *
   * @return completed once no session is left
   */
  public synchronized CompletableFuture<Void> drain(long windowMillis) {
    if (drained != null) {
      return drained;
    }
    drainWindowMillis = Math.max(0, windowMillis);
    draining = true;
    drained = whenEmpty();
    for (Session s : new ArrayList<>(sessions.values())) {
      scheduleDrainClose(s);
    }
    if (log.isInfoEnabled()) {
      log.info("draining {} session(s) over {} ms", sessions.size(), drainWindowMillis);
    }
    return drained;
  }

  private void scheduleDrainClose(Session s) {
    long window = drainWindowMillis;
    long delay = window <= 0 ? 0 : ThreadLocalRandom.current().nextLong(window);
    Cancellable c = s.lane.schedule(delay, s::close);
    Cancellable old = drainTimers.put(s, c);
    if (old != null) {
      old.cancel();
    }
    if (s.readyState() == dev.eio4j.ReadyState.CLOSED && drainTimers.remove(s, c)) {
      c.cancel(); // closed meanwhile: removed() may have run before the put
    }
  }

  /** A session just opened (lane): close it at once if the server closed, or schedule it if draining. */
  private void afterOpen(Session s) {
    if (closed) {
      // close() ran between the handshake's checks and the registration, when this session was not yet
      // registered for close() to see: close it as close() would have
      s.close();
    } else if (draining) {
      scheduleDrainClose(s);
    }
  }

  /** Why a new session cannot open now (draining, or at {@code maxSessions}), or null. */
  private String unavailable() {
    if (draining) {
      return DRAINING;
    }
    int max = options.maxSessions();
    if (max > 0 && sessions.size() >= max) {
      return AT_CAPACITY;
    }
    return null;
  }

  private void reportUnavailable(EngineRequest req, String why) {
    boolean cap = AT_CAPACITY.equals(why);
    if (cap) {
      observer.limitRejected(EngineObserver.Limit.SESSION_CAP);
    }
    report(req, HandshakeError.BAD_REQUEST, why,
        ctx("name", cap ? "SERVER_AT_CAPACITY" : "SERVER_DRAINING", "sessions", sessions.size()));
  }

  // ------------------------------------------------------------------ HTTP

  /** Routes one HTTP request (polling, JSONP, preflight, or an error). */
  public void handleRequest(HttpExchange ex) {
    EngineRequest req = ex.request();
    try {
      route(ex, req);
    } catch (RuntimeException e) {
      log.error("failed to handle {} {}", LogSafe.escape(req.method()), LogSafe.escape(req.uri()), e);
      ex.respond(500, responseHeaders(req, false), EMPTY);
    }
  }

  private void route(HttpExchange ex, EngineRequest req) {
    CorsOptions cors = options.cors();
    if (cors != null && "OPTIONS".equals(req.method())) {
      Headers h = new Headers();
      cors.applyPreflight(req, h);
      ex.respond(204, h, EMPTY);
      return;
    }
    Map<String, String> q = req.query();
    Refuser refuser = refuser(ex);
    TransportType transport = checkTransportAndOrigin(req, q, refuser);
    if (transport == null) {
      return;
    }
    String sid = q.get("sid");
    if (sid != null) {
      Session s = sessions.get(sid);
      if (s == null) {
        fail(ex, HandshakeError.UNKNOWN_SID, null, ctx("sid", sid));
        return;
      }
      if (transport != s.transport()) {
        fail(ex, HandshakeError.BAD_REQUEST, null,
            ctx("name", "TRANSPORT_MISMATCH", "transport", transport.wireName(), "previousTransport", s.transport().wireName()));
        return;
      }
      ProtocolVersion pv = ProtocolVersion.fromQuery(q.get("EIO"));
      if (pv != s.protocol) {
        fail(ex, HandshakeError.BAD_REQUEST, null,
            ctx("name", "PROTOCOL_MISMATCH", "protocol", q.get("EIO"), "previousProtocol", s.protocol.number()));
        return;
      }
      String method = req.method();
      if (!"GET".equals(method) && !"POST".equals(method)) {
        // the client's error, answered like any other bad request; the session is left alone
        fail(ex, HandshakeError.BAD_REQUEST, null, ctx("name", "BAD_METHOD", "method", method));
        return;
      }
      s.lane.execute(() -> onSessionRequest(s, ex, "GET".equals(method)));
      return;
    }
    if (!"GET".equals(req.method())) {
      fail(ex, HandshakeError.BAD_HANDSHAKE_METHOD, null, ctx("method", req.method()));
      return;
    }
    if (transport == TransportType.WEBSOCKET) {
      fail(ex, HandshakeError.BAD_REQUEST, null, ctx("name", "TRANSPORT_HANDSHAKE_ERROR"));
      return;
    }
    admitHandshake(req, q, refuser, (pv, id) -> {
      Lane lane = ex.laneForNewSession();
      Session s = new Session(this, id, pv, req.withoutHandshakeHeaders(), lane);
      if (!register(s)) {
        refuser.refuse(HandshakeError.BAD_REQUEST, null, ctx("name", "ID_GENERATION_ERROR"));
        return;
      }
      boolean b64 = nonEmpty(q.get("b64"));
      String jsonp = q.containsKey("j") ? Jsonp.callbackIndex(q.get("j")) : null;
      runOnLane(lane, () -> {
        PollingTransport polling = new PollingTransport(s, b64, jsonp);
        try {
          polling.onHandshake(ex);
          s.open(polling);
          afterOpen(s);
        } catch (RuntimeException e) {
          s.openFailed(polling, e);
        }
      });
    });
  }

  private void onSessionRequest(Session s, HttpExchange ex, boolean get) {
    if (s.readyState() == dev.eio4j.ReadyState.CLOSED) {
      fail(ex, HandshakeError.UNKNOWN_SID, null, ctx("sid", s.id));
      return;
    }
    if (!(s.currentTransport() instanceof PollingTransport polling)) {
      refuseAfterUpgrade(ex, s);
      return;
    }
    if (get) {
      polling.onGet(ex);
    } else {
      polling.onPost(ex);
    }
  }

  /** A polling request for a session that is no longer on polling: 400, code 3 (TRANSPORT_MISMATCH). */
  void refuseAfterUpgrade(HttpExchange ex, Session s) {
    fail(ex, HandshakeError.BAD_REQUEST, null,
        ctx("name", "TRANSPORT_MISMATCH", "transport", "polling", "previousTransport", s.transport().wireName()));
  }

  // ------------------------------------------------------------------ WebSocket

  /** Routes one WebSocket handshake: every check runs before the 101 (docs/protocol.md §4.4, [ref-bug] fixed). */
  public void handleUpgrade(WsUpgrade up) {
    EngineRequest req = up.request();
    try {
      routeUpgrade(up, req);
    } catch (RuntimeException e) {
      log.error("failed to handle upgrade {}", LogSafe.escape(req.uri()), e);
      up.reject(400, new Headers(), HandshakeError.BAD_REQUEST.message());
    }
  }

  private void routeUpgrade(WsUpgrade up, EngineRequest req) {
    Map<String, String> q = req.query();
    Refuser refuser = refuser(up);
    TransportType transport = checkTransportAndOrigin(req, q, refuser);
    if (transport == null) {
      return;
    }
    boolean b64 = nonEmpty(q.get("b64"));
    String sid = q.get("sid");
    if (sid != null) {
      Session s = sessions.get(sid);
      if (s == null) {
        reject(up, HandshakeError.UNKNOWN_SID, null, ctx("sid", sid));
        return;
      }
      ProtocolVersion pv = ProtocolVersion.fromQuery(q.get("EIO"));
      if (pv != s.protocol) {
        reject(up, HandshakeError.BAD_REQUEST, null,
            ctx("name", "PROTOCOL_MISMATCH", "protocol", q.get("EIO"), "previousProtocol", s.protocol.number()));
        return;
      }
      if (transport != TransportType.WEBSOCKET || !options.allowUpgrades()) {
        reject(up, HandshakeError.BAD_REQUEST, null,
            ctx("name", "TRANSPORT_MISMATCH", "transport", transport.wireName(), "previousTransport", s.transport().wireName()));
        return;
      }
      Headers h = responseHeaders(req, false);
      applyHeadersHook(h, req, false);
      if (s.transport() != TransportType.POLLING || s.upgrade.startedOrDone()) {
        // A second WebSocket for a session that is upgrading or no longer on polling: as with the
        // reference, the 101 completes and the WebSocket is closed at once (status 1005), so that a
        // client sees a WebSocket that closes rather than a failed handshake. The first one is untouched.
        Map<String, Object> context =
            ctx("name", "TRANSPORT_MISMATCH", "transport", transport.wireName(), "previousTransport", s.transport().wireName());
        up.accept(h, options.maxHttpBufferSize(), conn -> {
          conn.close();
          report(req, HandshakeError.BAD_REQUEST, null, context);
          return REFUSED;
        });
        return;
      }
      up.accept(h, options.maxHttpBufferSize(), conn -> {
        WsTransport ws = new WsTransport(s, conn, b64, false);
        runOnLane(s.lane, () -> s.upgrade.start(ws));
        return ws;
      });
      return;
    }
    if (transport != TransportType.WEBSOCKET) {
      reject(up, HandshakeError.BAD_REQUEST, null, ctx("name", "TRANSPORT_HANDSHAKE_ERROR"));
      return;
    }
    admitHandshake(req, q, refuser, (pv, id) -> {
      Headers h = responseHeaders(req, false);
      applyHeadersHook(h, req, true);
      Lane lane = up.laneForNewSession();
      up.accept(h, options.maxHttpBufferSize(), conn -> {
        Session s = new Session(this, id, pv, req.withoutHandshakeHeaders(), lane);
        if (!register(s)) {
          // another handshake took this id between the check and now: the 101 is already sent
          conn.close(WS_INTERNAL_ERROR, HandshakeError.BAD_REQUEST.message());
          report(req, HandshakeError.BAD_REQUEST, null, ctx("name", "ID_GENERATION_ERROR"));
          return REFUSED;
        }
        WsTransport ws = new WsTransport(s, conn, b64, true);
        runOnLane(
            lane,
            () -> {
              try {
                s.open(ws);
                // close() or drain() may have run between the accept and the end of the WebSocket
                // handshake, when this session was not yet registered for them to see
                afterOpen(s);
              } catch (RuntimeException e) {
                s.openFailed(ws, e);
              }
            });
        return ws;
      });
    });
  }

  // ------------------------------------------------------------------ checks shared by both entry points

  /** How a refusal reaches the client: a polling response, or a WebSocket handshake refused before the 101. */
  private interface Refuser {
    void refuse(HandshakeError error, String message, Map<String, Object> context);

    /**
     * Refuses a handshake with 503: polling with {@code {"code":3,"message":why}}, a WebSocket with the
     * message as text/html before any 101.
     */
    void unavailable(String why);
  }

  /** Refuses the handshake with 503 when no session may open now (draining or at capacity). */
  private boolean refusedAsUnavailable(EngineRequest req, Refuser refuser) {
    String why = unavailable();
    if (why == null) {
      return false;
    }
    refuser.unavailable(why);
    reportUnavailable(req, why);
    return true;
  }

  private Refuser refuser(HttpExchange ex) {
    return new Refuser() {
      @Override
      public void refuse(HandshakeError error, String message, Map<String, Object> context) {
        fail(ex, error, message, context);
      }

      @Override
      public void unavailable(String why) {
        Headers h = responseHeaders(ex.request(), false);
        h.set("Content-Type", "application/json");
        ex.respond(503, h, HandshakeError.BAD_REQUEST.jsonBody(why));
      }
    };
  }

  private Refuser refuser(WsUpgrade up) {
    return new Refuser() {
      @Override
      public void refuse(HandshakeError error, String message, Map<String, Object> context) {
        reject(up, error, message, context);
      }

      @Override
      public void unavailable(String why) {
        up.reject(503, responseHeaders(up.request(), false), why);
      }
    };
  }

  /** docs/protocol.md §4.4 steps 2–3: the transport is enabled and the Origin is a valid header value. */
  private TransportType checkTransportAndOrigin(EngineRequest req, Map<String, String> q, Refuser refuser) {
    String transportName = q.get("transport");
    TransportType transport = TransportType.fromWireName(transportName);
    if (transport == null || !options.transports().contains(transport)) {
      refuser.refuse(HandshakeError.UNKNOWN_TRANSPORT, null, ctx("transport", transportName));
      return null;
    }
    String origin = req.header("Origin");
    if (origin != null && !validHeaderValue(origin)) {
      refuser.refuse(HandshakeError.BAD_REQUEST, null, ctx("name", "INVALID_ORIGIN", "origin", origin));
      return null;
    }
    return transport;
  }

  /**
   * The handshake gate, for polling and WebSocket alike: the protocol (code 5), a closed or full server,
   * the asynchronous {@code allowRequest} (code 4), then the id (code 3). {@code admitted} runs, on the
   * thread that completed the check, only when every step passed.
   */
  private void admitHandshake(
      EngineRequest req, Map<String, String> q, Refuser refuser, java.util.function.BiConsumer<ProtocolVersion, String> admitted) {
    ProtocolVersion pv = checkProtocol(q.get("EIO"));
    if (pv == null) {
      refuser.refuse(HandshakeError.UNSUPPORTED_PROTOCOL_VERSION, null, ctx("protocol", q.get("EIO")));
      return;
    }
    if (closed) {
      refuser.refuse(HandshakeError.BAD_REQUEST, null, ctx("name", "SERVER_CLOSED"));
      return;
    }
    if (refusedAsUnavailable(req, refuser)) {
      return;
    }
    allow(req, denial -> {
      if (denial != null) {
        refuser.refuse(HandshakeError.FORBIDDEN, denial.message(), ctx("message", denial.message()));
        return;
      }
      if (closed) {
        // close() ran while an asynchronous allowRequest was pending: still refuse the handshake
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

  // ------------------------------------------------------------------ helpers

  private ProtocolVersion checkProtocol(String eio) {
    ProtocolVersion pv = ProtocolVersion.fromQuery(eio);
    if (pv == ProtocolVersion.V3 && !options.allowEIO3()) {
      return null;
    }
    return pv; // null for a missing, "5" or "abc" EIO: code 5 (a deliberate difference, docs/compatibility.md)
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
    stage.whenComplete((d, err) -> {
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
    if (gen == null) {
      return SidGenerator.next();
    }
    try {
      String id = gen.generate(req);
      // the duplicate check here only refuses early (a WebSocket before its 101); register() decides
      if (id == null || id.isEmpty() || sessions.containsKey(id)) {
        log.warn("idGenerator returned an empty or duplicate id");
        return null;
      }
      return id;
    } catch (RuntimeException e) {
      log.warn("idGenerator threw", e);
      return null;
    }
  }

  /**
   * Adds a new session to the registry unless its id is taken: the one atomic duplicate check, so that
   * two concurrent handshakes given the same id never replace each other's session.
   */
  private boolean register(Session s) {
    if (sessions.putIfAbsent(s.id, s) == null) {
      return true;
    }
    log.warn("idGenerator returned an id already in use");
    return false;
  }

  private static void runOnLane(Lane lane, Runnable r) {
    if (lane.inLane()) {
      r.run();
    } else {
      lane.execute(r);
    }
  }

  private static boolean nonEmpty(String s) {
    return s != null && !s.isEmpty();
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

  private static Map<String, Object> ctx(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }

  /** The headers every response starts with: CORS when configured (errors included). */
  Headers responseHeaders(EngineRequest req, boolean handshake) {
    Headers h = new Headers();
    CorsOptions cors = options.cors();
    if (cors != null) {
      cors.applyActual(req, h);
    }
    return h;
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

  private void fail(HttpExchange ex, HandshakeError error, String message, Map<String, Object> context) {
    EngineRequest req = ex.request();
    Headers h = responseHeaders(req, false);
    h.set("Content-Type", "application/json");
    ex.respond(error.httpStatus(), h, error.jsonBody(message));
    report(req, error, message, context);
  }

  private void reject(WsUpgrade up, HandshakeError error, String message, Map<String, Object> context) {
    EngineRequest req = up.request();
    Headers h = responseHeaders(req, false);
    up.reject(400, h, message != null ? message : error.message());
    report(req, error, message, context);
  }

  private void report(EngineRequest req, HandshakeError error, String message, Map<String, Object> context) {
    if (log.isDebugEnabled()) {
      log.debug("refused {} {}: code {} {}", LogSafe.escape(req.method()), LogSafe.escape(req.uri()), error.code(), LogSafe.escape(context));
    }
    observer.connectionError(error);
    if (errorListeners.isEmpty()) {
      return;
    }
    ConnectionError ce = new ConnectionError(req, error, message != null ? message : error.message(), context);
    for (Consumer<ConnectionError> l : errorListeners) {
      try {
        l.accept(ce);
      } catch (RuntimeException e) {
        log.error("connection error listener threw", e);
      }
    }
  }

  // ------------------------------------------------------------------ session callbacks

  void announce(Session s) {
    if (log.isDebugEnabled()) {
      log.debug("session {} open (v{}, {})", LogSafe.escape(s.id), s.protocol.number(), s.transport());
    }
    for (Consumer<EngineIoSocket> l : connectionListeners) {
      s.emit(() -> l.accept(s));
    }
  }

  void removed(Session s, DisconnectReason reason, String description) {
    sessions.remove(s.id, s);
    if (draining) {
      Cancellable c = drainTimers.remove(s);
      if (c != null) {
        c.cancel();
      }
    }
    if (!emptyWaiters.isEmpty() && sessions.isEmpty()) {
      completeEmptyWaiters();
    }
    if (log.isDebugEnabled()) {
      log.debug("session {} closed: {} {}", LogSafe.escape(s.id), reason.wireName(), LogSafe.escape(description));
    }
  }

  /**
   * Logs one state transition at DEBUG: {@code session <id>: <from> -> <to>} for the session state,
   * {@code session <id>: upgrade <from> -> <to> (<cause>)} for the upgrade state. The id (an {@code
   * idGenerator} may derive it from the request) and the cause are escaped; nothing is built when DEBUG
   * is off.
   */
  void debugTransition(Session s, String machine, Object from, Object to, String cause) {
    if (!log.isDebugEnabled()) {
      return;
    }
    if (cause == null) {
      log.debug("session {}: {}{} -> {}", LogSafe.escape(s.id), machine, from, to);
    } else {
      log.debug("session {}: {}{} -> {} ({})", LogSafe.escape(s.id), machine, from, to, LogSafe.escape(cause));
    }
  }
}
