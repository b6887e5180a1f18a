package dev.eio4j.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-socket API with the official Java client {@code io.socket:socket.io-client} 2.1.x on the Netty
 * runtime: a typed event whose record holds binary, the answer and the record sent back with its bytes
 * as an attachment, a binding failure, and {@code socket.timeout(..).emitWithAck} with the client
 * answering on time, late and never (the application of {@link SocketApiNodeClientTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketApiJavaClientTest {
  private static final long WAIT = 20;
  private SocketIoServer io;
  private RunningServer running;
  private OkHttpClient okHttp;
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() {
    EngineIoServer engine = EngineIoServer.builder().path("/socket.io/").build();
    io = SocketIoServer.attach(engine);
    io.onError((socket, error) -> errors.add(error));
    SocketApiNodeClientTest.install(io);
    running = engine.listen("127.0.0.1", 0);
    okHttp = new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).build();
  }

  @AfterAll
  void stop() {
    io.close();
    if (running != null) {
      running.close();
    }
    okHttp.dispatcher().executorService().shutdown();
    okHttp.connectionPool().evictAll();
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT, TimeUnit.SECONDS);
  }

  private static String next(BlockingQueue<String> q) throws InterruptedException {
    String s = q.poll(WAIT, TimeUnit.SECONDS);
    assertThat(s).as("a result within %d s", WAIT).isNotNull();
    return s;
  }

  /** The client's answer {@code {"ok":true,"n":n}} (org.json's exception is checked). */
  private static JSONObject reply(int n) {
    try {
      return new JSONObject().put("ok", true).put("n", n);
    } catch (org.json.JSONException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket"})
  void typedEventsAndTimedAcks(String transport) throws Exception {
    errors.clear();
    IO.Options opts =
        IO.Options.builder()
            .setTransports(new String[] {transport})
            .setForceNew(true)
            .setReconnection(false)
            .build();
    opts.callFactory = okHttp;
    opts.webSocketFactory = okHttp;
    Socket s = IO.socket(URI.create("http://127.0.0.1:" + running.port() + "/"), opts);
    CompletableFuture<Void> connected = new CompletableFuture<>();
    CompletableFuture<JSONObject> moved = new CompletableFuture<>();
    BlockingQueue<String> results = new LinkedBlockingQueue<>();
    AtomicReference<Ack> lateAnswer = new AtomicReference<>();
    s.on(Socket.EVENT_CONNECT, a -> connected.complete(null));
    s.on("moved", a -> moved.complete((JSONObject) a[0]));
    s.on(
        "result",
        a -> {
          results.add((String) a[0]);
          Ack late = lateAnswer.getAndSet(null);
          if (late != null) {
            late.call(reply(6)); // after the server gave up
          }
        });
    s.on(
        "slow",
        a -> {
          Ack cb = (Ack) a[a.length - 1];
          switch ((String) a[0]) {
            case "ok" -> cb.call(reply(5));
            case "late" -> lateAnswer.set(cb);
            default -> {} // never
          }
        });
    try {
      s.connect();
      await(connected);

      CompletableFuture<Object[]> reply = new CompletableFuture<>();
      JSONObject move =
          new JSONObject().put("x", 3).put("y", 4).put("data", new byte[] {1, 2, 3, -6});
      s.emit("move", new Object[] {move}, reply::complete);
      JSONObject r = (JSONObject) await(reply)[0];
      assertThat(r.getBoolean("ok")).isTrue();
      assertThat(r.getInt("n")).isEqualTo(4);
      JSONObject m = await(moved);
      assertThat(m.getString("name")).isEqualTo("m3");
      assertThat((byte[]) m.get("data")).containsExactly(1, 2, 3, -6);

      CompletableFuture<Object[]> bad = new CompletableFuture<>();
      s.emit("move", new Object[] {"oops"}, bad::complete);
      assertThat(((JSONObject) await(bad)[0]).getString("error")).isEqualTo("invalid arguments");

      s.emit("ask", "ok", 20_000);
      assertThat(next(results)).isEqualTo("ok 5");
      s.emit("ask", "never", 300);
      assertThat(next(results)).isEqualTo("timeout");
      s.emit("ask", "late", 300);
      assertThat(next(results)).isEqualTo("timeout");
      s.emit("ask", "ok", 20_000); // after the late answer: dropped, the connection lives
      assertThat(next(results)).isEqualTo("ok 5");
      assertThat(s.connected()).isTrue();
      assertThat(errors).singleElement().isInstanceOf(ArgumentBindingException.class);
    } finally {
      s.close();
    }
  }
}
