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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Broadcasts end to end with the real {@code socket.io-client} 4.8.3 and 2.5.0 from npm, against our
 * server on the Netty runtime on 127.0.0.1: 100+ clients spread over rooms get their room's packet
 * once and no other room's; a broadcast with acks collects every client's answer (each client answers
 * in its ack callback), a room-scoped one only that room's; and one that some clients never answer
 * fails at its timeout with the others' answers. The script is {@code node/broadcast.js}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BroadcastNodeClientTest {
  private static final Path NODE_DIR = SocketIoNodeClientTest.NODE_DIR;
  private EngineIoServer engine;
  private SocketIoServer io;
  private RunningServer running;
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() {
    assertThat(NODE_DIR.resolve("node_modules/sio-client-v4"))
        .as("npm ci has run in %s", NODE_DIR)
        .exists();
    engine = EngineIoServer.builder().path("/socket.io/").allowEIO3(true).build();
    io = SocketIoServer.attach(engine);
    io.onError((socket, error) -> errors.add(error));
    // each run in a namespace of its own, so that sockets of the run before cannot take part
    io.of(Pattern.compile("/run-\\w+"))
        .onConnection(
            s -> {
              s.on(
                  "join-room",
                  (args, ack) -> {
                    s.join(args.get(0).stringValue());
                    ack.send(s.id());
                  });
              s.on(
                  "start",
                  (args, ack) ->
                      scenario(s.namespace(), args.get(0).intValue()).thenAccept(ack::send));
            });
    running = engine.listen("127.0.0.1", 0);
  }

  /** Fan-out to each room, then the three broadcasts with acks; completes with the summary. */
  private CompletableFuture<ObjectNode> scenario(Namespace nsp, int rooms) {
    for (int r = 0; r < rooms; r++) {
      nsp.to("room-" + r).emit("fan", "room-" + r);
    }
    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    return nsp.timeout(Duration.ofSeconds(30))
        .emitWithAck("ack-all", 1)
        .thenCompose(
            all -> {
              summary.set("all", firstArgs(all));
              return nsp.to("room-3").timeout(Duration.ofSeconds(30)).emitWithAck("ack-all", 2);
            })
        .thenCompose(
            room3 -> {
              summary.set("room3", firstArgs(room3));
              // a quarter of the clients never answer: fails at the timeout with the others'
              // answers
              return nsp.timeout(Duration.ofSeconds(8)).emitWithAck("ack-some").handle((r, e) -> e);
            })
        .thenApply(
            e -> {
              Throwable cause = e instanceof CompletionException ? e.getCause() : e;
              if (cause instanceof BroadcastAckTimeoutException t) {
                summary.put("partialError", "BroadcastAckTimeoutException: " + t.getMessage());
                summary.set("partial", firstArgs(t.responses()));
              } else {
                summary.put("partialError", String.valueOf(cause));
              }
              return summary;
            });
  }

  private static ArrayNode firstArgs(List<ArrayNode> answers) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (ArrayNode a : answers) {
      out.add(a.get(0));
    }
    return out;
  }

  @AfterAll
  void stop() {
    io.close();
    if (running != null) {
      running.close();
    }
  }

  @ParameterizedTest(name = "{0} {1} x{2}")
  @CsvSource({"v4, websocket, 120", "v2, websocket, 120", "v4, polling, 100", "v2, polling, 100"})
  void fanOutAndBroadcastAcks(String client, String transports, int clients) throws Exception {
    long broadcastsBefore = io.broadcastCount();
    List<String> args =
        List.of(
            "--url",
            "http://127.0.0.1:" + running.port(),
            "--nsp",
            "/run-" + client + "_" + transports,
            "--client",
            client,
            "--transports",
            transports,
            "--clients",
            String.valueOf(clients),
            "--rooms",
            "10",
            "--timeout-ms",
            "120000");
    SocketIoNodeClientTest.Result r = run(args);
    assertThat(r.exitCode())
        .as("broadcast.js %s\nstdout: %s\nstderr: %s", args, r.stdout(), r.stderr())
        .isZero();
    assertThat(r.stdout()).contains("\"ok\":true").contains("no other");
    assertThat(io.broadcastCount() - broadcastsBefore).isEqualTo(13); // 10 rooms + 3 with acks
    assertThat(errors).isEmpty();
  }

  private static SocketIoNodeClientTest.Result run(List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("node");
    cmd.add(NODE_DIR.resolve("broadcast.js").toString());
    cmd.addAll(args);
    Path err = Files.createTempFile("sio-broadcast", ".err");
    Process p =
        new ProcessBuilder(cmd).directory(NODE_DIR.toFile()).redirectError(err.toFile()).start();
    try {
      p.getOutputStream().close();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(150, TimeUnit.SECONDS)) {
        throw new AssertionError("broadcast.js did not exit: " + args);
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      return new SocketIoNodeClientTest.Result(
          p.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          stderr.length() > 4000 ? stderr.substring(0, 4000) : stderr);
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(err);
    }
  }
}
