package dev.eio4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.micrometer.SocketIoMetrics;
import dev.eio4j.socketio.SocketIoServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application with the starter, {@code socketio.enabled=true} and a Micrometer registry,
 * on a random port, driven by the real socket.io-client 4.8 (Node, from socketio-core/node's committed
 * lock file) over polling, WebSocket and the upgrade: the engine moved to {@code /socket.io/}, the
 * {@code socketio.*} properties applied, the application's namespace served, the metrics counted.
 */
@SpringBootTest(
    classes = SocketIoStarterTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "socketio.enabled=true",
      "socketio.connect-timeout=20s",
      "socketio.max-namespaces-per-connection=3",
      "server.address=127.0.0.1"
    })
class SocketIoStarterTest {
  static final Path NODE_MODULES =
      Path.of("..", "socketio-core", "node", "node_modules").toAbsolutePath().normalize();
  static final Path DRIVER = Path.of("src", "test", "node", "starter-client.js").toAbsolutePath();

  @SpringBootApplication
  static class App {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    /** The application's Socket.IO handlers, registered on the starter's server. */
    @Bean
    Object chat(SocketIoServer io) {
      io.of("/chat")
          .onConnection(
              s -> {
                s.emit("welcome", "hello " + s.handshake().auth().path("user").asString());
                s.on("echo", (args, ack) -> ack.send(args.valueStream().toArray()));
              });
      return "chat";
    }
  }

  @LocalServerPort int port;
  @Autowired EngineIoServer engine;
  @Autowired SocketIoServer io;
  @Autowired MeterRegistry registry;
  @Autowired SocketIoMetrics metrics;

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket", "polling,websocket"})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theRealClientTalksToTheApplication(String transports) throws Exception {
    assertThat(engine.options().path()).isEqualTo("/socket.io");
    assertThat(io.options().maxNamespacesPerConnection()).isEqualTo(3);
    assertThat(io.options().connectTimeout()).hasSeconds(20);
    assertThat(io.options().observer()).isSameAs(metrics);
    assertThat(NODE_MODULES.resolve("sio-client-v4"))
        .as("npm ci has run in %s", NODE_MODULES.getParent())
        .exists();
    double eventsInBefore = eventsIn();
    Path out = Files.createTempFile("sio-starter", ".log");
    Process p =
        new ProcessBuilder(
                List.of(
                    "node",
                    DRIVER.toString(),
                    "--modules",
                    NODE_MODULES.toString(),
                    "--url",
                    "http://127.0.0.1:" + port,
                    "--transports",
                    transports,
                    "--timeout-ms",
                    "40000"))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      boolean ended = p.waitFor(50, TimeUnit.SECONDS);
      String verdict = Files.readString(out);
      assertThat(ended).as("the driver ended: %s", verdict).isTrue();
      assertThat(verdict).as("the driver's verdict").contains("\"ok\":true");
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(out);
    }
    assertThat(eventsIn() - eventsInBefore).isEqualTo(1); // the echo
    assertThat(registry.get("socketio.connects").tags("namespace", "/chat").counter().count())
        .isPositive();
  }

  private double eventsIn() {
    return registry
        .get("socketio.events")
        .tags("namespace", "/chat", "direction", "in")
        .counter()
        .count();
  }
}
