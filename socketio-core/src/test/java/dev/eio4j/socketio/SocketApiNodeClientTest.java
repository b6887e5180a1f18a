package dev.eio4j.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The per-socket API end to end with the real {@code socket.io-client} 4.8.x and 2.5.x from npm
 * ({@code node/api-client.js}) on the Netty runtime: typed events with binary inside records both ways, a
 * binding failure answered with the documented error, and {@code socket.timeout(..).emitWithAck} with
 * the client answering on time, late and never.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SocketApiNodeClientTest {
  record Move(int x, int y, byte[] data) {}

  record Moved(String name, ByteBuffer data) {}

  record Reply(boolean ok, int n) {}

  private SocketIoServer io;
  private RunningServer running;
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  /** The application of node/README.md. */
  static void install(SocketIoServer io) {
    io.sockets()
        .onConnection(
            s ->
                s.on(
                        "move",
                        Move.class,
                        (m, ack) -> {
                          ack.send(new Reply(true, m.data().length));
                          s.emit("moved", new Moved("m" + m.x(), ByteBuffer.wrap(m.data())));
                        })
                    .on(
                        "ask",
                        String.class,
                        Integer.class,
                        (mode, ms, ack) ->
                            s.timeout(Duration.ofMillis(ms))
                                .emitWithAck(Reply.class, "slow", mode)
                                .whenComplete((r, err) -> s.emit("result", outcome(r, err)))));
  }

  private static String outcome(Reply r, Throwable err) {
    Throwable cause =
        err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (cause == null) {
      return "ok " + r.n();
    }
    return cause instanceof TimeoutException ? "timeout" : "error " + cause;
  }

  @BeforeAll
  void start() {
    assertThat(SocketIoNodeClientTest.NODE_DIR.resolve("node_modules/sio-client-v2"))
        .as("npm ci has run")
        .exists();
    EngineIoServer engine = EngineIoServer.builder().path("/socket.io/").allowEIO3(true).build();
    io = SocketIoServer.attach(engine);
    io.onError((socket, error) -> errors.add(error));
    install(io);
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
  @CsvSource({"v4, polling", "v4, websocket", "v2, polling", "v2, websocket"})
  void realClient(String client, String transport) throws Exception {
    errors.clear();
    List<String> args =
        List.of(
            "--url",
            "http://127.0.0.1:" + running.port(),
            "--client",
            client,
            "--transports",
            transport,
            "--timeout-ms",
            "30000");
    SocketIoNodeClientTest.Result r = SocketIoNodeClientTest.runNode("api-client.js", args);
    assertThat(r.exitCode())
        .as("api-client.js %s\nstdout: %s\nstderr: %s", args, r.stdout(), r.stderr())
        .isZero();
    assertThat(r.stdout())
        .contains("\"ok\":true")
        .contains("still connected after the late answer");
    // the one failure the script provokes: the "move" of the wrong shape
    assertThat(errors).singleElement().isInstanceOf(ArgumentBindingException.class);
  }
}
