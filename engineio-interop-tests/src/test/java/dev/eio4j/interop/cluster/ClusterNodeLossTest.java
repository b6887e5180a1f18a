package dev.eio4j.interop.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.interop.cluster.Balancer.Recipe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One node of three stops behind each recipe of docs/cluster/: its own sessions fail at their next
 * request, every session of the other two nodes goes on (polling and WebSocket), and new handshakes
 * succeed at once on the live nodes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterNodeLossTest {
  private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");
  private static final Duration WAIT = Duration.ofSeconds(20);

  @ParameterizedTest
  @EnumSource(names = {"NGINX", "HAPROXY_MAP", "HAPROXY_USE_SERVER"})
  void aStoppedNodeEndsOnlyItsOwnSessions(Recipe recipe) throws Exception {
    // default heartbeats: no ping falls inside the test, so every polling GET below answers at once
    try (ClusterNodes nodes = new ClusterNodes(Duration.ofSeconds(25), Duration.ofSeconds(20));
        Balancer balancer = Balancer.start(recipe, nodes.ports())) {
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      String base = balancer.url() + "/engine.io/?EIO=4&transport=polling";

      List<String> polling = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        polling.add(handshake(http, base));
      }
      List<Ws> sockets = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sockets.add(Ws.open(http, balancer.port));
      }
      for (String tag : ClusterNodes.TAGS) {
        assertThat(polling).as("polling sessions of %s", tag).anyMatch(s -> s.startsWith(tag));
      }
      for (String sid : polling) {
        assertThat(echo(http, base, sid, "before")).as("echo of %s", sid).isTrue();
      }
      for (Ws ws : sockets) {
        assertThat(ws.echo("before")).isEqualTo("4before");
      }

      nodes.node("n02").stop();

      // what the client gets for a session of the stopped node: nginx 502 and HAProxy 503 (its one
      // server is down), or, with use-server, 400 code 1 from a live node the request went to
      // instead
      int refusal =
          switch (recipe) {
            case NGINX -> 502;
            case HAPROXY_MAP -> 503;
            default -> 400;
          };
      for (String sid : polling) {
        int status = echoStatus(http, base, sid, "after");
        assertThat(status)
            .as("session %s after n02 stopped (%s): %s", sid, recipe, nodes.counters())
            .isEqualTo(sid.startsWith("n02") ? refusal : 200);
      }
      for (Ws ws : sockets) {
        if (ws.sid.startsWith("n02")) {
          ws.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } else {
          assertThat(ws.echo("after")).as("WebSocket %s", ws.sid).isEqualTo("4after");
        }
      }
      // new sessions open at once on the two live nodes
      long t0 = System.nanoTime();
      for (int i = 0; i < 6; i++) {
        String sid = handshake(http, base);
        assertThat(sid).doesNotStartWith("n02");
        assertThat(echo(http, base, sid, "new")).isTrue();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(WAIT);
      assertThat(nodes.sum(n -> n.foreignRequests)).as(nodes.counters()).isZero();
      for (Ws ws : sockets) {
        ws.socket.abort();
      }
    }
  }

  private static String handshake(HttpClient http, String base) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base)).timeout(WAIT).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("handshake: %s", r.body()).isEqualTo(200);
    Matcher m = SID.matcher(r.body());
    assertThat(m.find()).as(r.body()).isTrue();
    return m.group(1);
  }

  /** POSTs a message and GETs it back; false when the POST is refused. */
  private static boolean echo(HttpClient http, String base, String sid, String text)
      throws Exception {
    return echoStatus(http, base, sid, text) == 200;
  }

  /** POSTs a message and, when the POST got 200, GETs it back; the POST's status. */
  private static int echoStatus(HttpClient http, String base, String sid, String text)
      throws Exception {
    URI uri = URI.create(base + "&sid=" + sid);
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(uri)
                .timeout(WAIT)
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("4" + text))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (post.statusCode() != 200) {
      if (post.statusCode() == 400) {
        assertThat(post.body()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
      }
      return post.statusCode();
    }
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(uri).timeout(WAIT).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).as("GET of %s: %s", sid, get.body()).isEqualTo(200);
    assertThat(get.body()).isEqualTo("4" + text);
    return 200;
  }

  /** A direct WebSocket session through the balancer, its text frames in a queue. */
  private static final class Ws implements WebSocket.Listener {
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket socket;
    String sid;

    static Ws open(HttpClient http, int port) throws Exception {
      Ws ws = new Ws();
      ws.socket =
          http.newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=websocket"),
                  ws)
              .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      String open = ws.next();
      Matcher m = SID.matcher(open);
      assertThat(m.find()).as(open).isTrue();
      ws.sid = m.group(1);
      return ws;
    }

    String next() throws Exception {
      String s = texts.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(s).as("a frame within %s", WAIT).isNotNull();
      return s;
    }

    String echo(String text) throws Exception {
      socket.sendText("4" + text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      return next();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        texts.add(partial.toString());
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
