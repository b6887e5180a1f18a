package dev.eio4j.testing;

import dev.eio4j.ConnectionError;
import dev.eio4j.EngineIoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A real {@link EngineIoServer} wired to a {@link ManualScheduler}, a {@link RecordingListener} and a
 * {@code connection_error} recorder, with one-line request helpers. Every helper hands the request to
 * the server and then runs the scheduler's pending tasks, so when it returns the core has done
 * everything it would do "at once" (a held GET simply has no response yet).
 *
 * <pre>{@code
 * EngineHarness h = EngineHarness.create(b -> b.pingInterval(Duration.ofMillis(300)));
 * PollingClient c = h.openPolling("EIO=4");
 * c.post("4hello");
 * assertThat(h.events().only().texts()).containsExactly("hello");
 * }</pre>
 */
public final class EngineHarness {
  private final ManualScheduler clock;
  private final EngineIoServer server;
  private final RecordingListener events;
  private final List<ConnectionError> errors = new ArrayList<>();

  /**
   * Harnesses created on this thread since tracking began; null while not tracking, so nothing is
   * retained unless a test framework hook asked for it and drains it.
   */
  private static final ThreadLocal<List<EngineHarness>> TRACKED = new ThreadLocal<>();

  private EngineHarness(ManualScheduler clock, EngineIoServer server) {
    this.clock = clock;
    this.server = server;
    this.events = RecordingListener.attach(server);
    server.onConnectionError(
        e -> {
          synchronized (errors) {
            errors.add(e);
          }
        });
    List<EngineHarness> tracked = TRACKED.get();
    if (tracked != null) {
      tracked.add(this);
    }
  }

  /**
   * Starts remembering every harness this thread creates, until {@link #stopTracking()}; a test
   * framework hook calls this before the test instance exists and {@link #drainTracked()} after each
   * test.
   */
  public static void startTracking() {
    if (TRACKED.get() == null) {
      TRACKED.set(new ArrayList<>());
    }
  }

  /** The harnesses this thread created since the last drain (empty when not tracking). */
  public static List<EngineHarness> drainTracked() {
    List<EngineHarness> tracked = TRACKED.get();
    if (tracked == null) {
      return List.of();
    }
    List<EngineHarness> out = List.copyOf(tracked);
    tracked.clear();
    return out;
  }

  /** Stops tracking on this thread and forgets what was tracked. */
  public static void stopTracking() {
    TRACKED.remove();
  }

  /**
   * Throws unless every event of every socket was taken by the test (see {@link RecordingListener});
   * heartbeat events count as unexpected too.
   */
  public void verifyNoMoreEvents() {
    events.assertAllExhausted(false);
  }

  /** Like {@link #verifyNoMoreEvents()} but heartbeat events need not be taken. */
  public void verifyNoMoreEventsExceptHeartbeats() {
    events.assertAllExhausted(true);
  }

  /** A harness around a server with the default options. */
  public static EngineHarness create() {
    return create(b -> {});
  }

  /** A harness around a server configured by {@code config}. */
  public static EngineHarness create(Consumer<EngineIoServer.Builder> config) {
    EngineIoServer.Builder b = EngineIoServer.builder();
    config.accept(b);
    return new EngineHarness(new ManualScheduler(), b.build());
  }

  /** A harness around an existing server (its lane will be a new {@link ManualScheduler}). */
  public static EngineHarness wrap(EngineIoServer server) {
    return new EngineHarness(new ManualScheduler(), server);
  }

  /** The virtual clock every session of this harness lives on. */
  public ManualScheduler clock() {
    return clock;
  }

  /** The server under test. */
  public EngineIoServer server() {
    return server;
  }

  /** The per-socket event recorder. */
  public RecordingListener events() {
    return events;
  }

  /** Every {@code connection_error} reported so far. */
  public List<ConnectionError> connectionErrors() {
    synchronized (errors) {
      return List.copyOf(errors);
    }
  }

  /** Makes every new socket echo what it receives. */
  public EngineHarness echo() {
    events.onOpen(s -> s.onMessage(s::send));
    return this;
  }

  /** The Engine.IO request target with a query, e.g. {@code /engine.io/?EIO=4&transport=polling}. */
  public String uri(String query) {
    return server.options().pathPrefix() + "?" + query;
  }

  // ------------------------------------------------------------------ raw requests

  /** A builder for an HTTP request on this harness's lane ({@code query} is the query string). */
  public FakeHttpExchange.Builder http(String method, String query) {
    return FakeHttpExchange.builder(method, uri(query)).lane(clock);
  }

  /** A builder for a WebSocket upgrade on this harness's lane. */
  public FakeWsUpgrade.Builder ws(String query) {
    return FakeWsUpgrade.builder(uri(query)).lane(clock);
  }

  /** Hands the exchange to the server and runs what is due; returns the exchange. */
  public FakeHttpExchange send(FakeHttpExchange exchange) {
    server.handleRequest(exchange);
    clock.runPending();
    return exchange;
  }

  /** Hands the upgrade to the server and runs what is due; returns the upgrade. */
  public FakeWsUpgrade send(FakeWsUpgrade upgrade) {
    server.handleUpgrade(upgrade);
    clock.runPending();
    return upgrade;
  }

