package dev.eio4j.interop;

import static dev.eio4j.interop.TestServer.target;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.Message;
import dev.eio4j.protocol.TransportType;
import io.socket.engineio.client.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official Java client, {@code io.socket:engine.io-client} 2.1.0 (protocol v4, over OkHttp),
 * against our echo server (maxHttpBufferSize 1e6) in three modes: polling only, WebSocket only, and
 * polling upgraded to WebSocket.
 *
 * <p>Timeout and close tests run against {@code fast} (pingInterval 300, pingTimeout 200), the
 * idle-heartbeat test against {@code steady} (300, 3000). Data tests
 * run against {@code relaxed} (default heartbeat): with Netty's paranoid leak detection (on for every
 * test run) a 1 MB message takes a few hundred ms each way on a shared 2-core machine, longer than a
 * 200 ms pong window, and the heartbeat is not what they test.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.eio4j.interop.Backend#selected")
class JavaClientTest {
  /** The runtime of this run of the suite. */
  @Parameter Backend backend;

  static TestServer fast;
  static TestServer steady;
  static TestServer relaxed;
  static OkHttpClient okHttp;

  /** How the client connects. */
  enum Mode {
    POLLING,
    WEBSOCKET,
    UPGRADE;

    /** The largest binary message that stays within maxHttpBufferSize once framed. */
    int maxBinary() {
      // polling carries binary as "b" + base64 (4/3 of the size); WebSocket as the raw bytes
      return this == POLLING ? 740_000 : 999_000;
    }
  }

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    fast =
        TestServer.echo(
            backend,
            b -> b.pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200)));
    // many heartbeats, and a pong that a busy machine delays by a second still counts
    steady =
        TestServer.echo(
            backend,
            b -> b.pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(3_000)));
    relaxed = TestServer.echo(backend, b -> b);
    okHttp = new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).build();
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (fast != null) {
      fast.close();
    }
    if (steady != null) {
      steady.close();
    }
    if (relaxed != null) {
      relaxed.close();
    }
    if (okHttp != null) {
      okHttp.dispatcher().executorService().shutdown();
      okHttp.connectionPool().evictAll();
    }
  }

  /** One client socket with its events collected. */
  static final class Client {
    final TestServer server;
    final Socket socket;
    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> opened = new CompletableFuture<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    final CompletableFuture<Object> upgraded = new CompletableFuture<>();
    final List<Object> errors = new ArrayList<>();
    private String sid; // kept: the client forgets its id when it closes

    Client(TestServer server, Mode mode) throws Exception {
      this.server = server;
      Socket.Options o = new Socket.Options();
      o.transports =
          mode == Mode.POLLING
              ? new String[] {"polling"}
              : mode == Mode.WEBSOCKET
                  ? new String[] {"websocket"}
                  : new String[] {"polling", "websocket"};
      o.upgrade = mode == Mode.UPGRADE;
      o.callFactory = okHttp;
      o.webSocketFactory = okHttp;
      socket = new Socket("http://127.0.0.1:" + server.port(), o);
      socket.on(Socket.EVENT_OPEN, args -> opened.complete(null));
      socket.on(
          Socket.EVENT_MESSAGE,
          args -> messages.add(args.length == 0 || args[0] == null ? "" : args[0]));
      socket.on(Socket.EVENT_UPGRADE, args -> upgraded.complete(args.length > 0 ? args[0] : null));
      socket.on(
          Socket.EVENT_CLOSE,
          args -> closed.complete(args.length > 0 ? String.valueOf(args[0]) : null));
      socket.on(
          Socket.EVENT_ERROR,
          args -> {
            synchronized (errors) {
              errors.add(args.length > 0 ? args[0] : null);
            }
          });
    }

    /** Opens and waits for the session (and, in upgrade mode, for the upgrade on both sides). */
    static Client connect(TestServer server, Mode mode) throws Exception {
      Client c = new Client(server, mode);
      c.socket.open();
      c.opened.get(5, TimeUnit.SECONDS);
      c.sid = c.socket.id();
      if (mode == Mode.UPGRADE) {
        c.upgraded.get(5, TimeUnit.SECONDS);
        server.upgraded(c.sid()).get(5, TimeUnit.SECONDS);
      }
      TransportType expected =
          mode == Mode.POLLING ? TransportType.POLLING : TransportType.WEBSOCKET;
      assertThat(server.socket(c.sid()).transport()).isEqualTo(expected);
      return c;
    }

    String sid() {
      return sid;
    }

    Object next() throws Exception {
      Object m = messages.poll(10, TimeUnit.SECONDS);
      if (m == null) {
        throw new TimeoutException(
            "no message; client closed: "
                + closed.getNow(null)
                + ", errors: "
                + errors
                + ", server closed: "
                + server.closed(sid).getNow(null));
      }
      return m;
    }

    void close() {
      socket.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void textEcho(Mode mode) throws Exception {
    TestServer server = relaxed;
    Client c = Client.connect(server, mode);
    for (String text : new String[] {"hello", "你好,世界!", "😀🎉", ""}) {
      c.socket.send(text);
      // an empty message arrives as a bare "4": the client reports it as null, collected as ""
      assertThat(c.next()).as("echo of [%s]", text).isEqualTo(text);
      Message received = server.nextReceived(c.sid());
      assertThat(received.isText()).isTrue();
      assertThat(received.text()).isEqualTo(text);
    }
    c.close();
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"WEBSOCKET", "UPGRADE"})
  void binaryEcho(Mode mode) throws Exception {
    assertBinaryEcho(mode);
  }

  @Test
  void binaryEchoOverPolling() throws Exception {
    assertBinaryEcho(Mode.POLLING);
  }

  private static void assertBinaryEcho(Mode mode) throws Exception {
    TestServer server = relaxed;
    Client c = Client.connect(server, mode);
    Random random = new Random(42);
    for (int size : new int[] {1, 2, 1000, 65_536, 100_000, mode.maxBinary()}) {
      byte[] data = new byte[size];
      random.nextBytes(data);
      c.socket.send(data);
      Object echo = c.next();
      assertThat(echo).as("echo of %d bytes", size).isInstanceOf(byte[].class);
      assertThat((byte[]) echo).isEqualTo(data);
      assertThat(server.nextReceived(c.sid()).bytes()).isEqualTo(data);
    }
    c.close();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void thousandMessagesInOrder(Mode mode) throws Exception {
    TestServer server = relaxed;
    Client c = Client.connect(server, mode);
    for (int i = 0; i < 1000; i++) {
      c.socket.send("m" + i);
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(c.next()).isEqualTo("m" + i);
    }
    BlockingQueue<Message> received = server.received(c.sid());
    for (int i = 0; i < 1000; i++) {
      assertThat(received.poll(5, TimeUnit.SECONDS).text()).isEqualTo("m" + i);
    }
    c.close();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void closeFromTheClient(Mode mode) throws Exception {
    TestServer server = relaxed;
    Client c = Client.connect(server, mode);
    c.socket.send("before close");
    assertThat(c.next()).isEqualTo("before close");
    c.close();
    assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo("forced close");
    TestServer.Closed closed = server.awaitClosed(c.sid(), Duration.ofSeconds(5));
    assertThat(closed.reason()).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    assertThat(server.isOpen(c.sid())).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void closeFromTheServer(Mode mode) throws Exception {
    TestServer server = fast;
    Client c = Client.connect(server, mode);
    server.socket(c.sid()).send("last words");
    server.socket(c.sid()).close();
    assertThat(c.next()).isEqualTo("last words");
    long start = System.nanoTime();
    String reason = c.closed.get(5, TimeUnit.SECONDS);
    if (mode == Mode.POLLING) {
      assertThat(reason).isEqualTo("transport close"); // the held GET carried the close packet
    } else {
      // We end the WebSocket with a close frame (no status), as the reference does. The client's
      // OkHttp
      // listener has no onClosing, so it never sees that frame and notices the end only when its
      // own
      // heartbeat check (pingInterval + pingTimeout) expires: the same happens with the reference.
      assertThat(reason).isEqualTo("ping timeout");
      // (the exact deadline is checked under virtual time; a busy machine only makes it later)
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .isLessThan(300 + 200 + 10_000);
    }
    assertThat(server.awaitClosed(c.sid(), Duration.ofSeconds(5)).reason())
        .isEqualTo(DisconnectReason.FORCED_CLOSE);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void heartbeatsKeepAnIdleClientOpen(Mode mode) throws Exception {
    TestServer server = steady;
    Client c = Client.connect(server, mode);
    CountDownLatch pongs = new CountDownLatch(4);
    server.socket(c.sid()).onHeartbeat(pongs::countDown);
    // 4 pongs take more than 3 ping intervals (each ping is sent 300 ms after the previous pong)
    long start = System.nanoTime();
    assertThat(pongs.await(30, TimeUnit.SECONDS))
        .as(
            "4 pongs; client closed: %s, server closed: %s",
            c.closed.getNow(null), server.closed(c.sid()).getNow(null))
        .isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(900);
    assertThat(c.closed).isNotDone();
    assertThat(server.isOpen(c.sid())).isTrue();
    c.socket.send("still here");
    assertThat(c.next()).isEqualTo("still here");
    c.close();
  }

  @Test
  void silentPollingClientTimesOut() throws Exception {
    TestServer server = fast;
    long start = System.nanoTime();
    String sid = server.handshake("EIO=4&transport=polling");
    // the client never polls, so it never sees the ping, and never answers it
    TestServer.Closed closed = server.awaitClosed(sid, Duration.ofSeconds(30));
    assertThat(closed.reason()).isEqualTo(DisconnectReason.PING_TIMEOUT);
    // never before pingInterval + pingTimeout; how much later depends on the machine's load (the
    // exact
    // deadline is checked under virtual time in HeartbeatTest)
    assertThat(TimeUnit.NANOSECONDS.toMillis(closed.atNanos() - start))
        .isGreaterThanOrEqualTo(450L);
  }

  @Test
  void silentWebSocketClientTimesOut() throws Exception {
    TestServer server = fast;
    long start = System.nanoTime();
    try (RawWebSocket ws = RawWebSocket.open(server.port(), target("EIO=4&transport=websocket"))) {
      String sid = TestServer.sidOf(ws.readText());
      assertThat(ws.readText()).isEqualTo("2"); // the ping that is never answered
      assertThat(ws.awaitClose()).isEqualTo(RawWebSocket.NO_STATUS);
      TestServer.Closed closed = server.awaitClosed(sid, Duration.ofSeconds(30));
      assertThat(closed.reason()).isEqualTo(DisconnectReason.PING_TIMEOUT);
      assertThat(TimeUnit.NANOSECONDS.toMillis(closed.atNanos() - start))
          .isGreaterThanOrEqualTo(450L);
    }
  }
}
