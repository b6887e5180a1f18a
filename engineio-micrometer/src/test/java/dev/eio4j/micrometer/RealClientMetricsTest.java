package dev.eio4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.EngineIoServer;
import dev.eio4j.netty.EngineIoNettyServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real clients over real sockets: the Netty runtime on a loopback port, and Engine.IO spoken by hand
 * with {@link HttpClient} (polling) and {@link WebSocket}. Each test has its own server, metrics and
 * registry, so counts are exact; values recorded after a response is written (poll hold, closes) are
 * awaited.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RealClientMetricsTest {
  private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final EngineIoMetrics metrics = new EngineIoMetrics();
  private final Meters m = new Meters(registry);
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private EngineIoNettyServer running;
  private String base;

  private void start(Consumer<EngineIoServer.Builder> config) throws Exception {
    metrics.bindTo(registry);
    EngineIoServer.Builder b = EngineIoServer.builder().observer(metrics);
    config.accept(b);
    EngineIoServer server = b.build();
    server.onConnection(s -> s.onMessage(s::send)); // echo
    running = EngineIoNettyServer.builder(server).host("127.0.0.1").port(0).ioThreads(2).start();
    base = "127.0.0.1:" + running.port() + "/engine.io/?";
  }

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  // ------------------------------------------------------------------ the scenarios

  @Test
  void pollingEcho() throws Exception {
    start(b -> {});
    HttpResponse<String> hs = get("EIO=4&transport=polling");
    assertThat(hs.statusCode()).isEqualTo(200);
    String sid = sid(hs.body());
    String q = "EIO=4&transport=polling&sid=" + sid;
    assertThat(post(q, "4hello\u001e4ça va").body()).isEqualTo("ok");
    assertThat(get(q).body()).isEqualTo("4hello\u001e4ça va");

    assertThat(m.handshakes("polling", "4")).isEqualTo(1);
    assertThat(m.open("polling", "4")).isEqualTo(1);
    assertThat(m.packets("polling", "in")).isEqualTo(2);
    assertThat(m.bytes("polling", "in")).isEqualTo(utf8("4hello\u001e4ça va"));
    assertThat(m.packets("polling", "out")).isEqualTo(3);
    assertThat(m.bytes("polling", "out")).isEqualTo(utf8(hs.body()) + utf8("4hello\u001e4ça va"));
    eventually(() -> assertThat(m.holds("4").count()).isEqualTo(1));
    assertThat(m.packets("websocket", "in") + m.packets("websocket", "out")).isZero();
    assertThat(m.closesTotal()).isZero();
  }

  @Test
  void upgradeToWebSocket() throws Exception {
    start(b -> {});
    String sid = sid(get("EIO=4&transport=polling").body());
    String q = "EIO=4&transport=polling&sid=" + sid;
    CompletableFuture<HttpResponse<String>> held = getAsync(q);
    Ws ws = Ws.open(http, "ws://" + base + "EIO=4&transport=websocket&sid=" + sid);
    ws.send("2probe");
    assertThat(ws.next()).isEqualTo("3probe");
    assertThat(held.get(5, TimeUnit.SECONDS).body())
        .isEqualTo("6"); // the noop that releases the GET
    ws.send("5");
    ws.send("4over websocket");
    assertThat(ws.next()).isEqualTo("4over websocket");

    assertThat(m.upgrades("4", "attempted", "none")).isEqualTo(1);
    assertThat(m.upgrades("4", "succeeded", "none")).isEqualTo(1);
    assertThat(m.open("websocket", "4")).isEqualTo(1);
    assertThat(m.open("polling", "4")).isZero();
    assertThat(m.packets("websocket", "in")).isEqualTo(3); // 2probe, 5, the message
    // counted right after the frame is flushed: when the WebSocket shares the session's event loop
    // the
    // client may read the echo before the count is made, hence eventually
    eventually(() -> assertThat(m.packets("websocket", "out")).isEqualTo(2)); // 3probe, the echo
    assertThat(m.bytes("websocket", "in")).isEqualTo(6 + 1 + 15);
    assertThat(m.bytes("websocket", "out")).isEqualTo(6 + 15);

    ws.close();
    eventually(() -> assertThat(m.closes("transport close", "websocket")).isEqualTo(1));
    assertThat(m.open("websocket", "4")).isZero();
    assertThat(
            m.upgrades("4", "failed", "timeout")
                + m.upgrades("4", "failed", "socket closed")
                + m.upgrades("4", "failed", "probe aborted"))
        .isZero();
  }

  @Test
  void pingTimeoutsAndHeartbeatRoundTrips() throws Exception {
    start(b -> b.pingInterval(Duration.ofMillis(100)).pingTimeout(Duration.ofMillis(100)));
    // a: polling, silent after the handshake
    get("EIO=4&transport=polling");
    // b: polling, answers the first ping, then silent
    String q = "EIO=4&transport=polling&sid=" + sid(get("EIO=4&transport=polling").body());
    assertThat(get(q).body()).isEqualTo("2"); // held until the ping, 100 ms after the handshake
    assertThat(post(q, "3").body()).isEqualTo("ok");
    // c: WebSocket, answers the first ping, then silent
    Ws ws = Ws.open(http, "ws://" + base + "EIO=4&transport=websocket");
    assertThat(ws.next()).startsWith("0{");
    assertThat(ws.next()).isEqualTo("2");
    ws.send("3");

    eventually(() -> assertThat(m.closes("ping timeout", "polling")).isEqualTo(2));
    eventually(() -> assertThat(m.closes("ping timeout", "websocket")).isEqualTo(1));
    assertThat(ws.closed().get(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(m.rtt("polling").count()).isEqualTo(1);
    assertThat(m.rtt("websocket").count()).isEqualTo(1);
    assertThat(m.holds("4").count()).isGreaterThan(0);
    assertThat(m.holds("4").max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(50);
    assertThat(m.sessionDuration().count()).isEqualTo(3);
    assertThat(m.sessionDuration().max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(200);
    assertThat(m.open("polling", "4") + m.open("websocket", "4")).isZero();
  }

  @Test
  void oversizedPostAndFrame() throws Exception {
    start(b -> b.maxHttpBufferSize(100));
    String q = "EIO=4&transport=polling&sid=" + sid(get("EIO=4&transport=polling").body());
    assertThat(post(q, "4" + "x".repeat(200)).statusCode()).isEqualTo(413);
    assertThat(m.limit("body too large")).isEqualTo(1);
    assertThat(m.open("polling", "4")).as("the session stays open").isEqualTo(1);

    Ws ws = Ws.open(http, "ws://" + base + "EIO=4&transport=websocket");
    assertThat(ws.next()).startsWith("0{");
    ws.send("4" + "y".repeat(200));
    assertThat(ws.closed().get(5, TimeUnit.SECONDS)).isEqualTo(1009);
    eventually(() -> assertThat(m.limit("frame too large")).isEqualTo(1));
    eventually(() -> assertThat(m.closes("transport error", "websocket")).isEqualTo(1));
    assertThat(m.limitTotal()).isEqualTo(2);
  }

  @Test
  void handshakeErrors() throws Exception {
    start(b -> {});
    assertThat(get("EIO=4&transport=carrier-pigeon").body())
        .isEqualTo("{\"code\":0,\"message\":\"Transport unknown\"}");
    assertThat(get("EIO=4&transport=polling&sid=nobody").body())
        .isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    assertThat(get("EIO=5&transport=polling").body())
        .isEqualTo("{\"code\":5,\"message\":\"Unsupported protocol version\"}");
    assertThatThrownBy(() -> Ws.open(http, "ws://" + base + "EIO=5&transport=websocket"))
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(400));

    assertThat(m.connectionErrors("0")).isEqualTo(1);
    assertThat(m.connectionErrors("1")).isEqualTo(1);
    assertThat(m.connectionErrors("5")).isEqualTo(2);
    assertThat(m.connectionErrors("2") + m.connectionErrors("3") + m.connectionErrors("4"))
        .isZero();
    assertThat(m.handshakes("polling", "4") + m.handshakes("websocket", "4")).isZero();
  }

  // ------------------------------------------------------------------ the client

  private HttpResponse<String> get(String query) throws Exception {
    return getAsync(query).get(5, TimeUnit.SECONDS);
  }

  private CompletableFuture<HttpResponse<String>> getAsync(String query) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://" + base + query))
            .timeout(Duration.ofSeconds(5))
            .build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> post(String query, String body) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://" + base + query))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "text/plain;charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String sid(String openPacket) {
    Matcher matcher = SID.matcher(openPacket);
    assertThat(matcher.find()).as("an open packet: %s", openPacket).isTrue();
    return matcher.group(1);
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Retries {@code check} for up to 5 s. */
  private static void eventually(Runnable check) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(10);
      }
    }
  }

  /** A JDK WebSocket whose text messages land in a queue; the close status (or -1) in a future. */
  private static final class Ws implements WebSocket.Listener {
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static Ws open(HttpClient http, String uri) throws Exception {
      Ws ws = new Ws();
      try {
        ws.socket =
            http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(uri), ws)
                .get(5, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException("WebSocket handshake failed", e.getCause());
      }
      return ws;
    }

    void send(String text) throws Exception {
      socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    String next() throws Exception {
      String s = messages.poll(5, TimeUnit.SECONDS);
      assertThat(s).as("a message within 5 s").isNotNull();
      return s;
    }

    CompletableFuture<Integer> closed() {
      return closed;
    }

    void close() {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(-1);
    }
  }
}
