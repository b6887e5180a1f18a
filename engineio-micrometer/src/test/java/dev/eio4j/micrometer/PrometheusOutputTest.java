package dev.eio4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The names, labels and types docs/operations.md documents, as a Prometheus scrape shows them. */
class PrometheusOutputTest {
  private static final Path DOC = Path.of("../docs/operations.md");

  /** A row of the meter table: {@code | `engineio.x` (`engineio_x_total`) | counter | …}. */
  private static final Pattern DOC_ROW =
      Pattern.compile("^\\| `engineio\\.[\\w.]+` \\(`(engineio_\\w+)`\\) \\| (\\w+)");

  private static final Pattern TYPE_LINE = Pattern.compile("^# TYPE (engineio_\\w+) (\\w+)$");

  @Test
  void theMeterTableOfTheDocIsTheScrape() throws IOException {
    Map<String, String> documented = new TreeMap<>();
    for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
      Matcher m = DOC_ROW.matcher(line);
      if (m.find()) {
        documented.put(
            m.group(1),
            switch (m.group(2)) {
              case "timer" -> "summary or histogram";
              default -> m.group(2);
            });
      }
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new EngineIoMetrics().bindTo(registry);
    Map<String, String> scraped = new TreeMap<>();
    for (String line : registry.scrape().split("\n")) {
      Matcher m = TYPE_LINE.matcher(line);
      if (m.find() && !m.group(1).endsWith("_max")) { // a timer's _max gauge belongs to its timer
        scraped.put(
            m.group(1),
            m.group(2).equals("summary") || m.group(2).equals("histogram")
                ? "summary or histogram"
                : m.group(2));
      }
    }
    assertThat(documented).hasSizeGreaterThanOrEqualTo(12);
    assertThat(scraped)
        .as("the meters and types of the scrape, as docs/operations.md lists them")
        .isEqualTo(documented);
  }

  @Test
  void theScrapeHasEveryDocumentedSeries() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    EngineIoMetrics metrics = new EngineIoMetrics();
    metrics.bindTo(registry);
    EngineHarness h =
        EngineHarness.create(b -> b.observer(metrics).pingInterval(Duration.ofMillis(300))).echo();
    PollingClient c = h.openPolling("EIO=4");
    c.post("4hi"); // the echo stays queued: no GET held
    h.clock().advanceMillis(300);
    c.get(); // the echo and the ping
    h.clock().advanceMillis(20);
    c.post("3");
    h.get("EIO=4&transport=polling&sid=gone");

    List<String> lines = Arrays.asList(registry.scrape().split("\n"));
    assertThat(lines)
        .contains(
            "# TYPE engineio_sessions_open gauge",
            "engineio_sessions_open{protocol=\"4\",transport=\"polling\"} 1.0",
            "# TYPE engineio_handshakes_total counter",
            "engineio_handshakes_total{protocol=\"4\",transport=\"polling\"} 1.0",
            "engineio_closes_total{reason=\"ping timeout\",transport=\"websocket\"} 0.0",
            "engineio_upgrades_total{protocol=\"4\",reason=\"none\",result=\"attempted\"} 0.0",
            "engineio_upgrades_total{protocol=\"3\",reason=\"probe aborted\",result=\"failed\"} 0.0",
            "# TYPE engineio_heartbeat_rtt_seconds histogram",
            "engineio_heartbeat_rtt_seconds_bucket{transport=\"polling\",le=\"0.01\"} 0",
            "engineio_heartbeat_rtt_seconds_bucket{transport=\"polling\",le=\"0.025\"} 1",
            "engineio_heartbeat_rtt_seconds_count{transport=\"polling\"} 1",
            "engineio_heartbeat_rtt_seconds_sum{transport=\"polling\"} 0.02",
            "# TYPE engineio_poll_hold_seconds histogram",
            "engineio_poll_hold_seconds_count{protocol=\"4\"} 1",
            "engineio_packets_total{direction=\"in\",transport=\"polling\"} 2.0",
            "engineio_packets_total{direction=\"out\",transport=\"polling\"} 3.0",
            "engineio_bytes_total{direction=\"in\",transport=\"polling\"} 4.0",
            "# TYPE engineio_send_buffer_bytes gauge",
            "engineio_send_buffer_bytes 0.0",
            "engineio_limit_rejections_total{kind=\"send buffer full\"} 0.0",
            "engineio_connection_errors_total{code=\"1\"} 1.0",
            "# TYPE engineio_session_duration_seconds summary");
    assertThat(lines)
        .filteredOn(l -> !l.startsWith("#"))
        .allSatisfy(l -> assertThat(l).startsWith("engineio_"));
  }
}
