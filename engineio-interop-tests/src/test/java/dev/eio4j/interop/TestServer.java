package dev.eio4j.interop;

import dev.eio4j.ConnectionError;
import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.Message;
import dev.eio4j.RunningServer;
import dev.eio4j.protocol.TransportType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An echo {@link EngineIoServer} served on 127.0.0.1 (port 0) by one {@link Backend} (Netty, or the
 * servlet runtime in Jetty or Tomcat), with what the tests observe on the server side: connection
 * errors, and per session its received messages, its close reason and its upgrade. Also a small polling
 * client over {@link HttpClient} (HTTP/1.1).
 */
final class TestServer implements AutoCloseable {
  private static final Pattern SID = Pattern.compile("sid[\\\\\"]*:[\\\\\"]*([A-Za-z0-9_-]+)");
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  final EngineIoServer engine;

  /**
   * This server's own client (HTTP/1.1, no automatic decompression). Not shared between servers: a
   * later server may get the same port, and pooled connections to the old one would then be stale.
   */
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  final Backend backend;
  private final RunningServer running;
  private final BlockingQueue<ConnectionError> errors = new LinkedBlockingQueue<>();
  private final Map<String, CompletableFuture<Closed>> closes = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<TransportType>> upgrades = new ConcurrentHashMap<>();
  private final Map<String, BlockingQueue<Message>> received = new ConcurrentHashMap<>();

  /** The backend of every running test server, by port: lets response assertions allow for it. */
  private static final Map<Integer, Backend> LIVE = new ConcurrentHashMap<>();

  /**
   * Why a session ended.
   *
   * @param reason the reason
   * @param description its detail, or null
   * @param atNanos {@link System#nanoTime()} when the close event ran
   */
  record Closed(DisconnectReason reason, String description, long atNanos) {}

  private TestServer(Backend backend, EngineIoServer engine) throws Exception {
    this.backend = backend;
    this.engine = engine;
    engine.onConnectionError(errors::add);
    engine.onConnection(
        socket -> {
          String sid = socket.id();
          BlockingQueue<Message> inbox =
              received.computeIfAbsent(sid, k -> new LinkedBlockingQueue<>());
          socket.onMessage(
              m -> {
                inbox.add(m);
                socket.send(m);
              });
          socket.onUpgrade(
              t -> upgrades.computeIfAbsent(sid, k -> new CompletableFuture<>()).complete(t));
          socket.onClose(
              (reason, description) ->
                  closes
                      .computeIfAbsent(sid, k -> new CompletableFuture<>())
                      .complete(new Closed(reason, description, System.nanoTime())));
        });
    this.running = backend.start(engine);
    LIVE.put(running.port(), backend);
  }

  /** The backend that answered {@code r}. */
  static Backend backendOf(HttpResponse<?> r) {
    Backend b = LIVE.get(r.uri().getPort());
    if (b == null) {
      throw new AssertionError("no running test server on port " + r.uri().getPort());
    }
    return b;
  }

  /** An echo server on {@code backend} with these options (applied to a fresh builder). */
  static TestServer echo(Backend backend, UnaryOperator<EngineIoServer.Builder> options) {
    try {
      return new TestServer(backend, options.apply(EngineIoServer.builder()).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start " + backend, e);
    }
  }

  int port() {
    return running.port();
  }

  /** {@code http://127.0.0.1:<port>/engine.io/?<query>}. */
  String url(String query) {
    return "http://127.0.0.1:" + port() + "/engine.io/?" + query;
  }

  /** {@code ws://127.0.0.1:<port>/engine.io/?<query>}. */
  URI wsUri(String query) {
    return URI.create("ws://127.0.0.1:" + port() + "/engine.io/?" + query);
  }

  /** The request target {@code /engine.io/?<query>} for raw requests. */
  static String target(String query) {
    return "/engine.io/?" + query;
  }

  // ------------------------------------------------------------------ server-side observations

  /** Completes when the session ends. */
  CompletableFuture<Closed> closed(String sid) {
    return closes.computeIfAbsent(sid, k -> new CompletableFuture<>());
  }

  /** Waits for the session's close event (at most {@code timeout}). */
  Closed awaitClosed(String sid, Duration timeout) throws Exception {
    return closed(sid).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Completes when the session has moved to WebSocket. */
  CompletableFuture<TransportType> upgraded(String sid) {
    return upgrades.computeIfAbsent(sid, k -> new CompletableFuture<>());
  }

  /** The messages the server received on that session, in order. */
  BlockingQueue<Message> received(String sid) {
    return received.computeIfAbsent(sid, k -> new LinkedBlockingQueue<>());
  }

  /** The next message the server received on that session (waits up to 5 s). */
  Message nextReceived(String sid) throws Exception {
    Message m = received(sid).poll(5, TimeUnit.SECONDS);
    if (m == null) {
      throw new TimeoutException("server received nothing on " + sid);
    }
    return m;
  }

  /** The live server-side socket. */
  EngineIoSocket socket(String sid) {
    return engine.socket(sid).orElseThrow(() -> new AssertionError("no open session " + sid));
  }

  /** True while the session is registered. */
  boolean isOpen(String sid) {
    return engine.socket(sid).isPresent();
  }

  /** Forgets earlier connection errors. */
  void clearErrors() {
    errors.clear();
  }

  /** The next connection error (waits up to 5 s). */
  ConnectionError nextError() throws Exception {
    ConnectionError e = errors.poll(5, TimeUnit.SECONDS);
    if (e == null) {
      throw new TimeoutException("no connection_error reported");
    }
    return e;
  }

  /** Connection errors reported and not yet taken. */
  int pendingErrors() {
    return errors.size();
  }

  // ------------------------------------------------------------------ polling client

  /** Sends a request with {@code "Name", "value"} header pairs. */
  HttpResponse<byte[]> request(String method, String query, byte[] body, String... headerPairs)
      throws IOException, InterruptedException {
    return send(requestFor(method, query, body, headerPairs));
  }

  CompletableFuture<HttpResponse<byte[]>> requestAsync(
      String method, String query, byte[] body, String... headerPairs) {
    return http.sendAsync(
        requestFor(method, query, body, headerPairs), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpRequest requestFor(String method, String query, byte[] body, String... headerPairs) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(query)))
            .timeout(REQUEST_TIMEOUT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i + 1 < headerPairs.length; i += 2) {
      b.header(headerPairs[i], headerPairs[i + 1]);
    }
    return b.build();
  }

  HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> get(String query, String... headerPairs)
      throws IOException, InterruptedException {
    return request("GET", query, null, headerPairs);
  }

  CompletableFuture<HttpResponse<byte[]>> getAsync(String query, String... headerPairs) {
    return requestAsync("GET", query, null, headerPairs);
  }

  HttpResponse<byte[]> post(String query, String body, String... headerPairs)
      throws IOException, InterruptedException {
    return request("POST", query, body.getBytes(StandardCharsets.UTF_8), headerPairs);
  }

  /** A polling handshake with {@code query} (e.g. {@code EIO=4&transport=polling}); returns the sid. */
  String handshake(String query) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = get(query);
    if (r.statusCode() != 200) {
      throw new AssertionError("handshake failed: " + r.statusCode() + " " + text(r));
    }
    return sidOf(text(r));
  }

  /** The sid inside an open packet (plain, v3-framed or JSONP-escaped). */
  static String sidOf(String openPacket) {
    Matcher m = SID.matcher(openPacket);
    if (!m.find()) {
      throw new AssertionError("no sid in " + openPacket);
    }
    return m.group(1);
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Override
  public void close() {
    LIVE.remove(running.port(), backend);
    running.close();
  }
}
