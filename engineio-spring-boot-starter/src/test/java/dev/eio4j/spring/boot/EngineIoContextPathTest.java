package dev.eio4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code engineio.path} is matched within the servlet context: {@code /app} + {@code /realtime}. */
@SpringBootTest(
    classes = EngineIoContextPathTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.servlet.context-path=/app",
      "engineio.path=/realtime",
      "server.address=127.0.0.1"
    })
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EngineIoContextPathTest {
  @SpringBootApplication
  static class App {}

  @LocalServerPort int port;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pollingAndWebSocketLiveUnderTheContextPath() throws Exception {
    assertThat(get("/app/realtime/?EIO=4&transport=polling").body()).startsWith("0{\"sid\":");
    assertThat(get("/realtime/?EIO=4&transport=polling").statusCode()).isEqualTo(404);

    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/app/realtime/?EIO=4&transport=websocket"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    received.add(data.toString());
                    webSocket.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).startsWith("0{\"sid\":");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
  }
}
