package dev.eio4j.bench.report;

import dev.eio4j.bench.load.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes BENCHMARKS.md from the lines {@code benchmarks/run.sh} collected: per case and server the
 * median over the runs of each metric, the ratios ours/Node and ours/ceiling, and the targets
 * next to them.
 *
 * <pre>
 * java -cp benchmarks.jar dev.eio4j.bench.report.Report --results results.jsonl --meta meta.txt --out BENCHMARKS.md
 * </pre>
 *
 * A results line is {@code {"case":"ws-echo-32","server":"ours|node|raw","run":1,"result":{…LoadGen --json…}}}
 * or, for a run that produced no result, {@code {…,"error":"…"}}. The meta file holds {@code key=value}
 * lines (machine, versions, command, flags).
 */
public final class Report {
  /** The servers, in column order. */
  static final String[] SERVERS = {"ours", "node", "raw"};

  /** One metric row of a case table. */
  record Metric(String path, String label, boolean higherIsBetter, String target) {}

  private Report() {}

  /** Entry point. */
  public static void main(String[] args) throws IOException {
    Path results = null;
    Path meta = null;
    Path out = null;
    Path jmh = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--results" -> results = Path.of(args[i + 1]);
        case "--meta" -> meta = Path.of(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        case "--jmh" -> jmh = Path.of(args[i + 1]);
        default -> {
          System.err.println(
              "usage: Report --results FILE --meta FILE --out FILE [--jmh JMH-JSON]");
          System.exit(2);
        }
      }
    }
    if (results == null || meta == null || out == null) {
      System.err.println("usage: Report --results FILE --meta FILE --out FILE [--jmh JMH-JSON]");
      System.exit(2);
    }
    String md = render(Files.readAllLines(results, StandardCharsets.UTF_8), readMeta(meta));
    if (jmh != null) {
      md += jmhSection(Files.readString(jmh, StandardCharsets.UTF_8));
    }
    Files.writeString(out, md, StandardCharsets.UTF_8);
    System.err.println("wrote " + out);
  }

  static Map<String, String> readMeta(Path p) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        String k = line.substring(0, eq).trim();
        String v = line.substring(eq + 1).trim();
        m.merge(k, v, (a, b) -> a + "\n" + b);
      }
    }
    return m;
  }

  /** The metrics shown for a scenario. */
  static List<Metric> metrics(String scenario, String caseName) {
    List<Metric> m = new ArrayList<>();
    switch (scenario) {
      case "connect" -> {
        m.add(new Metric("connect_per_s", "connections/s", true, "ours ≥ 0.9× ceiling"));
        m.add(new Metric("connect_us.p50", "handshake p50 (µs)", false, ""));
        m.add(new Metric("connect_us.p99", "handshake p99 (µs)", false, ""));
        m.add(new Metric("opened", "connections opened", true, ""));
      }
      case "idle" -> {
        m.add(
            new Metric(
                "opened",
                "connections held",
                true,
                caseName.contains("19k") ? "all held (19,000 in the full run)" : ""));
        m.add(
            new Metric(
                "heap_per_conn_bytes",
                "heap per connection (B, after GC)",
                false,
                "ours ≤ 3 KB (3,072 B)"));
        m.add(
            new Metric("rss_per_conn_bytes", "RSS per connection (B)", false, "ours ≤ 0.5× Node"));
        m.add(new Metric("probe_rtt_us.p50", "echo probe RTT p50 (µs)", false, ""));
        m.add(new Metric("probe_rtt_us.p99", "echo probe RTT p99 (µs)", false, ""));
        m.add(new Metric("ping_lag_us.p99", "v4 ping lag p99 (µs)", false, ""));
        m.add(new Metric("pings_answered", "server pings answered", true, ""));
      }
      case "ws-echo" -> {
        boolean big = caseName.contains("4k");
        m.add(
            new Metric(
                "msgs_per_s",
                "messages/s",
                true,
                big ? "ours ≥ 0.85× ceiling" : "ours ≥ 0.8× ceiling"));
        m.add(new Metric("latency_us.p50", "latency p50 (µs)", false, ""));
        m.add(new Metric("latency_us.p99", "latency p99 (µs)", false, "ours ≤ 1.5× ceiling"));
        m.add(new Metric("latency_us.p999", "latency p99.9 (µs)", false, ""));
      }
      case "poll-echo" -> {
        m.add(new Metric("http_requests_per_s", "HTTP requests/s", true, "ours ≥ 0.9× raw HTTP"));
        m.add(new Metric("msgs_per_s", "messages/s", true, ""));
        m.add(new Metric("latency_us.p50", "latency p50 (µs)", false, ""));
        m.add(new Metric("latency_us.p99", "latency p99 (µs)", false, ""));
        m.add(new Metric("latency_us.p999", "latency p99.9 (µs)", false, ""));
      }
      case "broadcast" -> {
        m.add(new Metric("msgs_per_s", "delivered messages/s (median round)", true, "ours ≥ Node"));
        m.add(new Metric("round_ms_median", "time until all had all (ms)", false, ""));
        m.add(new Metric("completion_us.p50", "per-connection completion p50 (µs)", false, ""));
        m.add(new Metric("completion_us.p99", "per-connection completion p99 (µs)", false, ""));
        m.add(new Metric("rounds", "rounds", true, ""));
      }
      default -> m.add(new Metric("errors", "errors", false, ""));
    }
    return m;
  }

  /** Reads a dotted path ({@code latency_us.p99}) from a result; NaN when absent. */
  @SuppressWarnings("unchecked")
  public static double value(Map<String, Object> result, String path) {
    Object cur = result;
    for (String part : path.split("\\.")) {
      if (!(cur instanceof Map)) {
        return Double.NaN;
      }
      cur = ((Map<String, Object>) cur).get(part);
    }
    return cur instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>();
    for (Double x : xs) {
      if (x != null && !x.isNaN()) {
        s.add(x);
      }
    }
    if (s.isEmpty()) {
      return Double.NaN;
    }
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** Whether a target holds, from its text and the medians; null when it cannot be judged. */
  static Boolean met(Metric m, double ours, double node, double raw, double requested) {
    String t = m.target();
    if (t.isEmpty() || Double.isNaN(ours)) {
      return null;
    }
    if (t.startsWith("ours ≥ ") && t.endsWith("× ceiling")) {
      double f = Double.parseDouble(t.substring(7, t.indexOf('×')));
      return Double.isNaN(raw) ? null : ours >= f * raw;
    }
    if (t.startsWith("ours ≤ ") && t.endsWith("× ceiling")) {
      double f = Double.parseDouble(t.substring(7, t.indexOf('×')));
      return Double.isNaN(raw) ? null : ours <= f * raw;
    }
    if (t.endsWith("× raw HTTP")) {
      double f = Double.parseDouble(t.substring(7, t.indexOf('×')));
      return Double.isNaN(raw) ? null : ours >= f * raw;
    }
    if (t.equals("ours ≤ 0.5× Node")) {
      // a memory delta at or below zero is noise (too few connections), not a result
      return Double.isNaN(node) || ours <= 0 || node <= 0 ? null : ours <= 0.5 * node;
    }
    if (t.equals("ours ≥ Node")) {
      return Double.isNaN(node) ? null : ours >= node;
    }
    if (t.startsWith("ours ≤ 3 KB")) {
      return ours <= 3072;
    }
    if (t.startsWith("all held")) {
      return Double.isNaN(requested) ? null : ours >= requested;
    }
    return null;
  }

  /** Renders the whole document. */
  static String render(List<String> lines, Map<String, String> meta) {
    // case -> server -> runs
    Map<String, Map<String, List<Map<String, Object>>>> byCase = new LinkedHashMap<>();
    Map<String, String> scenarioOf = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      Map<String, Object> o;
      try {
        o = Json.parseObject(line);
      } catch (IllegalArgumentException e) {
        problems.add("unreadable results line: " + e.getMessage());
        continue;
      }
      String c = String.valueOf(o.get("case"));
      String server = String.valueOf(o.get("server"));
      byCase.computeIfAbsent(c, k -> new LinkedHashMap<>());
      @SuppressWarnings("unchecked")
      Map<String, Object> result =
          o.get("result") instanceof Map ? (Map<String, Object>) o.get("result") : null;
      if (result == null) {
        problems.add(
            c
                + " / "
                + server
                + " run "
                + o.get("run")
                + ": "
                + o.getOrDefault("error", "no result"));
        continue;
      }
      scenarioOf.putIfAbsent(c, String.valueOf(result.get("scenario")));
      byCase.get(c).computeIfAbsent(server, k -> new ArrayList<>()).add(result);
      if (value(result, "rss_per_conn_bytes") <= 0 || value(result, "heap_per_conn_bytes") <= 0) {
        problems.add(
            c
                + " / "
                + server
                + " run "
                + o.get("run")
                + ": the server's memory did not grow with the connections held (too few connections to measure)");
      }
      double errs = value(result, "errors");
      if (errs > 0) {
        problems.add(
            c
                + " / "
                + server
                + " run "
                + o.get("run")
                + ": "
                + (long) errs
                + " errors, e.g. "
                + result.get("error_samples"));
      }
    }

    StringBuilder sb = new StringBuilder();
    sb.append("# Benchmarks\n\n");
    sb.append("Written by `benchmarks/run.sh` (do not edit by hand). ")
        .append(
            "Each case ran against three servers, alternating (ours, Node, ceiling; repeated), each server process started fresh for each run; ")
        .append("every number below is the **median over ")
        .append(meta.getOrDefault("runs", "?"))
        .append(" runs**. ")
        .append(
            "Ratios are ours/Node and ours/ceiling; for rates higher is better, for latencies and memory lower is better.\n\n");
    sb.append(
        "- **ours**: `dev.eio4j.bench.server.BenchServer` (EngineIoServer on EngineIoNettyServer, echo + broadcast trigger)\n");
    sb.append(
        "- **Node**: `benchmarks/node/bench-ref-server.js` (engine.io 6.6.11, the same echo + broadcast trigger)\n");
    sb.append(
        "- **ceiling**: `dev.eio4j.bench.raw.RawEchoServer` (plain Netty WebSocket echo + HTTP POST echo, no Engine.IO)\n\n");
    if ("quick".equals(meta.get("mode")) || "smoke".equals(meta.get("mode"))) {
      sb.append("> **")
          .append(meta.get("mode"))
          .append(
              " run**: small counts and short durations, a check of the tooling, not a measurement.\n\n");
    }

    sb.append("## Machine and command\n\n");
    sb.append("| | |\n|---|---|\n");
    for (String k :
        new String[] {
          "date",
          "mode",
          "runs",
          "nproc",
          "cpu",
          "memory",
          "kernel",
          "java",
          "node",
          "engine.io",
          "git"
        }) {
      if (meta.containsKey(k)) {
        sb.append("| ").append(k).append(" | ").append(cell(meta.get(k))).append(" |\n");
      }
    }
    sb.append("\nCommand:\n\n```\n")
        .append(meta.getOrDefault("command", "benchmarks/run.sh"))
        .append("\n```\n\n");
    sb.append("Server and load generator flags:\n\n```\n");
    for (String k : new String[] {"ours", "node", "raw", "loadgen"}) {
      if (meta.containsKey("cmd." + k)) {
        sb.append(k).append(": ").append(meta.get("cmd." + k)).append('\n');
      }
    }
    sb.append("```\n\n");
    if (meta.containsKey("notes")) {
      sb.append(meta.get("notes")).append("\n\n");
    }

    sb.append("## Summary against the targets\n\n");
    sb.append(
        "| case | metric | target | ours | Node | ceiling | ours/Node | ours/ceiling | met |\n");
    sb.append("|---|---|---|---:|---:|---:|---:|---:|:-:|\n");
    for (var ce : byCase.entrySet()) {
      String scenario = scenarioOf.get(ce.getKey());
      if (scenario == null) {
        continue;
      }
      for (Metric m : metrics(scenario, ce.getKey())) {
        if (m.target().isEmpty()) {
          continue;
        }
        double[] med = medians(ce.getValue(), m);
        double requested = medians(ce.getValue(), new Metric("connections", "", true, ""))[0];
        Boolean ok = met(m, med[0], med[1], med[2], requested);
        sb.append("| ")
            .append(ce.getKey())
            .append(" | ")
            .append(m.label())
            .append(" | ")
            .append(m.target())
            .append(" | ")
            .append(num(med[0]))
            .append(" | ")
            .append(num(med[1]))
            .append(" | ")
            .append(num(med[2]))
            .append(" | ")
            .append(ratio(med[0], med[1]))
            .append(" | ")
            .append(ratio(med[0], med[2]))
            .append(" | ")
            .append(ok == null ? "–" : ok ? "yes" : "**no**")
            .append(" |\n");
      }
    }
    sb.append('\n');

    for (var ce : byCase.entrySet()) {
      String c = ce.getKey();
      String scenario = scenarioOf.get(c);
      sb.append("## ").append(c).append("\n\n");
      if (scenario == null) {
        sb.append("No run produced a result.\n\n");
        continue;
      }
      if (meta.containsKey("case." + c)) {
        sb.append("Load: `").append(meta.get("case." + c)).append("`\n\n");
      }
      sb.append("| metric | ours | Node | ceiling | ours/Node | ours/ceiling | target |\n");
      sb.append("|---|---:|---:|---:|---:|---:|---|\n");
      for (Metric m : metrics(scenario, c)) {
        double[] med = medians(ce.getValue(), m);
        if (Double.isNaN(med[0]) && Double.isNaN(med[1]) && Double.isNaN(med[2])) {
          continue;
        }
        sb.append("| ")
            .append(m.label())
            .append(" | ")
            .append(num(med[0]))
            .append(" | ")
            .append(num(med[1]))
            .append(" | ")
            .append(num(med[2]))
            .append(" | ")
            .append(ratio(med[0], med[1]))
            .append(" | ")
            .append(ratio(med[0], med[2]))
            .append(" | ")
            .append(m.target())
            .append(" |\n");
      }
      Metric primary = metrics(scenario, c).get(0);
      sb.append("\nEach run's ").append(primary.label()).append(": ");
      List<String> parts = new ArrayList<>();
      for (String s : SERVERS) {
        List<Map<String, Object>> runs = ce.getValue().getOrDefault(s, List.of());
        List<String> vals = new ArrayList<>();
        for (Map<String, Object> r : runs) {
          vals.add(num(value(r, primary.path())));
        }
        parts.add(label(s) + " " + (vals.isEmpty() ? "–" : String.join(" / ", vals)));
      }
      sb.append(String.join("; ", parts)).append(".\n\n");
    }

    String idleCase =
        byCase.containsKey("idle-19k")
            ? "idle-19k"
            : byCase.containsKey("idle-10k") ? "idle-10k" : null;
    if (idleCase != null) {
      double[] heap =
          medians(byCase.get(idleCase), new Metric("heap_per_conn_bytes", "", false, ""));
      double[] rss = medians(byCase.get(idleCase), new Metric("rss_per_conn_bytes", "", false, ""));
      if (!Double.isNaN(heap[0])) {
        sb.append("## Extrapolating to 1M connections\n\n");
        sb.append("From ")
            .append(idleCase)
            .append(", a held WebSocket session costs our server ")
            .append(num(heap[0]))
            .append(" B of heap after GC (Node: ")
            .append(num(heap[1]))
            .append(" B of V8 heap; the raw Netty ceiling: ")
            .append(num(heap[2]))
            .append(" B, so the Engine.IO session itself is about ")
            .append(num(heap[0] - heap[2]))
            .append(" B). One million idle connections would hold about ")
            .append(String.format(java.util.Locale.ROOT, "%.1f", heap[0] * 1e6 / 1e9))
            .append(" GB of heap for sessions and channels (Node: ")
            .append(String.format(java.util.Locale.ROOT, "%.1f", heap[1] * 1e6 / 1e9))
            .append(
                " GB), so `-Xmx4g` leaves room for traffic; the measured RSS growth per connection (ours ")
            .append(num(rss[0]))
            .append(" B, Node ")
            .append(num(rss[1]))
            .append(
                " B) includes heap pages the JVM had already committed, so it is a floor, not a forecast. ")
            .append(
                "The kernel adds its own socket buffers (a few KB per idle TCP connection, outside the process), ")
            .append(
                "one file descriptor each (raise `ulimit -n` past 1M), and the load must come from many source ")
            .append(
                "addresses or machines. Heartbeats stay cheap at that scale: each session has one pending timer on ")
            .append(
                "its event loop (Netty's scheduled-task queue), touched once per ping interval.\n\n");
      }
    }

    sb.append("## Problems during the runs\n\n");
    if (problems.isEmpty()) {
      sb.append("None: every run finished with 0 errors.\n");
    } else {
      for (String p : problems) {
        sb.append("- ").append(p.replace("\n", " ")).append('\n');
      }
    }
    return sb.toString();
  }

  /** A table of JMH's JSON results (benchmark, parameters, score ± error). */
  @SuppressWarnings("unchecked")
  static String jmhSection(String json) {
    StringBuilder sb = new StringBuilder("\n## JMH\n\n");
    Object parsed;
    try {
      parsed = Json.parse(json);
    } catch (IllegalArgumentException e) {
      return sb.append("The JMH results could not be read: ")
          .append(e.getMessage())
          .append('\n')
          .toString();
    }
    if (!(parsed instanceof List<?> list) || list.isEmpty()) {
      return sb.append("No JMH results.\n").toString();
    }
    Map<String, Object> first = (Map<String, Object>) list.get(0);
    sb.append("JMH ")
        .append(first.get("jmhVersion"))
        .append(", ")
        .append(first.get("vmName"))
        .append(' ')
        .append(first.get("vmVersion"))
        .append(", ")
        .append(first.get("forks"))
        .append(" fork(s), ")
        .append(first.get("warmupIterations"))
        .append(" × ")
        .append(first.get("warmupTime"))
        .append(" warm-up, ")
        .append(first.get("measurementIterations"))
        .append(" × ")
        .append(first.get("measurementTime"))
        .append(" measured.\n\n");
    sb.append("| benchmark | parameters | score | ± error | unit |\n|---|---|---:|---:|---|\n");
    for (Object o : list) {
      Map<String, Object> b = (Map<String, Object>) o;
      String name = String.valueOf(b.get("benchmark")).replace("dev.eio4j.bench.jmh.", "");
      Map<String, Object> params =
          b.get("params") instanceof Map ? (Map<String, Object>) b.get("params") : Map.of();
      List<String> ps = new ArrayList<>();
      params.forEach((k, v) -> ps.add(k + "=" + v));
      Map<String, Object> pm = (Map<String, Object>) b.get("primaryMetric");
      double score = Json.num(pm, "score", Double.NaN);
      double err = Json.num(pm, "scoreError", Double.NaN);
      sb.append("| ")
          .append(name)
          .append(" | ")
          .append(String.join(", ", ps))
          .append(" | ")
          .append(num(score))
          .append(" | ")
          .append(num(err))
          .append(" | ")
          .append(pm.get("scoreUnit"))
          .append(" |\n");
    }
    return sb.toString();
  }

  private static double[] medians(Map<String, List<Map<String, Object>>> byServer, Metric m) {
    double[] out = new double[SERVERS.length];
    for (int i = 0; i < SERVERS.length; i++) {
      List<Double> xs = new ArrayList<>();
      for (Map<String, Object> r : byServer.getOrDefault(SERVERS[i], List.of())) {
        xs.add(value(r, m.path()));
      }
      out[i] = median(xs);
    }
    return out;
  }

  private static String label(String server) {
    return switch (server) {
      case "ours" -> "ours";
      case "node" -> "Node";
      default -> "ceiling";
    };
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    if (Math.abs(v) >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (Math.abs(v) >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.2f", a / b);
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", "<br>");
  }
}
