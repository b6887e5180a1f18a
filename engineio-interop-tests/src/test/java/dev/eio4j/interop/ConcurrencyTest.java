package dev.eio4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoSocket;
import dev.eio4j.Message;
import dev.eio4j.SendResult;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many clients at once and many threads on one socket: no message reaches the wrong client, nothing is
 * lost or reordered, and every session is gone once its client has left.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.eio4j.interop.Backend#selected")
class ConcurrencyTest {
  /** The runtime of this run of the suite. */
  @Parameter Backend backend;

  static final int CLIENTS = 200;
  static final int MESSAGES_PER_CLIENT = 10;
  static final int THREADS = 16;
  static final int MESSAGES_PER_THREAD = 500;

  static TestServer server;
  static ExecutorService clientThreads;
  static HttpClient http;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    // default heartbeat (25 s): nothing but the test's own traffic
    server = TestServer.echo(backend, b -> b);
    clientThreads = Executors.newFixedThreadPool(8);
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(clientThreads)
            .build();
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (clientThreads != null) {
      clientThreads.shutdownNow();
    }
  }

  @Test
  void twoHundredWebSocketClientsEachGetOnlyTheirOwnEchoes() throws Exception {
    List<CompletableFuture<JdkWs>> opening = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      opening.add(JdkWs.openAsync(http, server.wsUri("EIO=4&transport=websocket")));
    }
    CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
    List<JdkWs> clients = opening.stream().map(CompletableFuture::join).toList();
    List<String> sids = new ArrayList<>();
    for (JdkWs ws : clients) {
      sids.add(TestServer.sidOf(ws.nextText()));
    }
    assertThat(sids).doesNotHaveDuplicates();
    assertThat(server.engine.socketCount()).isGreaterThanOrEqualTo(CLIENTS);

    // every client sends its messages, all clients at the same time
    List<CompletableFuture<?>> sending = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      JdkWs ws = clients.get(i);
      int client = i;
      sending.add(
          CompletableFuture.runAsync(
              () -> {
                for (int j = 0; j < MESSAGES_PER_CLIENT; j++) {
                  ws.socket().sendText("4c" + client + "-" + j, true).join();
                }
              },
              clientThreads));
    }
    CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);

    for (int i = 0; i < CLIENTS; i++) {
      JdkWs ws = clients.get(i);
      for (int j = 0; j < MESSAGES_PER_CLIENT; j++) {
        assertThat(ws.nextText()).as("client %d message %d", i, j).isEqualTo("4c" + i + "-" + j);
      }
      List<String> seen = server.received(sids.get(i)).stream().map(Message::text).toList();
      assertThat(seen).containsExactlyElementsOf(expected("c" + i + "-", MESSAGES_PER_CLIENT));
    }
    for (JdkWs ws : clients) {
      assertThat(ws.pending()).as("nothing extra arrived").isZero();
    }

    for (JdkWs ws : clients) {
      ws.close();
    }
    CompletableFuture.allOf(sids.stream().map(server::closed).toArray(CompletableFuture[]::new))
        .get(10, TimeUnit.SECONDS);
    assertThat(server.engine.sockets())
        .extracting(EngineIoSocket::id)
        .doesNotContainAnyElementsOf(sids);
    assertThat(server.engine.sockets()).isEmpty();
  }

  @Test
  void twoHundredPollingClientsEachGetOnlyTheirOwnEchoes() throws Exception {
    List<CompletableFuture<String>> sessions = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      int client = i;
      String payload =
          IntStream.range(0, MESSAGES_PER_CLIENT)
              .mapToObj(j -> "4p" + client + "-" + j)
              .collect(Collectors.joining("\u001e"));
      sessions.add(
          server
              .getAsync("EIO=4&transport=polling")
              .thenApply(r -> TestServer.sidOf(TestServer.text(r)))
              .thenCompose(
                  sid ->
                      server
                          .requestAsync(
                              "POST",
                              "EIO=4&transport=polling&sid=" + sid,
                              payload.getBytes(StandardCharsets.UTF_8))
                          .thenCompose(ok -> server.getAsync("EIO=4&transport=polling&sid=" + sid))
                          .thenCompose(
                              echo ->
                                  server
                                      .requestAsync(
                                          "POST",
                                          "EIO=4&transport=polling&sid=" + sid,
                                          "1".getBytes(StandardCharsets.US_ASCII))
                                      .thenApply(
                                          closeAnswer -> sid + " " + TestServer.text(echo)))));
    }
    CompletableFuture.allOf(sessions.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    List<String> sids = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      String[] sidAndEcho = sessions.get(i).join().split(" ", 2);
      sids.add(sidAndEcho[0]);
      int client = i;
      String sent =
          IntStream.range(0, MESSAGES_PER_CLIENT)
              .mapToObj(j -> "4p" + client + "-" + j)
              .collect(Collectors.joining("\u001e"));
      assertThat(sidAndEcho[1]).as("echo of client %d", i).isEqualTo(sent);
    }
    assertThat(sids).doesNotHaveDuplicates();
    CompletableFuture.allOf(sids.stream().map(server::closed).toArray(CompletableFuture[]::new))
        .get(10, TimeUnit.SECONDS);
    assertThat(server.engine.sockets())
        .extracting(EngineIoSocket::id)
        .doesNotContainAnyElementsOf(sids);
  }

  @Test
  void sixteenThreadsSendingToOneWebSocket() throws Exception {
    JdkWs ws = JdkWs.open(http, server.wsUri("EIO=4&transport=websocket"));
    String sid = TestServer.sidOf(ws.nextText());
    EngineIoSocket socket = server.socket(sid);
    sendFromThreads(socket);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < THREADS * MESSAGES_PER_THREAD; i++) {
      got.add(ws.nextText());
    }
    assertPerThreadOrder(got);
    assertThat(ws.pending()).isZero();
    ws.close();
    server.awaitClosed(sid, Duration.ofSeconds(5));
  }

  @Test
  void sixteenThreadsSendingToOnePollingSession() throws Exception {
    String sid = server.handshake("EIO=4&transport=polling");
    EngineIoSocket socket = server.socket(sid);
    sendFromThreads(socket);
    List<String> got = new ArrayList<>();
    while (got.size() < THREADS * MESSAGES_PER_THREAD) {
      // each GET takes whatever is queued, in order
      HttpResponse<byte[]> r = server.get("EIO=4&transport=polling&sid=" + sid);
      assertThat(r.statusCode()).isEqualTo(200);
      for (String packet : TestServer.text(r).split("\u001e", -1)) {
        got.add(packet);
      }
    }
    assertPerThreadOrder(got);
    server.post("EIO=4&transport=polling&sid=" + sid, "1");
    server.awaitClosed(sid, Duration.ofSeconds(5));
  }

  /** 16 threads, released together, each queueing its numbered messages; every send must be accepted. */
  private static void sendFromThreads(EngineIoSocket socket) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<SendResult>>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  List<SendResult> r = new ArrayList<>(MESSAGES_PER_THREAD);
                  for (int n = 0; n < MESSAGES_PER_THREAD; n++) {
                    r.add(socket.send("t" + thread + ":" + n));
                  }
                  return r;
                }));
      }
      go.countDown();
      for (Future<List<SendResult>> f : results) {
        assertThat(f.get(10, TimeUnit.SECONDS)).containsOnly(SendResult.QUEUED);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Every message arrived once, complete, and each thread's messages in the order it sent them. */
  private static void assertPerThreadOrder(List<String> got) {
    assertThat(got).hasSize(THREADS * MESSAGES_PER_THREAD).doesNotHaveDuplicates();
    Map<Integer, Integer> next = new HashMap<>();
    for (String packet : got) {
      assertThat(packet).matches("4t\\d+:\\d+");
      int colon = packet.indexOf(':');
      int thread = Integer.parseInt(packet.substring(2, colon));
      int n = Integer.parseInt(packet.substring(colon + 1));
      int expectedN = next.getOrDefault(thread, 0);
      assertThat(n).as("thread %d", thread).isEqualTo(expectedN);
      next.put(thread, n + 1);
    }
    assertThat(next)
        .hasSize(THREADS)
        .allSatisfy((thread, count) -> assertThat(count).isEqualTo(MESSAGES_PER_THREAD));
  }

  private static List<String> expected(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(j -> prefix + j).toList();
  }
}