  /** A GET with this query string. */
  public FakeHttpExchange get(String query) {
    return send(http("GET", query).build());
  }

  /** A POST of UTF-8 text ({@code text/plain;charset=UTF-8}). */
  public FakeHttpExchange post(String query, String body) {
    return send(http("POST", query).contentType("text/plain;charset=UTF-8").body(body).build());
  }

  /** A POST of bytes with a content type. */
  public FakeHttpExchange post(String query, byte[] body, String contentType) {
    return send(http("POST", query).contentType(contentType).body(body).build());
  }

  /** A request with any method and no body. */
  public FakeHttpExchange request(String method, String query) {
    return send(http(method, query).build());
  }

  /** A WebSocket upgrade with this query string. */
  public FakeWsUpgrade upgrade(String query) {
    return send(ws(query).build());
  }

  // ------------------------------------------------------------------ sessions

  /**
   * Opens a polling session: a handshake GET with {@code EIO=…&transport=polling} plus {@code extra}
   * (e.g. {@code "EIO=4"}, {@code "EIO=3&b64=1"}, {@code "EIO=4&j=0"}).
   *
   * @throws IllegalStateException when the handshake is not answered 200
   */
  public PollingClient openPolling(String query) {
    FakeHttpExchange hs = get(query + "&transport=polling");
    if (!hs.responded() || hs.status() != 200) {
      throw new IllegalStateException("handshake failed: " + hs);
    }
    return new PollingClient(this, query, OpenPackets.sid(hs.bodyString()), hs);
  }

  /** Opens a session over a direct WebSocket ({@code query} e.g. {@code "EIO=4"}). */
  public WsClient openWebSocket(String query) {
    FakeWsUpgrade up = upgrade(query + "&transport=websocket");
    if (!up.accepted()) {
      throw new IllegalStateException("WebSocket handshake refused: " + up);
    }
    FakeWsConnection conn = up.connection();
    List<FakeWsConnection.Frame> frames = conn.frames();
    if (frames.isEmpty() || frames.get(0).binary() || !frames.get(0).text().startsWith("0{")) {
      throw new IllegalStateException("no open packet on the WebSocket: " + conn);
    }
    return new WsClient(OpenPackets.sid(frames.get(0).text()), up, conn);
  }

  /** A polling session as its client sees it. */
  public static final class PollingClient {
    private final EngineHarness h;
    private final String query;
    private final String sid;
    private final FakeHttpExchange handshake;

    PollingClient(EngineHarness h, String query, String sid, FakeHttpExchange handshake) {
      this.h = h;
      this.query = query;
      this.sid = sid;
      this.handshake = handshake;
    }

    /** The session id. */
    public String sid() {
      return sid;
    }

    /** The handshake exchange. */
    public FakeHttpExchange handshake() {
      return handshake;
    }

    /** The query string of this session's polling requests (with transport and sid). */
    public String pollingQuery() {
      return query + "&transport=polling&sid=" + sid;
    }

    /** A GET (it may stay held: check {@link FakeHttpExchange#responded()}). */
    public FakeHttpExchange get() {
      return h.get(pollingQuery());
    }

    /** A GET built by the test (e.g. with extra headers). */
    public FakeHttpExchange.Builder getBuilder() {
      return h.http("GET", pollingQuery());
    }

    /** A POST of a text payload. */
    public FakeHttpExchange post(String payload) {
      return h.post(pollingQuery(), payload);
    }

    /** A POST of bytes with a content type. */
    public FakeHttpExchange post(byte[] payload, String contentType) {
      return h.post(pollingQuery(), payload, contentType);
    }

    /** A POST built by the test (e.g. with a deferred body). */
    public FakeHttpExchange.Builder postBuilder() {
      return h.http("POST", pollingQuery()).contentType("text/plain;charset=UTF-8");
    }

    /** A WebSocket upgrade request for this session ({@code extra} is appended to the query). */
    public FakeWsUpgrade upgrade(String extra) {
      return h.upgrade(query + "&transport=websocket&sid=" + sid + extra);
    }

    /** A WebSocket upgrade request for this session. */
    public FakeWsUpgrade upgrade() {
      return upgrade("");
    }

    /** The recorded events of this session. */
    public RecordingListener.SocketLog events() {
      return h.events.socket(sid);
    }

    @Override
    public String toString() {
      return "PollingClient{" + sid + "}";
    }
  }

  /** A direct WebSocket session as its client sees it. */
  public static final class WsClient {
    private final String sid;
    private final FakeWsUpgrade upgrade;
    private final FakeWsConnection conn;

    WsClient(String sid, FakeWsUpgrade upgrade, FakeWsConnection conn) {
      this.sid = sid;
      this.upgrade = upgrade;
      this.conn = conn;
    }

    /** The session id. */
    public String sid() {
      return sid;
    }

    /** The upgrade request. */
    public FakeWsUpgrade upgrade() {
      return upgrade;
    }

    /** The connection. */
    public FakeWsConnection conn() {
      return conn;
    }

    @Override
    public String toString() {
      return "WsClient{" + sid + "}";
    }
  }
}
