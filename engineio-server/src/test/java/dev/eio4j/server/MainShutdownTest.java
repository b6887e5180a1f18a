package dev.eio4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGTERM on the real server process: with {@code --drain-window 1000} the readiness endpoint turns 503
 * at once, new handshakes are refused, the open WebSockets are closed spread over the window, then the
 * server closes within {@code --shutdown-timeout} and the process exits.
 */
class MainShutdownTest {
  private static final Pattern LISTENING =
      Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/engine\\.io/");

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void sigtermDrainsThenClosesGracefully() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--drain-window",
                    "1000",
                    "--shutdown-timeout",
                    "2000"))
            .redirectErrorStream(true)
            .start();
    List<String> output = new CopyOnWriteArrayList<>();
    try {
      BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      int port = -1;
      String line;
      while (port < 0 && (line = r.readLine()) != null) {
        output.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      assertThat(port).as("listening line in %s", output).isPositive();
      Thread reader =
          new Thread(
              () -> {
                try {
                  String l;
                  while ((l = r.readLine()) != null) {
                    output.add(l);
                  }
                } catch (Exception ignored) {
                  // the process ended
                }
              });
      reader.setDaemon(true);
      reader.start();

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI ready = URI.create("http://127.0.0.1:" + port + "/ready");
      HttpResponse<String> before =
          http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(before.statusCode()).isEqualTo(200);
      assertThat(before.body()).isEqualTo("ready");

      int n = 8;
      List<CompletableFuture<Long>> closed = new ArrayList<>();
      List<WebSocket> sockets = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        CompletableFuture<Long> c = new CompletableFuture<>();
        closed.add(c);
        sockets.add(
            http.newWebSocketBuilder()
                .buildAsync(
                    URI.create("ws://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=websocket"),
                    new WebSocket.Listener() {
                      @Override
                      public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                        c.complete(System.nanoTime());
                        return null;
                      }

                      @Override
                      public void onError(WebSocket w, Throwable error) {
                        c.complete(System.nanoTime());
                      }
                    })
                .get(10, TimeUnit.SECONDS));
      }

      long t0 = System.nanoTime();
      p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
      // the JVM runs its shutdown hook a moment after the signal
      HttpResponse<String> during =
          http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      while (during.statusCode() == 200 && System.nanoTime() - t0 < 2_000_000_000L) {
        Thread.sleep(5);
        during =
            http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      }
      long notReadyMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(during.statusCode()).isEqualTo(503);
      assertThat(during.body()).isEqualTo("draining");
      HttpResponse<String> refused =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=polling"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(503);

      List<Long> ms = new ArrayList<>();
      for (CompletableFuture<Long> c : closed) {
        ms.add((c.get(10, TimeUnit.SECONDS) - t0) / 1_000_000);
      }
      assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
      long exitMs = (System.nanoTime() - t0) / 1_000_000;
      long first = ms.stream().mapToLong(Long::longValue).min().orElseThrow();
      long last = ms.stream().mapToLong(Long::longValue).max().orElseThrow();
      assertThat(last).isLessThan(2_500);
      assertThat(last - first).as("closes spread over the drain window").isGreaterThan(100);
      assertThat(exitMs).isLessThan(6_000);
      Thread.sleep(100);
      assertThat(output).anyMatch(l -> l.contains("draining " + n + " session(s) over 1000 ms"));
      assertThat(output).anyMatch(l -> l.contains("stopped in"));
      System.out.println(
          "FIGURES: MainShutdownTest SIGTERM with --drain-window 1000: readiness 503 after "
              + notReadyMs
              + " ms, handshake 503, "
              + n
              + " WebSockets closed between "
              + first
              + " and "
              + last
              + " ms, process exited after "
              + exitMs
              + " ms (exit code "
              + p.exitValue()
              + ")");
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }
}
