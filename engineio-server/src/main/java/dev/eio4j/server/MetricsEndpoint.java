package dev.eio4j.server;

import dev.eio4j.EngineIoOptions;
import dev.eio4j.micrometer.EngineIoMetrics;
import dev.eio4j.micrometer.SocketIoMetrics;
import dev.eio4j.netty.HttpFallback;
import dev.eio4j.socketio.SocketIoOptions;
import dev.eio4j.spi.EngineRequest;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code --metrics}: a Prometheus registry fed by {@link EngineIoMetrics} (plus a few JVM and process
 * meters), scraped at {@code GET /metrics}, in front of the server's other fallback (the demo page).
 * The Prometheus text format 0.0.4 by default; OpenMetrics when the scraper's {@code Accept} asks for
 * it.
 */
final class MetricsEndpoint implements HttpFallback {
  static final String PATH = "/metrics";
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final EngineIoMetrics metrics = new EngineIoMetrics();
  private final SocketIoMetrics socketIoMetrics = new SocketIoMetrics();
  private final HttpFallback next;

  /** Serves {@code /metrics} and hands every other request to {@code next} (null: 404). */
  MetricsEndpoint(HttpFallback next) {
    this.next = next;
    metrics.bindTo(registry);
    socketIoMetrics.bindTo(registry); // socketio_* series appear with --socketio only
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** {@code options} with the metrics observer set. */
  EngineIoOptions observe(EngineIoOptions options) {
    return options.toBuilder().observer(metrics).build();
  }

  /** {@code builder} with the Socket.IO metrics observer set (for {@code --socketio}). */
  SocketIoOptions.Builder observe(SocketIoOptions.Builder builder) {
    return builder.observer(socketIoMetrics);
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public Response handle(EngineRequest request) {
    if (!PATH.equals(request.path())) {
      return next == null ? null : next.handle(request);
    }
    if (!"GET".equals(request.method()) && !"HEAD".equals(request.method())) {
      return new Response(
          405,
          "text/plain; charset=utf-8",
          "GET or HEAD\n".getBytes(StandardCharsets.UTF_8),
          Map.of("Allow", "GET, HEAD"));
    }
    String accept = request.header("Accept");
    String type =
        accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
    byte[] body = registry.scrape(type).getBytes(StandardCharsets.UTF_8);
    return new Response(200, type, body, Map.of("Cache-Control", "no-store"));
  }
}
