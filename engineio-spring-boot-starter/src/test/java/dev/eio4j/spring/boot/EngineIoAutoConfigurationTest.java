package dev.eio4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.AllowRequest;
import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot application with the starter on a random port: Engine.IO (polling and WebSocket) and
 * the application's own controller answer on that one port, with the {@code engineio.*} properties, a
 * customizer and a {@code Consumer<EngineIoSocket>} bean in effect.
 */
@SpringBootTest(
    classes = EngineIoAutoConfigurationTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "engineio.ping-interval=20s",
      "engineio.ping-timeout=15s",
      "engineio.max-http-buffer-size=5000",
      "server.address=127.0.0.1"
    })
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EngineIoAutoConfigurationTest {
  private static final Pattern SID = Pattern.compile("\"sid\":\"([A-Za-z0-9_-]+)\"");

  @SpringBootApplication
  @RestController
  static class App {
    @GetMapping("/hello")
    String hello() {
      return "hello from Spring MVC";
    }

    /** Every socket echoes, prefixed. */
    @Bean
    Consumer<EngineIoSocket> echo() {
      return socket ->
          socket.onMessage(
              m -> {
                if (m.isBinary()) {
                  socket.send(m.bytes());
                } else {
                  socket.send("echo:" + m.text());
                }
              });
    }

    /** A gate set in code: token=nope is refused. */
    @Bean
    EngineIoServerCustomizer gate() {
      return b -> b.allowRequest(AllowRequest.of(req -> !"nope".equals(req.queryParam("token"))));
    }
  }

  @LocalServerPort int port;
  @Autowired EngineIoServer server;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pollingAndTheAppsOwnControllerShareThePort() throws Exception {
    HttpResponse<String> open = get("/engine.io/?EIO=4&transport=polling");
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(open.body())
        .contains("\"pingInterval\":20000,\"pingTimeout\":15000,\"maxPayload\":5000");
    String sid = sidOf(open.body());
    assertThat(server.socket(sid)).isPresent();

    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base() + "/engine.io/?EIO=4&transport=polling&sid=" + sid))
                .POST(HttpRequest.BodyPublishers.ofString("4hi"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.body()).isEqualTo("ok");
    assertThat(get("/engine.io/?EIO=4&transport=polling&sid=" + sid).body()).isEqualTo("4echo:hi");

    assertThat(get("/hello").body()).isEqualTo("hello from Spring MVC");
  }

  @Test
  void webSocketOnTheSamePort() throws Exception {
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=websocket"),
                new WebSocket.Listener() {
                  final StringBuilder text = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      received.add(text.toString());
                      text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    String open = received.poll(10, TimeUnit.SECONDS);
    assertThat(open).startsWith("0{\"sid\":").contains("\"upgrades\":[]");
    ws.sendText("4over websocket", true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("4echo:over websocket");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
  }

  @Test
  void theOfficialJavaClientUpgradesAndEchoes() throws Exception {
    io.socket.engineio.client.Socket.Options options =
        new io.socket.engineio.client.Socket.Options();
    options.transports = new String[] {"polling", "websocket"};
    io.socket.engineio.client.Socket socket = new io.socket.engineio.client.Socket(base(), options);
    CompletableFuture<Void> upgraded = new CompletableFuture<>();
    LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    socket.on(io.socket.engineio.client.Socket.EVENT_UPGRADE, args -> upgraded.complete(null));
    socket.on(io.socket.engineio.client.Socket.EVENT_MESSAGE, args -> messages.add(args[0]));
    socket.open();
    try {
      upgraded.get(10, TimeUnit.SECONDS);
      socket.send("from the Java client");
      assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:from the Java client");
    } finally {
      socket.close();
    }
  }

  @Test
  void theCustomizerIsApplied() throws Exception {
    HttpResponse<String> denied = get("/engine.io/?EIO=4&transport=polling&token=nope");
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).isEqualTo("{\"code\":4,\"message\":\"Forbidden\"}");
  }

  @Test
  void theConfigurationMetadataDescribesEveryProperty() throws Exception {
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated by spring-boot-configuration-processor").isNotNull();
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String name :
          new String[] {
            "engineio.ping-interval",
            "engineio.max-http-buffer-size",
            "engineio.cors.allowed-origins",
            "engineio.cookie.same-site",
            "engineio.transports"
          }) {
        assertThat(json).contains("\"name\": \"" + name + "\"");
      }
      assertThat(json).contains("\"defaultValue\": \"25s\"");
    }
  }

  @Test
  void itCanBeTurnedOffAndTheServerReplaced() {
    WebApplicationContextRunner runner =
        new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EngineIoAutoConfiguration.class));
    runner
        .withPropertyValues("engineio.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(EngineIoServer.class));
    EngineIoServer mine = EngineIoServer.builder().path("/mine").build();
    runner
        .withBean(EngineIoServer.class, () -> mine)
        .run(
            ctx -> {
              assertThat(ctx).getBean(EngineIoServer.class).isSameAs(mine);
              assertThat(ctx).hasBean(EngineIoAutoConfiguration.SERVLET_REGISTRATION_BEAN);
            });
  }

  private static String sidOf(String open) {
    Matcher m = SID.matcher(open);
    assertThat(m.find()).as(open).isTrue();
    return m.group(1);
  }
}
