package dev.eio4j.testing;

import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.HttpExchange;
import dev.eio4j.spi.Lane;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory {@link HttpExchange}: a request built by the test, and a recorded response.
 *
 * <p>It behaves like a well-behaved adapter: {@link #readBody} reports {@link
 * HttpExchange.BodyHandler#onTooLarge()} when the body, or the {@code Content-Length} it announces, is over
 * the limit; {@link #respond} keeps the first response and counts (but ignores) later ones; {@link
 * #clientGone()} runs the registered callbacks unless a response was already written. With {@link
 * Builder#deferBody()} the body "streams" until the test calls {@link #completeBody()} or {@link
 * #failBody(Throwable)}, so a second POST can overlap it.
 *
 * <p>When the lane is a {@link ManualScheduler} and auto-run is on (the default), the simulated client
 * actions ({@link #clientGone()}, {@link #completeBody()}, {@link #failBody}) run the scheduler's pending
 * tasks afterwards, as an event loop would.
 */
public final class FakeHttpExchange implements HttpExchange {
  private final EngineRequest request;
  private final byte[] requestBody;
  private final Lane lane;
  private final boolean deferBody;
  private final boolean autoRun;

  private final List<Runnable> goneCallbacks = new ArrayList<>(1);
  private int laneRequests;
  private boolean bodyRequested;
  private long bodyLimit = -1;
  private BodyHandler pendingBodyHandler;
  private String bodyOutcome; // "body", "tooLarge", "error"
  private boolean gone;
  private boolean aborted;
  private int respondCalls;
  private int status = -1;
  private Headers responseHeaders;
  private byte[] responseBody;

  private FakeHttpExchange(Builder b) {
    Headers h = b.headers.copy();
    this.request = new EngineRequest(b.method, b.uri, h, b.remoteAddress, b.secure);
    this.requestBody = b.body;
    this.lane = b.lane;
    this.deferBody = b.deferBody;
    this.autoRun = b.autoRun;
  }

  /** A builder for a request with this method and request target. */
  public static Builder builder(String method, String uri) {
    return new Builder(method, uri);
  }

  /** A GET on {@code lane}. */
  public static FakeHttpExchange get(String uri, Lane lane) {
    return builder("GET", uri).lane(lane).build();
  }

  /** A POST of UTF-8 text ({@code text/plain;charset=UTF-8}) on {@code lane}. */
  public static FakeHttpExchange post(String uri, String body, Lane lane) {
    return builder("POST", uri)
        .lane(lane)
        .contentType("text/plain;charset=UTF-8")
        .body(body)
        .build();
  }

  // ------------------------------------------------------------------ HttpExchange

  @Override
  public EngineRequest request() {
    return request;
  }

  @Override
  public synchronized Lane laneForNewSession() {
    laneRequests++;
    if (lane == null) {
      throw new IllegalStateException("this FakeHttpExchange was built without a lane: " + request);
    }
    return lane;
  }

  @Override
  public void readBody(long maxBytes, BodyHandler handler) {
    Objects.requireNonNull(handler, "handler");
    String outcome;
    synchronized (this) {
      if (bodyRequested) {
        throw new IllegalStateException("readBody called twice on " + request);
      }
      bodyRequested = true;
      bodyLimit = maxBytes;
      if (gone) {
        outcome = "error";
      } else if (announcedLength() > maxBytes || requestBody.length > maxBytes) {
        outcome = "tooLarge"; // a real adapter stops reading here and buffers nothing
      } else if (deferBody) {
        pendingBodyHandler = handler;
        return;
      } else {
        outcome = "body";
      }
      bodyOutcome = outcome;
    }
    deliver(handler, outcome, null);
  }

  private long announcedLength() {
    String cl = request.header("Content-Length");
    if (cl == null) {
      return -1;
    }
    try {
      return Long.parseLong(cl.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void deliver(BodyHandler handler, String outcome, Throwable cause) {
    switch (outcome) {
      case "body" -> handler.onBody(requestBody.clone());
      case "tooLarge" -> handler.onTooLarge();
      default -> handler.onError(cause != null ? cause : new IOException("client went away"));
    }
  }

  @Override
  public void respond(int status, Headers headers, byte[] body) {
    synchronized (this) {
      respondCalls++;
      if (respondCalls > 1) {
        return; // "a second call is ignored"
      }
      this.status = status;
      this.responseHeaders = headers == null ? new Headers() : headers.copy();
      this.responseBody = body == null ? new byte[0] : body.clone();
      goneCallbacks.clear();
    }
  }

  @Override
  public synchronized void abort() {
    aborted = true;
  }

  @Override
  public void onClientGone(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    boolean runNow;
    synchronized (this) {
      if (respondCalls > 0) {
        return; // registering after the response runs nothing
      }
      runNow = gone;
      if (!runNow) {
        goneCallbacks.add(callback);
      }
    }
    if (runNow) {
      callback.run();
    }
  }

  // ------------------------------------------------------------------ the simulated client

  /**
   * The client closes the connection: runs the gone callbacks (unless a response was already written) and
   * fails a body that is still streaming.
   */
  public FakeHttpExchange clientGone() {
    List<Runnable> callbacks;
    BodyHandler body;
    synchronized (this) {
      if (gone) {
        return this;
      }
      gone = true;
      callbacks = respondCalls > 0 ? List.of() : new ArrayList<>(goneCallbacks);
      goneCallbacks.clear();
      body = pendingBodyHandler;
      pendingBodyHandler = null;
      if (body != null) {
        bodyOutcome = "error";
      }
    }
    for (Runnable r : callbacks) {
      r.run();
    }
    if (body != null) {
      body.onError(new IOException("client went away"));
    }
    afterClientAction();
    return this;
  }

  /** Delivers a deferred body ({@link Builder#deferBody()}). */
  public FakeHttpExchange completeBody() {
    BodyHandler h;
    synchronized (this) {
      h = pendingBodyHandler;
      if (h == null) {
        throw new IllegalStateException("no deferred body is pending on " + request);
      }
      pendingBodyHandler = null;
      bodyOutcome = "body";
    }
    deliver(h, "body", null);
    afterClientAction();
    return this;
  }

  /** Fails a deferred body ({@link Builder#deferBody()}) as a broken connection would. */
  public FakeHttpExchange failBody(Throwable cause) {
    BodyHandler h;
    synchronized (this) {
      h = pendingBodyHandler;
      if (h == null) {
        throw new IllegalStateException("no deferred body is pending on " + request);
      }
      pendingBodyHandler = null;
      bodyOutcome = "error";
    }
    deliver(h, "error", cause);
    afterClientAction();
    return this;
  }

  private void afterClientAction() {
    if (autoRun && lane instanceof ManualScheduler m && !m.inLane()) {
      m.runPending();
    }
  }

  // ------------------------------------------------------------------ inspection

  /** True once {@link #respond} was called. */
  public synchronized boolean responded() {
    return respondCalls > 0;
  }

  /** How many times {@link #respond} was called (more than 1 is a core bug). */
  public synchronized int respondCalls() {
    return respondCalls;
  }

  /** The response status. */
  public synchronized int status() {
    requireResponse();
    return status;
  }

  /** A copy of the response headers. */
  public synchronized Headers responseHeaders() {
    requireResponse();
    return responseHeaders.copy();
  }

  /** The first value of a response header, or null. */
  public synchronized String responseHeader(String name) {
    requireResponse();
    return responseHeaders.get(name);
  }

  /** A copy of the response body. */
  public synchronized byte[] body() {
    requireResponse();
    return responseBody.clone();
  }

  /** The response body decoded as UTF-8. */
  public synchronized String bodyString() {
    requireResponse();
    return new String(responseBody, StandardCharsets.UTF_8);
  }

  /** True when the core aborted the connection. */
  public synchronized boolean aborted() {
    return aborted;
  }

  /** True once {@link #clientGone()} was called. */
  public synchronized boolean isClientGone() {
    return gone;
  }

  /** True once the core asked for the body. */
  public synchronized boolean bodyRequested() {
    return bodyRequested;
  }

  /** The limit passed to {@link #readBody}, or -1. */
  public synchronized long bodyLimit() {
    return bodyLimit;
  }

  /** How the body read ended: {@code "body"}, {@code "tooLarge"}, {@code "error"}, or null (not yet). */
  public synchronized String bodyOutcome() {
    return bodyOutcome;
  }

  /** How many times the core asked for a lane. */
  public synchronized int laneRequests() {
    return laneRequests;
  }

  /** Registered gone-callbacks that have not run (0 after a response). */
  public synchronized int pendingGoneCallbacks() {
    return goneCallbacks.size();
  }

  private void requireResponse() {
    if (respondCalls == 0) {
      throw new IllegalStateException(
          "no response yet to "
              + request
              + (aborted ? " (aborted)" : gone ? " (client gone)" : ""));
    }
  }

  @Override
  public synchronized String toString() {
    StringBuilder sb = new StringBuilder("FakeHttpExchange{").append(request);
    if (respondCalls > 0) {
      sb.append(" -> ").append(status).append(' ').append(Bytes.printable(responseBody));
    } else {
      sb.append(" (no response)");
    }
    if (aborted) {
      sb.append(" aborted");
    }
    if (gone) {
      sb.append(" client-gone");
    }
    return sb.append('}').toString();
  }

  /** Builds a {@link FakeHttpExchange}. */
  public static final class Builder {
    private final String method;
    private final String uri;
    private final Headers headers = new Headers();
    private byte[] body = new byte[0];
    private Lane lane;
    private InetSocketAddress remoteAddress = new InetSocketAddress("127.0.0.1", 50000);
    private boolean secure;
    private boolean deferBody;
    private boolean autoRun = true;

    private Builder(String method, String uri) {
      this.method = Objects.requireNonNull(method, "method");
      this.uri = Objects.requireNonNull(uri, "uri");
    }

    /** Adds a request header. */
    public Builder header(String name, String value) {
      headers.add(name, value);
      return this;
    }

    /** Sets {@code Content-Type}. */
    public Builder contentType(String value) {
      headers.set("Content-Type", value);
      return this;
    }

    /** The body as UTF-8. */
    public Builder body(String text) {
      return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The body bytes (copied). */
    public Builder body(byte[] bytes) {
      this.body = Arrays.copyOf(bytes, bytes.length);
      return this;
    }

    /** The lane returned for a new session (usually the test's {@link ManualScheduler}). */
    public Builder lane(Lane lane) {
      this.lane = lane;
      return this;
    }

    /** The peer address (default 127.0.0.1:50000; null for unknown). */
    public Builder remoteAddress(InetSocketAddress address) {
      this.remoteAddress = address;
      return this;
    }

    /** Whether the request came over TLS. */
    public Builder secure(boolean secure) {
      this.secure = secure;
      return this;
    }

    /** Keeps the body "streaming" until {@link #completeBody()} or {@link #failBody}. */
    public Builder deferBody() {
      this.deferBody = true;
      return this;
    }

    /** Whether simulated client actions run the {@link ManualScheduler}'s pending tasks (default true). */
    public Builder autoRun(boolean autoRun) {
      this.autoRun = autoRun;
      return this;
    }

    /** Builds the exchange. */
    public FakeHttpExchange build() {
      return new FakeHttpExchange(this);
    }
  }
}
