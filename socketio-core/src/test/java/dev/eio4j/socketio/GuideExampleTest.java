package dev.eio4j.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The example of docs/socketio.md, compiled and run: the block between the guide markers below must be
 * the guide's Java block, and a long-polling client on 127.0.0.1 then walks through it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GuideExampleTest {
  /** The typed argument of the guide's {@code move} event. */
  record Move(int x, int y) {}

  private static final Logger log = LoggerFactory.getLogger(GuideExampleTest.class);
  private static final Path SELF =
      Path.of("src/test/java/dev/eio4j/socketio/GuideExampleTest.java");
  private static final Path GUIDE = Path.of("..", "docs", "socketio.md");

  @Test
  void theGuideShowsTheCodeThisTestRuns() throws Exception {
    String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(guide);
    assertThat(m.find()).as("a java block in %s", GUIDE).isTrue();
    String self = Files.readString(SELF, StandardCharsets.UTF_8);
    String begin = "// guide:" + "begin\n";
    String end = "    // guide:" + "end";
    String region = self.substring(self.indexOf(begin) + begin.length(), self.indexOf(end));
    String dedented =
        Arrays.stream(region.split("\n", -1))
            .map(l -> l.startsWith("    ") ? l.substring(4) : l)
            .collect(Collectors.joining("\n"));
    assertThat(dedented).isEqualTo(m.group(1));
  }

  @Test
  void theGuideExampleWorksOverLongPolling() throws Exception {
    int port = 0;
    // guide:begin
    EngineIoServer engine = EngineIoServer.builder().path("/socket.io/").allowEIO3(true).build();
    SocketIoServer io =
        SocketIoServer.attach(
            engine, SocketIoOptions.builder().connectTimeout(Duration.ofSeconds(45)).build());
    io.onError(
        (socket, error) -> log.warn("listener failed", error)); // listener exceptions land here

    Namespace chat = io.of("/chat");
    chat.use(
        socket -> { // each CONNECT, in order; may return a CompletionStage
          JsonNode token =
              socket.handshake().auth().get("token"); // v5: CONNECT payload; v4: /chat?token=..
          if (token == null || !token.asString().equals("secret")) {
            throw new ConnectError(
                "Not authorized", JsonNodeFactory.instance.objectNode().put("code", 401));
          }
          socket.data().put("user", "alice");
          return null; // accepted
        });
    chat.onConnection(
        socket -> {
          socket.join("lobby");
          socket.on(
              "say",
              (args, ack) -> {
                socket
                    .to("lobby")
                    .emit("said", socket.data().get("user"), args.get(0)); // the others in the room
                ack.send("ok"); // answers the client's ack, once
              });
          socket.on(
              "upload",
              (args, ack) -> ack.send(args.get(0).binaryValue().length)); // byte[] attachments
          socket.on(
              "move",
              Move.class, // record Move(int x, int y): the first argument bound by Jackson
              (move, ack) -> ack.send(new Move(move.y(), move.x()))); // records go out as JSON
          socket.onAny((event, args) -> log.debug("event {}", event));
          socket
              .emitWithAck(Duration.ofSeconds(5), "ready?") // answer or TimeoutException
              .thenAccept(reply -> socket.emit("welcome", reply.get(0)));
          socket.onDisconnect(reason -> log.debug("left: {}", reason.wireName()));
        });
    io.of(Pattern.compile("/org-\\w+"))
        .onConnection(socket -> socket.emit("hello", socket.namespace().name()));
    RunningServer running = engine.listen("127.0.0.1", port);
    // guide:end
    try {
      Polling alice = new Polling(running.port());
      alice.post("40/chat,{\"token\":\"secret\"}");
      List<String> first = alice.receive(2);
      assertThat(first.get(0)).matches("40/chat,\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}");
      assertThat(first.get(1)).isEqualTo("42/chat,0[\"ready?\"]");
      alice.post("43/chat,0[\"yes\"]");
      assertThat(alice.receive(1)).containsExactly("42/chat,[\"welcome\",\"yes\"]");

      Polling bob = new Polling(running.port());
      bob.post("40/chat,{\"token\":\"secret\"}");
      bob.receive(2);
      bob.post("42/chat,1[\"say\",\"hi\"]");
      assertThat(bob.receive(1)).containsExactly("43/chat,1[\"ok\"]");
      assertThat(alice.receive(1)).containsExactly("42/chat,[\"said\",\"alice\",\"hi\"]");
      bob.post("42/chat,2[\"move\",{\"x\":1,\"y\":2}]");
      assertThat(bob.receive(1)).containsExactly("43/chat,2[{\"x\":2,\"y\":1}]");

      Polling eve = new Polling(running.port());
      eve.post("40/chat,{\"token\":\"guess\"}");
      assertThat(eve.receive(1))
          .containsExactly("44/chat,{\"message\":\"Not authorized\",\"data\":{\"code\":401}}");
      eve.post("40/org-acme,");
      List<String> org = eve.receive(2);
      assertThat(org.get(0)).startsWith("40/org-acme,{\"sid\":");
      assertThat(org.get(1)).isEqualTo("42/org-acme,[\"hello\",\"/org-acme\"]");
    } finally {
      io.close();
      running.close();
    }
  }

  /** A minimal Engine.IO 4 long-polling client: one session, text packets only. */
  private static final class Polling {
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final List<String> inbox = new ArrayList<>();

    Polling(int port) throws Exception {
      String open = get("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling");
      Matcher m = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(open);
      assertThat(m.find()).as(open).isTrue();
      base = "http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling&sid=" + m.group(1);
    }

    /** POSTs one Engine.IO message, e.g. {@code 40/chat,} (a Socket.IO CONNECT). */
    void post(String message) throws Exception {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base))
                  .timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofString(message))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }

    /** The next {@code n} Engine.IO messages (type 4: Socket.IO packets); pings answered, noops skipped. */
    List<String> receive(int n) throws Exception {
      for (int polls = 0; inbox.size() < n && polls < 20; polls++) {
        for (String packet : get(base).split("\u001e")) {
          if (packet.startsWith("4")) {
            inbox.add(packet);
          } else if (packet.equals("2")) {
            post3();
          }
        }
      }
      assertThat(inbox).as("packets received").hasSizeGreaterThanOrEqualTo(n);
      List<String> out = new ArrayList<>(inbox.subList(0, n));
      inbox.subList(0, n).clear();
      return out;
    }

    private void post3() throws Exception {
      http.send(
          HttpRequest.newBuilder(URI.create(base))
              .timeout(Duration.ofSeconds(10))
              .POST(HttpRequest.BodyPublishers.ofString("3"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    private String get(String uri) throws Exception {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return r.body();
    }
  }
}
