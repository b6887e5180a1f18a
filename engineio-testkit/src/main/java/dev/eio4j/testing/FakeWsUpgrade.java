package dev.eio4j.testing;

import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.Lane;
import dev.eio4j.spi.WsConnection;
import dev.eio4j.spi.WsHandler;
import dev.eio4j.spi.WsUpgrade;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Function;

/**
 * An in-memory {@link WsUpgrade}: records the core's decision, {@link #reject} (status, headers, body)
 * or {@link #accept} (headers, maxPayload). On accept the handshake completes at once (or, with {@link
 * Builder#deferOpen()}, when the test calls {@link #open()}): a {@link FakeWsConnection} is created, the
 * core's {@code onOpen} is called with it, and the returned {@link WsHandler} is attached to it so the
 * test can send frames. More than one decision is counted in {@link #decisions()} (a core bug).
 */
public final class FakeWsUpgrade implements WsUpgrade {
  private final EngineRequest request;
  private final Lane lane;
  private final boolean deferOpen;
  private final boolean autoRun;

  private int decisions;
  private int laneRequests;
  private Integer rejectStatus;
  private Headers rejectHeaders;
  private String rejectBody;
  private Headers acceptHeaders;
  private long maxPayload = -1;
  private Function<WsConnection, WsHandler> onOpen;
  private FakeWsConnection connection;
  private boolean handshakeFailed;

  private FakeWsUpgrade(Builder b) {
    this.request = new EngineRequest("GET", b.uri, b.headers.copy(), b.remoteAddress, b.secure);
    this.lane = b.lane;
    this.deferOpen = b.deferOpen;
    this.autoRun = b.autoRun;
  }

  /** A builder for an upgrade request to this target (the Upgrade headers are added). */
  public static Builder builder(String uri) {
    return new Builder(uri);
  }

  /** An upgrade request on {@code lane}, opened at once if accepted. */
  public static FakeWsUpgrade of(String uri, Lane lane) {
    return builder(uri).lane(lane).build();
  }

  // ------------------------------------------------------------------ WsUpgrade

  @Override
  public EngineRequest request() {
    return request;
  }

  @Override
  public synchronized Lane laneForNewSession() {
    laneRequests++;
    if (lane == null) {
      throw new IllegalStateException("this FakeWsUpgrade was built without a lane: " + request);
    }
    return lane;
  }

  @Override
  public synchronized void reject(int status, Headers headers, String body) {
    decisions++;
    if (decisions > 1) {
      return;
    }
    rejectStatus = status;
    rejectHeaders = headers == null ? new Headers() : headers.copy();
    rejectBody = body;
  }

  @Override
  public void accept(
      Headers extraHeaders, long maxPayload, Function<WsConnection, WsHandler> onOpen) {
    synchronized (this) {
      decisions++;
      if (decisions > 1) {
        return;
      }
      this.acceptHeaders = extraHeaders == null ? new Headers() : extraHeaders.copy();
      this.maxPayload = maxPayload;
      this.onOpen = Objects.requireNonNull(onOpen, "onOpen");
    }
    if (!deferOpen) {
      open();
    }
  }

  // ------------------------------------------------------------------ the simulated handshake

  /** Completes an accepted handshake: the connection opens and the core's {@code onOpen} runs. */
  public FakeWsConnection open() {
    Function<WsConnection, WsHandler> f;
    FakeWsConnection c;
    synchronized (this) {
      if (onOpen == null) {
        throw new IllegalStateException("not accepted: " + this);
      }
      if (connection != null) {
        throw new IllegalStateException("already open");
      }
      f = onOpen;
      c = new FakeWsConnection(maxPayload, this::afterClientAction);
      connection = c;
    }
    c.attach(f.apply(c));
    afterClientAction();
    return c;
  }

  /** The RFC 6455 handshake fails after an accept: {@code onOpen} is never called. */
  public synchronized FakeWsUpgrade failHandshake() {
    if (onOpen == null) {
      throw new IllegalStateException("not accepted: " + this);
    }
    handshakeFailed = true;
    return this;
  }

