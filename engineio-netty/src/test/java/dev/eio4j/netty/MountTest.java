package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A second engine mounted at its own path on the same port: each path reaches its own engine. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MountTest {
  @Test
  void eachPathReachesItsOwnEngineAndCloseEndsTheSessionsOfBoth() throws Exception {
    EngineIoServer main = EngineIoServer.builder().path("/a/").build();
    EngineIoServer other = EngineIoServer.builder().path("/a-other/").build();
    CompletableFuture<String> onMain = new CompletableFuture<>();
    CompletableFuture<String> onOther = new CompletableFuture<>();
    CompletableFuture<String> otherClosed = new CompletableFuture<>();
    main.onConnection(s -> s.onMessage(m -> onMain.complete(m.text())));
    other.onConnection(
        s -> {
          s.onMessage(m -> onOther.complete(m.text()));
          s.onClose((reason, d) -> otherClosed.complete(reason.wireName()));
        });
    EngineIoNettyServer running =
        EngineIoNettyServer.builder(main).host("127.0.0.1").port(0).mount(other).start();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      String base = "http://127.0.0.1:" + running.address().getPort();
      for (String path : new String[] {"/a/", "/a-other/"}) {
        String sid = handshake(http, base + path);
        HttpResponse<String> post =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(base + path + "?EIO=4&transport=polling&sid=" + sid))
                    .POST(HttpRequest.BodyPublishers.ofString("4to " + path))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
      }
      assertThat(onMain.get(30, TimeUnit.SECONDS)).isEqualTo("to /a/");
      assertThat(onOther.get(30, TimeUnit.SECONDS)).isEqualTo("to /a-other/");
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/b/?EIO=4&transport=polling"))
                          .timeout(Duration.ofSeconds(30))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(404);
    } finally {
      running.close();
    }
    assertThat(otherClosed.get(30, TimeUnit.SECONDS)).isEqualTo("forced close");
  }

  private static String handshake(HttpClient http, String url) throws Exception {
    HttpResponse<String> open =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "?EIO=4&transport=polling"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(open.statusCode()).isEqualTo(200);
    Matcher m = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(open.body());
    assertThat(m.find()).as(open.body()).isTrue();
    return m.group(1);
  }
}
