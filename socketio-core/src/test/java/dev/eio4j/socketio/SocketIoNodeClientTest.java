package dev.eio4j.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * End to end with the real {@code socket.io-client} 4.8.x (protocol v5) and 2.5.x (protocol v4 over
 * Engine.IO 3) from npm, against our server on the Netty runtime on 127.0.0.1: connect with auth,
 * events with acks both ways, binary both ways, a middleware refusal, a client disconnect; over
 * long-polling, WebSocket, and polling upgraded to WebSocket. The script is {@code node/client.js}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SocketIoNodeClientTest {
  static final Path NODE_DIR = Path.of("node").toAbsolutePath();
  private EngineIoServer engine;
  private SocketIoServer io;
  private RunningServer running;
  private final Map<String, String> disconnects = new ConcurrentHashMap<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() {
    assertThat(NODE_DIR.resolve("node_modules/sio-client-v4"))
        .as("npm ci has run in %s", NODE_DIR)
        .exists();
    engine = EngineIoServer.builder().path("/socket.io/").allowEIO3(true).build();
    io = SocketIoServer.attach(engine);
    io.onError((socket, error) -> errors.add(error));
    for (Namespace nsp : List.of(io.of("/"), io.of("/custom"))) {
      nsp.onConnection(
          s -> {
            s.emit("auth", s.handshake().auth());
            s.on("echo", (args, ack) -> ack.send(args.valueStream().toArray()));
            s.on("bin", (args, ack) -> s.emit("bin-back", args.valueStream().toArray()));
            s.on(
                "ask",
                (args, ack) ->
                    s.emitWithAck(Duration.ofSeconds(10), "question", args.get(0))
                        .whenComplete(
                            (reply, err) ->
                                s.emit("answer", err == null ? reply.get(0) : "error: " + err)));
            s.onDisconnect(reason -> disconnects.put(s.id(), reason.wireName()));
          });
    }
    io.of("/private")
        .use(
            s -> {
              throw new ConnectError(
                  "Not authorized", JsonNodeFactory.instance.objectNode().put("code", 42));
            });
    running = engine.listen("127.0.0.1", 0);
  }

  @AfterAll
  void stop() {
    io.close();
    if (running != null) {
      running.close();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "v4, polling, polling, false",
    "v4, websocket, websocket, false",
    "v4, upgrade, 'polling,websocket', true",
    "v2, polling, polling, false",
    "v2, websocket, websocket, false",
    "v2, upgrade, 'polling,websocket', true"
  })
  void realClient(String client, String mode, String transports, boolean upgrade) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--url",
                "http://127.0.0.1:" + running.port(),
                "--client",
                client,
                "--transports",
                transports,
                "--upgrade",
                String.valueOf(upgrade),
                "--expect-transport",
                mode.equals("polling") ? "polling" : "websocket",
                "--timeout-ms",
                "30000"));
    Result r = runNode(args);
    assertThat(r.exitCode)
        .as("client.js %s\nstdout: %s\nstderr: %s", args, r.stdout, r.stderr)
        .isZero();
    assertThat(r.stdout).contains("\"ok\":true");

    // the server saw the client's DISCONNECT for the socket the client reported
    Matcher m = Pattern.compile("disconnected ([^\"]+)\"").matcher(r.stdout);
    assertThat(m.find()).as(r.stdout).isTrue();
    String id = m.group(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!disconnects.containsKey(id) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(disconnects.get(id)).isEqualTo("client namespace disconnect");
    assertThat(errors).isEmpty();
  }

  record Result(int exitCode, String stdout, String stderr) {}

  static Result runNode(List<String> args) throws IOException, InterruptedException {
    return runNode("client.js", args);
  }

  /** Runs {@code script} (a file in {@link #NODE_DIR}) with {@code args}, stopping it by the end. */
  static Result runNode(String script, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("node");
    cmd.add(NODE_DIR.resolve(script).toString());
    cmd.addAll(args);
    Path err = Files.createTempFile("sio-node", ".err");
    Process p =
        new ProcessBuilder(cmd).directory(NODE_DIR.toFile()).redirectError(err.toFile()).start();
    try {
      p.getOutputStream().close();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(45, TimeUnit.SECONDS)) {
        throw new AssertionError("client.js did not exit: " + args);
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      return new Result(
          p.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          stderr.length() > 4000 ? stderr.substring(0, 4000) : stderr);
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(err);
    }
  }
}
