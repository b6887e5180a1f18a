package dev.eio4j.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
import dev.eio4j.servlet.EngineIoServlets;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The official Java client {@code io.socket:socket.io-client} 2.1.x (protocol v5) against our server on
 * 127.0.0.1, over long-polling and WebSocket, on the Netty runtime and on the servlet runtime in embedded
 * Jetty 12.1 (the layer uses only the engine API, so it must behave the same): auth, acks both ways,
 * binary, a middleware refusal, a client disconnect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketIoJavaClientTest {
  private static final long WAIT = 20;
  private final List<SocketIoServer> servers = new CopyOnWriteArrayList<>();
  private RunningServer netty;
  private Server jetty;
  private int jettyPort;
  private OkHttpClient okHttp;
  private final Map<String, CompletableFuture<String>> disconnects = new ConcurrentHashMap<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  /** The application every runtime serves. */
  private EngineIoServer app() {
    EngineIoServer engine = EngineIoServer.builder().path("/socket.io/").build();
    SocketIoServer io = SocketIoServer.attach(engine);
    servers.add(io);
    io.onError((socket, error) -> errors.add(error));
    io.sockets()
        .onConnection(
            s -> {
              s.onDisconnect(
                  reason ->
                      disconnects
                          .computeIfAbsent(s.id(), k -> new CompletableFuture<>())
                          .complete(reason.wireName()));
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
            });
    io.of("/private")
        .use(
            s -> {
              throw new ConnectError(
                  "Not authorized", JsonNodeFactory.instance.objectNode().put("code", 42));
            });
    return engine;
  }

  @BeforeAll
  void start() throws Exception {
    netty = app().listen("127.0.0.1", 0);
    jetty = new Server();
    ServerConnector http = new ServerConnector(jetty);
    http.setHost("127.0.0.1");
    http.setPort(0);
    http.setIdleTimeout(60_000);
    jetty.addConnector(http);
    ServletContextHandler context = new ServletContextHandler("/");
    JakartaWebSocketServletContainerInitializer.configure(context, null);
    context.addServletContainerInitializer(EngineIoServlets.initializer(app()));
    jetty.setHandler(context);
    jetty.setStopTimeout(2_000);
    jetty.start();
    jettyPort = http.getLocalPort();
    okHttp = new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).build();
  }

  @AfterAll
  void stop() throws Exception {
    servers.forEach(SocketIoServer::close);
    if (netty != null) {
      netty.close();
    }
    if (jetty != null) {
      jetty.stop();
    }
    okHttp.dispatcher().executorService().shutdown();
    okHttp.connectionPool().evictAll();
  }

  private Socket socket(int port, String nsp, String transport) {
    IO.Options opts =
        IO.Options.builder()
            .setTransports(new String[] {transport})
            .setForceNew(true)
            .setReconnection(false)
            .setAuth(Map.of("token", "j1"))
            .build();
    opts.callFactory = okHttp;
    opts.webSocketFactory = okHttp;
    return IO.socket(URI.create("http://127.0.0.1:" + port + nsp), opts);
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"netty, polling", "netty, websocket", "jetty, polling", "jetty, websocket"})
  void officialJavaClient(String runtime, String transport) throws Exception {
    int port = runtime.equals("netty") ? netty.port() : jettyPort;
    Socket s = socket(port, "/", transport);
    CompletableFuture<JSONObject> auth = new CompletableFuture<>();
    CompletableFuture<Object[]> binBack = new CompletableFuture<>();
    CompletableFuture<Object> answer = new CompletableFuture<>();
    s.on("auth", args -> auth.complete((JSONObject) args[0]));
    s.on("bin-back", binBack::complete);
    s.on("answer", args -> answer.complete(args[0]));
    s.on("question", args -> ((Ack) args[args.length - 1]).call("yes:" + args[0]));
    try {
      s.connect();
      assertThat(await(auth).getString("token")).isEqualTo("j1");
      assertThat(s.id()).matches("[A-Za-z0-9_-]{20}");

      CompletableFuture<Object[]> reply = new CompletableFuture<>();
      s.emit("echo", new Object[] {"hi", new JSONObject().put("a", 1)}, reply::complete);
      Object[] r = await(reply);
      assertThat(r[0]).isEqualTo("hi");
      assertThat(((JSONObject) r[1]).getInt("a")).isEqualTo(1);

      s.emit("bin", new byte[] {1, 2, 3}, new JSONObject().put("nested", new byte[] {(byte) 255}));
      Object[] b = await(binBack);
      assertThat((byte[]) b[0]).containsExactly(1, 2, 3);
      assertThat((byte[]) ((JSONObject) b[1]).get("nested")).containsExactly((byte) 255);

      s.emit("ask", 7);
      assertThat(await(answer)).isEqualTo("yes:7");

      Socket refused = socket(port, "/private", transport);
      CompletableFuture<JSONObject> connectError = new CompletableFuture<>();
      refused.on(Socket.EVENT_CONNECT_ERROR, args -> connectError.complete((JSONObject) args[0]));
      refused.connect();
      JSONObject err = await(connectError);
      assertThat(err.getString("message")).isEqualTo("Not authorized");
      assertThat(err.getJSONObject("data").getInt("code")).isEqualTo(42);
      refused.close();

      String id = s.id();
      s.disconnect();
      assertThat(await(disconnects.computeIfAbsent(id, k -> new CompletableFuture<>())))
          .isEqualTo("client namespace disconnect");
      assertThat(errors).isEmpty();
    } finally {
      s.close();
    }
  }
}
