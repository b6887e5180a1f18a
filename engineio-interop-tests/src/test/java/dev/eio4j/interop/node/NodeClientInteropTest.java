package dev.eio4j.interop.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
import dev.eio4j.interop.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official Node clients, engine.io-client 3.5.x (protocol v3) and 6.6.x (protocol v4), against each
 * runtime (Netty, and the servlet runtime in Jetty and Tomcat). Each case runs {@code node/client.js} (the same scripts pass against the Node reference
 * server: {@code node/run-against-ref.sh}) and asserts its JSON verdict and, where it matters, what the
 * server saw.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.eio4j.interop.Backend#selected")
class NodeClientInteropTest {
  /** The runtime of this run. */
  @Parameter Backend backend;

  private static final java.util.Set<String> HEAVY =
      java.util.Set.of("many", "echo-binary", "order", "upgrade-burst");
  static final Path NODE_DIR = Path.of("node").toAbsolutePath();
  private EngineIoServer server;
  private RunningServer running;
  private RunningServer relaxed; // default heartbeats, for the 200-client runs
  private final Map<String, DisconnectReason> closes = new ConcurrentHashMap<>();
  private final AtomicInteger opened = new AtomicInteger();

  @BeforeParameterizedClassInvocation
  void start() throws Exception {
    assertThat(NODE_DIR.resolve("node_modules/eio-client-v6"))
        .as("npm ci has run in %s", NODE_DIR)
        .exists();
    server =
        EngineIoServer.builder()
            .pingInterval(Duration.ofMillis(300))
            // a short interval makes several heartbeats in each idle run; a generous timeout keeps
            // a busy
            // machine (a ping or pong delayed by a second) from ending the session
            .pingTimeout(Duration.ofMillis(3_000))
            .allowEIO3(true)
            .build();
    server.onConnection(
        socket -> {
          opened.incrementAndGet();
          socket.onMessage(
              m -> {
                if (!m.isBinary() && m.text().equals("server-close")) {
                  socket.close();
                } else {
                  socket.send(m);
                }
              });
          socket.onClose(reason -> closes.put(socket.id(), reason));
        });
    running = backend.start(server);
    // 200 v3 clients in one Node process on 2 shared cores cannot keep a 300 ms/200 ms heartbeat:
    // their
    // own pings lag by more than 200 ms; nor can a client busy with a 500 kB echo while Netty's
    // paranoid
    // leak detector (on in tests) tracks every buffer. The data-heavy runs check data, so they use
    // the
    // default heartbeat; the 300 ms heartbeat is checked by the "idle", close and text runs.
    EngineIoServer echo = EngineIoServer.builder().build();
    echo.onConnection(socket -> socket.onMessage(socket::send));
    relaxed = backend.start(echo);
  }

  @AfterParameterizedClassInvocation
  void stop() {
    if (running != null) {
      running.close();
    }
    if (relaxed != null) {
      relaxed.close();
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    String[][] modes = {
      {"polling", "polling", "false"},
      {"websocket", "websocket", "false"},
      {"upgrade", "polling,websocket", "true"}
    };
    for (String client : List.of("v3", "v6")) {
      for (String[] mode : modes) {
        for (String scenario :
            List.of("echo-text", "echo-binary", "order", "idle", "server-close", "client-close")) {
          out.add(Arguments.of(client, mode[0], mode[1], mode[2], scenario));
        }
      }
      out.add(Arguments.of(client, "upgrade", "polling,websocket", "true", "upgrade-burst"));
      out.add(Arguments.of(client, "upgrade", "polling,websocket", "true", "many"));
      out.add(Arguments.of(client, "websocket", "websocket", "false", "many"));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {4}")
  @MethodSource("cases")
  void scenario(String client, String mode, String transports, String upgrade, String scenario)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--url",
                    "http://127.0.0.1:" + (HEAVY.contains(scenario) ? relaxed : running).port(),
                "--client", client,
                "--scenario", scenario,
                "--transports", transports,
                "--upgrade", upgrade,
                "--timeout-ms", "30000"));
    if (!mode.equals("upgrade")) {
      args.addAll(List.of("--expect-transport", transports));
    } else if (!scenario.equals("many")) {
      args.addAll(List.of("--wait-upgrade", scenario.equals("upgrade-burst") ? "false" : "true"));
      if (!scenario.equals("server-close") && !scenario.equals("client-close")) {
        args.addAll(List.of("--expect-transport", "websocket"));
      }
    }
    if (mode.equals("polling") && scenario.equals("echo-binary")) {
      args.addAll(List.of("--max-binary", "500000")); // base64 adds a third: stays under 1e6
    }
    Result r = runNode(args);
    assertThat(r.exitCode)
        .as("client.js %s\nstdout: %s\nstderr: %s", args, r.stdout, r.stderr)
        .isZero();
    assertThat(r.stdout).contains("\"ok\":true");
  }

  @Test
  void clientCloseIsSeenAsTransportCloseByTheServer() throws Exception {
    closes.clear();
    Result r =
        runNode(
            List.of(
                "--url",
                "http://127.0.0.1:" + running.port(),
                "--client",
                "v6",
                "--scenario",
                "client-close",
                "--transports",
                "websocket"));
    assertThat(r.exitCode).as(r.stdout + r.stderr).isZero();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (closes.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(closes.values()).containsExactly(DisconnectReason.TRANSPORT_CLOSE);
  }

  record Result(int exitCode, String stdout, String stderr) {}

  static Result runNode(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("node");
    cmd.add(NODE_DIR.resolve("client.js").toString());
    cmd.addAll(args);
    Path err = Files.createTempFile("eio4j-node", ".err");
    try {
      Process p =
          new ProcessBuilder(cmd).directory(NODE_DIR.toFile()).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(45, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("client.js did not exit: " + args);
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      return new Result(
          p.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          stderr.length() > 4000 ? stderr.substring(0, 4000) : stderr);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
