package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoServer;
import dev.eio4j.testing.RawClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Polling payloads on real sockets: a client close after a message still delivers the echo to the held
 * GET, and a POST flooded with empty messages is refused whole instead of being queued.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PollingPayloadTest {
  private static final Duration IO = Duration.ofSeconds(10);
  private static final Map<String, CompletableFuture<DisconnectReason>> closes =
      new ConcurrentHashMap<>();

  private static EngineIoServer server;
  private static EngineIoNettyServer running;

  @BeforeAll
  static void start() throws Exception {
    server = EngineIoServer.builder().pingInterval(Duration.ofSeconds(60)).build();
    server.onConnection(
        s -> {
          s.onMessage(s::send);
          s.onClose(
              reason ->
                  closes.computeIfAbsent(s.id(), k -> new CompletableFuture<>()).complete(reason));
        });
    running = EngineIoNettyServer.builder(server).host("127.0.0.1").port(0).ioThreads(2).start();
  }

  @AfterAll
  static void stop() throws Exception {
    running.close();
  }

  private static String handshake(RawClient http) throws IOException {
    http.request("GET", "/engine.io/?EIO=4&transport=polling", null);
    RawClient.Response r = http.readResponse();
    assertThat(r.status()).isEqualTo(200);
    return RawClient.sidOf(r.text());
  }

  private static DisconnectReason closeOf(String sid) throws Exception {
    return closes.computeIfAbsent(sid, k -> new CompletableFuture<>()).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aMessageThenCloseInOnePostReachesTheHeldGet() throws Exception {
    try (RawClient poll = RawClient.connect(running.port()).timeout(IO);
        RawClient data = RawClient.connect(running.port()).timeout(IO)) {
      String sid = handshake(poll);
      String q = "/engine.io/?EIO=4&transport=polling&sid=" + sid;
      // The GET is written first; the session's lane is the poll connection's event loop, which
      // reads
      // the GET (already in its socket buffer) before it runs the task that the POST hops onto it.
      poll.request("GET", q, null);
      data.request("POST", q, "4last-words\u001e1", "Content-Type: text/plain;charset=UTF-8");
      assertThat(data.readResponse().text()).isEqualTo("ok");
      RawClient.Response held = poll.readResponse();
      assertThat(held.status()).isEqualTo(200);
      assertThat(held.text()).as("the echo, not a noop").isEqualTo("4last-words");
      assertThat(closeOf(sid)).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    }
  }

  @Test
  void aPostOfHalfAMillionEmptyMessagesIsRefusedWhole() throws Exception {
    try (RawClient poll = RawClient.connect(running.port()).timeout(IO);
        RawClient data = RawClient.connect(running.port()).timeout(IO)) {
      String sid = handshake(poll);
      String q = "/engine.io/?EIO=4&transport=polling&sid=" + sid;
      String flood = String.join("\u001e", Collections.nCopies(500_000, "4")); // 999,999 bytes
      assertThat(flood).hasSize(999_999);
      data.request("POST", q, flood, "Content-Type: text/plain;charset=UTF-8");
      RawClient.Response r = data.readResponse();
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.body()).isEmpty();
      assertThat(closeOf(sid)).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
      assertThat(server.socket(sid)).isEmpty();
      poll.request("GET", q, null);
      assertThat(poll.readResponse().text())
          .isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    }
  }
}
