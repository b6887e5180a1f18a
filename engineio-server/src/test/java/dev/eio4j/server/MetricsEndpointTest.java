package dev.eio4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoServer;
import dev.eio4j.netty.HttpFallback.Response;
import dev.eio4j.socketio.SocketIoOptions;
import dev.eio4j.socketio.SocketIoServer;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --metrics}: the {@code /metrics} fallback, and the real server process serving it. */
class MetricsEndpointTest {
  private static final Pattern LISTENING =
      Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/engine\\.io/ ");

  private static EngineRequest request(String method, String target, Headers headers) {
    return new EngineRequest(method, target, headers, null, false);
  }

  @Test
  void metricsInFrontOfTheOtherFallback() {
    MetricsEndpoint endpoint =
        new MetricsEndpoint(
            req -> new Response(200, "text/plain", "next".getBytes(StandardCharsets.UTF_8)));
    EngineIoOptions options = endpoint.observe(EngineIoOptions.defaults());
    assertThat(options.observer()).isNotNull();

    Response r = endpoint.handle(request("GET", "/metrics", new Headers()));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.headers()).containsEntry("Cache-Control", "no-store");
    String text = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(text)
        .contains(
            "# TYPE engineio_sessions_open gauge",
            "engineio_handshakes_total{protocol=\"4\",transport=\"polling\"} 0.0")
        .contains("jvm_memory_used_bytes", "process_uptime_seconds");

    Response om =
        endpoint.handle(
            request(
                "GET",
                "/metrics",
                new Headers().add("Accept", "application/openmetrics-text; version=1.0.0")));
    assertThat(om.contentType()).startsWith("application/openmetrics-text");
    assertThat(new String(om.body(), StandardCharsets.UTF_8))
        .contains("engineio_handshakes_total{")
        .endsWith("# EOF\n");

    assertThat(endpoint.handle(request("POST", "/metrics", new Headers())).status()).isEqualTo(405);
    assertThat(
            new String(
                endpoint.handle(request("GET", "/", new Headers())).body(), StandardCharsets.UTF_8))
        .isEqualTo("next");
    assertThat(new MetricsEndpoint(null).handle(request("GET", "/other", new Headers()))).isNull();
  }

  @Test
  void withSocketIoTheSocketIoMetersAreScrapedToo() {
    MetricsEndpoint endpoint = new MetricsEndpoint(null);
    SocketIoServer io =
        SocketIoServer.attach(
            EngineIoServer.create(endpoint.observe(EngineIoOptions.defaults())),
            endpoint.observe(SocketIoOptions.builder()).build());
    try {
      io.of("/custom");
      String text =
          new String(
              endpoint.handle(request("GET", "/metrics", new Headers())).body(),
              StandardCharsets.UTF_8);
      assertThat(text)
          .contains(
              "socketio_namespaces{kind=\"static\"} 2.0",
              "socketio_sockets{namespace=\"/custom\"} 0.0",
              "socketio_acks_pending 0.0");
    } finally {
      io.close();
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void theServerStartedWithMetricsServesThem() throws Exception {
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
                    "--metrics"))
            .redirectErrorStream(true)
            .start();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      Matcher m = null;
      while (m == null && (line = r.readLine()) != null) {
        Matcher candidate = LISTENING.matcher(line);
        if (candidate.find()) {
          m = candidate;
        }
      }
      assertThat(m).as("the server printed its listening line").isNotNull();
      String base = "http://127.0.0.1:" + m.group(1);
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      HttpResponse<String> hs =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/engine.io/?EIO=4&transport=polling"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(hs.statusCode()).isEqualTo(200);
      http.send(
          HttpRequest.newBuilder(URI.create(base + "/engine.io/?EIO=4&transport=nope")).build(),
          HttpResponse.BodyHandlers.ofString());

      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .contains("text/plain; version=0.0.4; charset=utf-8");
      assertThat(metrics.body())
          .contains(
              "engineio_handshakes_total{protocol=\"4\",transport=\"polling\"} 1.0",
              "engineio_sessions_open{protocol=\"4\",transport=\"polling\"} 1.0",
              "engineio_connection_errors_total{code=\"0\"} 1.0");
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).as("the demo page is still served").isEqualTo(200);
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