  private void afterClientAction() {
    if (autoRun && lane instanceof ManualScheduler m && !m.inLane()) {
      m.runPending();
    }
  }

  // ------------------------------------------------------------------ inspection

  /** How many times the core decided (1 is correct). */
  public synchronized int decisions() {
    return decisions;
  }

  /** True when the core rejected. */
  public synchronized boolean rejected() {
    return rejectStatus != null;
  }

  /** True when the core accepted. */
  public synchronized boolean accepted() {
    return acceptHeaders != null;
  }

  /** The rejection status. */
  public synchronized int rejectStatus() {
    if (rejectStatus == null) {
      throw new IllegalStateException("not rejected: " + this);
    }
    return rejectStatus;
  }

  /** The rejection headers. */
  public synchronized Headers rejectHeaders() {
    if (rejectStatus == null) {
      throw new IllegalStateException("not rejected: " + this);
    }
    return rejectHeaders.copy();
  }

  /** The rejection body (the adapter sends it as text/html). */
  public synchronized String rejectBody() {
    if (rejectStatus == null) {
      throw new IllegalStateException("not rejected: " + this);
    }
    return rejectBody;
  }

  /** The extra headers of the 101. */
  public synchronized Headers acceptHeaders() {
    if (acceptHeaders == null) {
      throw new IllegalStateException("not accepted: " + this);
    }
    return acceptHeaders.copy();
  }

  /** The frame limit given on accept. */
  public synchronized long maxPayload() {
    if (acceptHeaders == null) {
      throw new IllegalStateException("not accepted: " + this);
    }
    return maxPayload;
  }

  /** The open connection. */
  public synchronized FakeWsConnection connection() {
    if (connection == null) {
      throw new IllegalStateException("no open WebSocket: " + this);
    }
    return connection;
  }

  /** True when {@link #failHandshake()} was called. */
  public synchronized boolean handshakeFailed() {
    return handshakeFailed;
  }

  /** How many times the core asked for a lane. */
  public synchronized int laneRequests() {
    return laneRequests;
  }

  @Override
  public synchronized String toString() {
    String state =
        rejectStatus != null
            ? "rejected " + rejectStatus + " " + rejectBody
            : acceptHeaders != null ? (connection != null ? "open" : "accepted") : "undecided";
    return "FakeWsUpgrade{" + request.uri() + ", " + state + "}";
  }

  /** Builds a {@link FakeWsUpgrade}. */
  public static final class Builder {
    private final String uri;
    private final Headers headers = new Headers();
    private Lane lane;
    private InetSocketAddress remoteAddress = new InetSocketAddress("127.0.0.1", 50001);
    private boolean secure;
    private boolean deferOpen;
    private boolean autoRun = true;

    private Builder(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      headers.add("Connection", "Upgrade");
      headers.add("Upgrade", "websocket");
      headers.add("Sec-WebSocket-Version", "13");
      headers.add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    }

    /** Adds a request header. */
    public Builder header(String name, String value) {
      headers.add(name, value);
      return this;
    }

    /** The lane returned for a new session. */
    public Builder lane(Lane lane) {
      this.lane = lane;
      return this;
    }

    /** The peer address. */
    public Builder remoteAddress(InetSocketAddress address) {
      this.remoteAddress = address;
      return this;
    }

    /** Whether the request came over TLS. */
    public Builder secure(boolean secure) {
      this.secure = secure;
      return this;
    }

    /** Waits for {@link #open()} after an accept instead of opening at once. */
    public Builder deferOpen() {
      this.deferOpen = true;
      return this;
    }

    /** Whether simulated client actions run the {@link ManualScheduler}'s pending tasks (default true). */
    public Builder autoRun(boolean autoRun) {
      this.autoRun = autoRun;
      return this;
    }

    /** Builds the upgrade. */
    public FakeWsUpgrade build() {
      return new FakeWsUpgrade(this);
    }
  }
}
