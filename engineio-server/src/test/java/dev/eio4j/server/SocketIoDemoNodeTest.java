package dev.eio4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Starts the real server process with {@code --socketio} on 127.0.0.1 and drives it with the real
 * socket.io-client 4.8.x (protocol v5) and 2.5.x (protocol v4) from npm, installed in socketio-core/node by
 * the build: namespaces, auth, events, acks, rooms, broadcasts, asks, server disconnects and peer-left.
 */
class SocketIoDemoNodeTest {
  private static final Pattern LISTENING =
      Pattern.compile("Socket\\.IO demo listening on http://127\\.0\\.0\\.1:(\\d+)/socket\\.io/ ");
  private static final Path NODE_MODULES =
      Path.of("..", "socketio-core", "node", "node_modules").toAbsolutePath().normalize();
  private static final Path DRIVER =
      Path.of("src", "test", "node", "demo-client.js").toAbsolutePath();

  private static Process server;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    server = startServer();
    port = listeningPort(server);
  }

  /** The server process with {@code --socketio} on an ephemeral loopback port, plus {@code extra} flags. */
  private static Process startServer(String... extra) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--socketio",
                "--host",
                "127.0.0.1",
                "--port",
                "0"));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /** Reads the listening line's port, then keeps draining the log so the process never blocks on it. */
  private static int listeningPort(Process server) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    Matcher m = null;
    while ((line = r.readLine()) != null) {
      Matcher candidate = LISTENING.matcher(line);
      if (candidate.find()) {
        m = candidate;
        break;
      }
    }
    assertThat(m).as("the server printed its listening line").isNotNull();
    int port = Integer.parseInt(m.group(1));
    // keeps the pipe drained so the server never blocks on its log
    Thread drain =
        new Thread(
            () -> {
              try {
                while (r.readLine() != null) {}
              } catch (java.io.IOException e) {
                // the process ended
              }
            },
            "server-log-drain");
    drain.setDaemon(true);
    drain.start();
    return port;
  }

  @org.junit.jupiter.api.Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aConnectionThatJoinsNoNamespaceIsClosedAfterTheConnectTimeout() throws Exception {
    // pings every minute: within the test only the connect timeout can end the long poll
    Process p = startServer("--connect-timeout", "1000", "--ping-interval", "60000");
    try {
      int p2 = listeningPort(p);
      java.net.http.HttpClient http =
          java.net.http.HttpClient.newBuilder()
              .connectTimeout(java.time.Duration.ofSeconds(5))
              .build();
      String base = "http://127.0.0.1:" + p2 + "/socket.io/?EIO=4&transport=polling";
      java.net.http.HttpResponse<String> open = get(http, base);
      assertThat(open.statusCode()).isEqualTo(200);
      Matcher sid = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(open.body());
      assertThat(sid.find()).isTrue();
      // the long poll ends with the close packet once the session is closed for joining no
      // namespace
      java.net.http.HttpResponse<String> poll = get(http, base + "&sid=" + sid.group(1));
      assertThat(poll.statusCode()).isEqualTo(200);
      assertThat(poll.body()).isEqualTo("1");
      assertThat(get(http, base + "&sid=" + sid.group(1)).statusCode())
          .as("the session is gone")
          .isEqualTo(400);
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @org.junit.jupiter.api.Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void onlyEngineIoV3AndV4AreServedAtBothEndpoints() throws Exception {
    java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(5))
            .build();
    String base = "http://127.0.0.1:" + port;
    assertThat(get(http, base + "/socket.io/?EIO=4&transport=polling").statusCode()).isEqualTo(200);
    assertThat(get(http, base + "/socket.io/?EIO=3&transport=polling").statusCode()).isEqualTo(200);
    assertThat(get(http, base + "/socket.io/?EIO=5&transport=polling").statusCode()).isEqualTo(400);
    assertThat(get(http, base + "/socket.io/?EIO=2&transport=polling").statusCode()).isEqualTo(400);
    String recovery = base + "/socket.io-recovery/?transport=polling&EIO=";
    assertThat(get(http, recovery + "4").statusCode()).isEqualTo(200);
    assertThat(get(http, recovery + "3").statusCode()).isEqualTo(200);
    assertThat(get(http, recovery + "5").statusCode()).isEqualTo(400);
    assertThat(get(http, base + "/socket.io-other/?EIO=4&transport=polling").statusCode())
        .isEqualTo(404);
  }

  private static java.net.http.HttpResponse<String> get(java.net.http.HttpClient http, String url)
      throws Exception {
    return http.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .timeout(java.time.Duration.ofSeconds(30))
            .build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({
    "v4, polling",
    "v4, 'polling,websocket'",
    "v4, websocket",
    "v2, polling",
    "v2, 'polling,websocket'",
    "v2, websocket"
  })
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theDemoAppBehavesAsSpecified(String client, String transports) throws Exception {
    runDriver(DRIVER, "--client", client, "--transports", transports);
  }

  @ParameterizedTest(name = "v2 over {0}")
  @CsvSource({"polling", "'polling,websocket'", "websocket"})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theRecoveryEndpointRunsTheSameAppForProtocolV4ClientsWithoutOffsets(String transports)
      throws Exception {
    runDriver(
        DRIVER, "--client", "v2", "--transports", transports, "--path", "/socket.io-recovery/");
  }

  @ParameterizedTest(name = "over {0}")
  @CsvSource({"polling", "websocket"})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theRealClientRecoversAtTheRecoveryEndpoint(String transports) throws Exception {
    runDriver(
        NODE_MODULES.getParent().resolve("recovery.js"),
        "--transports",
        transports,
        "--path",
        "/socket.io-recovery/",
        "--drop",
        "client");
  }

  /** Runs a Node driver against the server with {@code --url} (and {@code --modules}) set. */
  private static void runDriver(Path script, String... flags) throws Exception {
    assertThat(NODE_MODULES.resolve("sio-client-v4"))
        .as("npm ci has run in %s", NODE_MODULES.getParent())
        .exists();
    Path out = Files.createTempFile("sio-demo", ".log");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "node",
                script.toString(),
                "--modules",
                NODE_MODULES.toString(),
                "--url",
                "http://127.0.0.1:" + port,
                "--timeout-ms",
                "40000"));
    cmd.addAll(List.of(flags));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
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
  }
}
