package dev.eio4j.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.engineio.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Boots the example application on a random port and connects real clients to it on that port: raw
 * HTTP long-polling, a {@code java.net.http.WebSocket}, and the official Java client ({@code
 * io.socket:engine.io-client} 2.1.0) over polling upgraded to WebSocket and over WebSocket alone.
 */
@SpringBootTest(
    classes = EchoApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "server.address=127.0.0.1")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EchoApplicationTest {
  private static final Pattern SID = Pattern.compile("\"sid\":\"([A-Za-z0-9_-]+)\"");

  @LocalServerPort int port;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private String url(String pathAndQuery) {
    return "http://127.0.0.1:" + port + pathAndQuery;
  }

  private HttpResponse<String> send(HttpRequest.Builder r) throws Exception {
    return http.send(
        r.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pollingOnTheAppsPort() throws Exception {
    String q = "/engine.io/?EIO=4&transport=polling";
    HttpResponse<String> open = send(HttpRequest.newBuilder(URI.create(url(q))));
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(open.body())
        .startsWith("0{\"sid\":")
        .contains(
            "\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000");
    String sid = sidOf(open.body());
    HttpResponse<String> post =
        send(
            HttpRequest.newBuilder(URI.create(url(q + "&sid=" + sid)))
                .POST(HttpRequest.BodyPublishers.ofString("4hello\u001e4world")));
    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(post.body()).isEqualTo("ok");
    assertThat(send(HttpRequest.newBuilder(URI.create(url(q + "&sid=" + sid)))).body())
        .isEqualTo("4hello\u001e4world");
    // the application's own endpoint, beside Engine.IO
    assertThat(send(HttpRequest.newBuilder(URI.create(url("/sockets")))).body())
        .matches("\\{\"open\":[1-9]\\d*\\}");
    assertThat(
            send(HttpRequest.newBuilder(URI.create(url(q + "&sid=" + sid)))
                    .POST(HttpRequest.BodyPublishers.ofString("1")))
                .body())
        .isEqualTo("ok");
  }

  @Test
  void webSocketOnTheAppsPort() throws Exception {
    LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=websocket"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    received.add(data.toString());
                    webSocket.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onBinary(
                      WebSocket webSocket, ByteBuffer data, boolean last) {
                    byte[] b = new byte[data.remaining()];
                    data.get(b);
                    received.add(b);
                    webSocket.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(
                      WebSocket webSocket, int statusCode, String reason) {
                    closed.complete(statusCode);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    assertThat((String) received.poll(10, TimeUnit.SECONDS))
        .startsWith("0{\"sid\":")
        .contains("\"upgrades\":[]");
    ws.sendText("4你好,世界!", true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("4你好,世界!");
    ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(5, TimeUnit.SECONDS);
    assertThat((byte[]) received.poll(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
    // a malformed packet: the server closes without a status code, as the Netty runtime does
    ws.sendText("abc", true).get(5, TimeUnit.SECONDS);
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1005);
  }

  @Test
  void theOfficialJavaClientOverPollingThenWebSocket() throws Exception {
    assertEcho(new String[] {"polling", "websocket"}, true);
  }

  @Test
  void theOfficialJavaClientOverWebSocketOnly() throws Exception {
    assertEcho(new String[] {"websocket"}, false);
  }

  private void assertEcho(String[] transports, boolean expectUpgrade) throws Exception {
    Socket.Options options = new Socket.Options();
    options.transports = transports;
    Socket socket = new Socket(url(""), options);
    CompletableFuture<Void> opened = new CompletableFuture<>();
    CompletableFuture<Void> upgraded = new CompletableFuture<>();
    LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    socket.on(Socket.EVENT_OPEN, args -> opened.complete(null));
    socket.on(Socket.EVENT_UPGRADE, args -> upgraded.complete(null));
    socket.on(Socket.EVENT_MESSAGE, args -> messages.add(args[0]));
    socket.open();
    try {
      opened.get(10, TimeUnit.SECONDS);
      if (expectUpgrade) {
        upgraded.get(10, TimeUnit.SECONDS);
      }
      socket.send("text from Java");
      assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("text from Java");
      socket.send(new byte[] {7, 8, 9});
      assertThat((byte[]) messages.poll(10, TimeUnit.SECONDS)).containsExactly(7, 8, 9);
    } finally {
      socket.close();
    }
  }

  private static String sidOf(String open) {
    Matcher m = SID.matcher(open);
    assertThat(m.find()).as(open).isTrue();
    return m.group(1);
  }
}
