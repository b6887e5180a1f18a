package dev.eio4j.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.bench.raw.RawEchoServer;
import dev.eio4j.bench.server.BenchServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the load generator for about a second per scenario, with a handful of connections, against an
 * in-process {@link BenchServer} (our EngineIoNettyServer) and the raw Netty echo, and checks that it
 * reports sane numbers and no errors.
 */
@Timeout(60)
class LoadGenSmokeTest {
  private static BenchServer.Running ours;
  private static RawEchoServer raw;

  @BeforeAll
  static void start() throws Exception {
    BenchServer.Options o = new BenchServer.Options();
    o.pingIntervalMs = 300; // pings during the short runs
    o.pingTimeoutMs = 2000;
    o.ioThreads = 2;
    ours = BenchServer.start(o);
    raw = new RawEchoServer("127.0.0.1", 0, 2);
  }

  @AfterAll
  static void stop() {
    if (ours != null) {
      ours.close();
    }
    if (raw != null) {
      raw.close();
    }
  }

  private static Map<String, Object> run(int port, String... args) throws Exception {
    List<String> a = new ArrayList<>(Arrays.asList(args));
    a.addAll(List.of("--url", "http://127.0.0.1:" + port, "--threads", "2", "--sources", "3"));
    Config cfg = Config.parse(a.toArray(new String[0]));
    Map<String, Object> r = new LoadGen(cfg).run();
    assertThat(r.get("errors")).as("errors: %s", r.get("error_samples")).isEqualTo(0L);
    return r;
  }

  private static double num(Map<String, Object> r, String path) {
    return dev.eio4j.bench.report.Report.value(r, path);
  }

  private static void saneLatency(Map<String, Object> r, String key) {
    double p50 = num(r, key + ".p50");
    double p99 = num(r, key + ".p99");
    double max = num(r, key + ".max");
    assertThat(num(r, key + ".count")).isPositive();
    assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
    assertThat(p99).isLessThanOrEqualTo(max);
    assertThat(max).isLessThan(5_000_000); // under 5 s
  }

  @Test
  void wsEchoV4AgainstOursAndTheCeiling() throws Exception {
    for (int port : new int[] {ours.port(), raw.port()}) {
      boolean isRaw = port == raw.port();
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--scenario",
                  "ws-echo",
                  "--connections",
                  "4",
                  "--in-flight",
                  "2",
                  "--size",
                  "64",
                  "--warmup",
                  "0.3",
                  "--duration",
                  "1"));
      if (isRaw) {
        args.add("--raw");
      }
      Map<String, Object> r = run(port, args.toArray(new String[0]));
      assertThat(r.get("opened")).isEqualTo(4L);
      assertThat(num(r, "msgs_per_s")).as("%s", r).isGreaterThan(100);
      assertThat(num(r, "latency_us.p999")).isGreaterThanOrEqualTo(num(r, "latency_us.p99"));
      saneLatency(r, "latency_us");
      assertThat((long) num(r, "received"))
          .isGreaterThan(0)
          .isLessThanOrEqualTo((long) num(r, "sent"));
    }
  }

  @Test
  void pollEchoV4AndV3AgainstOursAndRawHttp() throws Exception {
    Map<String, Object> v4 =
        run(
            ours.port(),
            "--scenario",
            "poll-echo",
            "--connections",
            "3",
            "--in-flight",
            "2",
            "--warmup",
            "0.3",
            "--duration",
            "1");
    assertThat(num(v4, "msgs_per_s")).isGreaterThan(50);
    assertThat(num(v4, "http_requests_per_s")).isGreaterThan(50);
    saneLatency(v4, "latency_us");

    Map<String, Object> v3 =
        run(
            ours.port(),
            "--scenario",
            "poll-echo",
            "--protocol",
            "3",
            "--connections",
            "2",
            "--warmup",
            "0.2",
            "--duration",
            "1");
    assertThat(num(v3, "msgs_per_s")).isGreaterThan(50);

    Map<String, Object> rawHttp =
        run(
            raw.port(),
            "--scenario",
            "poll-echo",
            "--raw",
            "--connections",
            "3",
            "--in-flight",
            "2",
            "--warmup",
            "0.3",
            "--duration",
            "1");
    assertThat(num(rawHttp, "http_requests_per_s")).isGreaterThan(50);
    saneLatency(rawHttp, "latency_us");
  }

  @Test
  void connectIdleAndBroadcast() throws Exception {
    Map<String, Object> c =
        run(ours.port(), "--scenario", "connect", "--connections", "30", "--concurrency", "10");
    assertThat(c.get("opened")).isEqualTo(30L);
    assertThat(num(c, "connect_per_s")).isGreaterThan(10);
    saneLatency(c, "connect_us");

    Map<String, Object> cp =
        run(
            ours.port(),
            "--scenario",
            "connect",
            "--transport",
            "polling",
            "--protocol",
            "3",
            "--connections",
            "10",
            "--close-each");
    assertThat(cp.get("opened")).isEqualTo(10L);

    // v3 over WebSocket: we ping, the server pongs; the server's RSS is this JVM's
    Map<String, Object> idle =
        run(
            ours.port(),
            "--scenario",
            "idle",
            "--protocol",
            "3",
            "--connections",
            "6",
            "--duration",
            "1",
            "--settle",
            "0.1",
            "--probe-conns",
            "3",
            "--probe-interval-ms",
            "100",
            "--server-pid",
            Long.toString(ProcessHandle.current().pid()));
    assertThat(idle.get("opened")).isEqualTo(6L);
    saneLatency(idle, "probe_rtt_us");
    assertThat(num(idle, "heartbeat_rtt_us.count")).isGreaterThanOrEqualTo(6);
    assertThat(num(idle, "server_loaded.rss_kb")).isPositive();
    assertThat(num(idle, "server_loaded.sessions")).isGreaterThanOrEqualTo(6);
    assertThat(idle).containsKeys("rss_per_conn_bytes", "heap_per_conn_bytes");

    // v4: the server pings every 300 ms, we answer
    Map<String, Object> idle4 =
        run(
            ours.port(),
            "--scenario",
            "idle",
            "--connections",
            "4",
            "--duration",
            "0.8",
            "--settle",
            "0",
            "--probe-conns",
            "2",
            "--probe-interval-ms",
            "100",
            "--no-stats");
    assertThat(num(idle4, "pings_answered")).isGreaterThanOrEqualTo(4);

    for (int port : new int[] {ours.port(), raw.port()}) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--scenario",
                  "broadcast",
                  "--connections",
                  "5",
                  "--count",
                  "3",
                  "--size",
                  "40",
                  "--duration",
                  "0.5"));
      if (port == raw.port()) {
        args.add("--raw");
      }
      Map<String, Object> b = run(port, args.toArray(new String[0]));
      assertThat(num(b, "rounds")).isGreaterThanOrEqualTo(1);
      assertThat(num(b, "msgs_per_s")).isPositive();
      assertThat((long) num(b, "delivered"))
          .isGreaterThanOrEqualTo(5L * 3 * (long) num(b, "rounds"));
      saneLatency(b, "completion_us");
    }
  }
}
