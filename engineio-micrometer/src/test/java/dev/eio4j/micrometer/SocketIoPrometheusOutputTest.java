package dev.eio4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.socketio.SocketIoOptions;
import dev.eio4j.socketio.SocketIoServer;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.FakeWsConnection;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The {@code socketio.*} names, labels and types docs/operations.md documents, as a scrape shows them. */
class SocketIoPrometheusOutputTest {
  private static final Path DOC = Path.of("../docs/operations.md");

  private static final Pattern DOC_ROW =
      Pattern.compile("^\\| `socketio\\.[\\w.]+` \\(`(socketio_\\w+)`\\) \\| ([a-z ]+) \\|");

  private static final Pattern TYPE_LINE = Pattern.compile("^# TYPE (socketio_\\w+) (\\w+)$");

  private static PrometheusMeterRegistry registryWithTraffic() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SocketIoMetrics metrics = new SocketIoMetrics();
    metrics.bindTo(registry);
    EngineHarness h = EngineHarness.create(b -> b.path("/socket.io/"));
    SocketIoServer io =
        SocketIoServer.attach(
            h.server(), SocketIoOptions.builder().timers(h.clock()).observer(metrics).build());
    io.sockets()
        .onConnection(s -> s.on("all", (args, ack) -> s.namespace().emit("news", args.get(0))));
    FakeWsConnection c = h.openWebSocket("EIO=4").conn();
    c.clientText("40");
    c.clientText("42[\"all\",1]");
    h.clock().runPending();
    return registry;
  }

  @Test
  void theSocketIoMeterTableOfTheDocIsTheScrape() throws IOException {
    Map<String, String> documented = new TreeMap<>();
    for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
      Matcher m = DOC_ROW.matcher(line);
      if (m.find()) {
        documented.put(m.group(1), m.group(2).trim());
      }
    }
    Map<String, String> scraped = new TreeMap<>();
    for (String line : registryWithTraffic().scrape().split("\n")) {
      Matcher m = TYPE_LINE.matcher(line);
      if (m.find() && !m.group(1).endsWith("_max")) { // a summary's _max gauge belongs to it
        scraped.put(m.group(1), m.group(2).equals("summary") ? "distribution summary" : m.group(2));
      }
    }
    assertThat(documented).hasSizeGreaterThanOrEqualTo(8);
    assertThat(scraped)
        .as("the socketio meters and types of the scrape, as docs/operations.md lists them")
        .isEqualTo(documented);
  }

  @Test
  void theScrapeHasTheDocumentedSeries() {
    List<String> lines = Arrays.asList(registryWithTraffic().scrape().split("\n"));
    assertThat(lines)
        .contains(
            "# TYPE socketio_sockets gauge",
            "socketio_sockets{namespace=\"/\"} 1.0",
            "socketio_namespaces{kind=\"static\"} 1.0",
            "socketio_namespaces{kind=\"dynamic\"} 0.0",
            "socketio_connects_total{namespace=\"/\"} 1.0",
            "socketio_events_total{direction=\"in\",namespace=\"/\"} 1.0",
            "socketio_events_total{direction=\"out\",namespace=\"/\"} 1.0",
            "# TYPE socketio_broadcast_recipients summary",
            "socketio_broadcast_recipients_count{namespace=\"/\"} 1",
            "socketio_broadcast_recipients_sum{namespace=\"/\"} 1.0",
            "socketio_acks_pending 0.0",
            "socketio_acks_total{result=\"timed out\"} 0.0",
            "socketio_disconnects_total{reason=\"ping timeout\"} 0.0",
            "socketio_listener_errors_total 0.0");
    assertThat(lines)
        .filteredOn(l -> !l.startsWith("#"))
        .allSatisfy(l -> assertThat(l).startsWith("socketio_"));
  }
}
