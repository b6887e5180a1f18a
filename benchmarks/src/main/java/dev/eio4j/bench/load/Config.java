package dev.eio4j.bench.load;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The load generator's command line. Every count and duration is capped. */
public final class Config {
  /** The scenarios. */
  public enum Scenario {
    CONNECT("connect"),
    IDLE("idle"),
    WS_ECHO("ws-echo"),
    POLL_ECHO("poll-echo"),
    BROADCAST("broadcast");

    final String wire;

    Scenario(String wire) {
      this.wire = wire;
    }

    static Scenario of(String s) {
      for (Scenario v : values()) {
        if (v.wire.equals(s)) {
          return v;
        }
      }
      throw new IllegalArgumentException(
          "unknown scenario '" + s + "' (connect|idle|ws-echo|poll-echo|broadcast)");
    }

    /** The name on the command line. */
    public String wireName() {
      return wire;
    }
  }

  /** Hard cap on connections over all processes. */
  public static final int MAX_CONNECTIONS = 100_000;

  /** Hard cap on a run's duration, seconds. */
  public static final double MAX_DURATION_S = 3600;

  public Scenario scenario;
  public String host = "127.0.0.1";
  public int port = 3000;
  public String path; // null: the default for the mode
  public int connections = 100;
  public double durationS = 10;
  public double warmupS = -1; // -1: default per scenario
  public int size = 32;
  public int inFlight = 1;
  public int protocol = 4;
  public boolean polling; // connect over polling instead of WebSocket
  public boolean raw;
  public int sources = 8;
  public int sourceOffset = 0;
  public int concurrency = 200;
  public int threads = Runtime.getRuntime().availableProcessors();
  public int procs = 1;
  public long serverPid = -1;
  public boolean stats = true;
  public String statsPath = "/bench/stats";
  public double settleS = 2;
  public int prewarm = 0;
  public int probeConns = 100;
  public long probeIntervalMs = 2000;
  public int count = 10;
  public int rounds = 1000;
  public long openTimeoutMs = 15_000;
  public boolean closeEach;
  public double deadlineS = -1; // -1: derived
  public long maxErrors = 0;
  public String label = "";
  public boolean json;
  public boolean nio;
  public boolean help;
  public int shard = 0; // this process's shard (0 = the parent)
  public List<String> originalArgs = new ArrayList<>();

  /**
   * Parses the flags.
   *
   * @throws IllegalArgumentException on a bad flag or value
   */
  public static Config parse(String[] args) {
    Config c = new Config();
    boolean scenarioGiven = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.equals("--shard")) {
        c.originalArgs.add(a);
      }
      switch (a) {
        case "--help", "-h" -> c.help = true;
        case "--scenario" -> {
          c.scenario = Scenario.of(value(args, ++i, a));
          c.originalArgs.add(args[i]);
          scenarioGiven = true;
        }
        case "--url" -> {
          c.url(value(args, ++i, a));
          c.originalArgs.add(args[i]);
        }
        case "--shard" -> c.shard = intIn(value(args, ++i, a), a, 1, 63);
        case "--raw" -> c.raw = true;
        case "--close-each" -> c.closeEach = true;
        case "--json" -> c.json = true;
        case "--nio" -> c.nio = true;
        case "--no-stats" -> c.stats = false;
        default -> {
          if (!a.startsWith("--")) {
            throw new IllegalArgumentException("unexpected argument '" + a + "'");
          }
          String v = value(args, ++i, a);
          c.originalArgs.add(v);
          c.set(a, v);
        }
      }
    }
    if (c.help) {
      return c;
    }
    if (!scenarioGiven) {
      throw new IllegalArgumentException("--scenario is required");
    }
    c.check();
    return c;
  }

  private void set(String flag, String v) {
    switch (flag) {
      case "--path" -> path = v.startsWith("/") ? v : "/" + v;
      case "--connections" -> connections = intIn(v, flag, 1, MAX_CONNECTIONS);
      case "--duration" -> durationS = doubleIn(v, flag, 0.1, MAX_DURATION_S);
      case "--warmup" -> warmupS = doubleIn(v, flag, 0, 600);
      case "--size" -> size = intIn(v, flag, Wire.STAMP_LEN, 1_000_000);
      case "--in-flight" -> inFlight = intIn(v, flag, 1, 1024);
      case "--protocol" -> protocol = intIn(v, flag, 3, 4);
      case "--transport" -> {
        if (!v.equals("websocket") && !v.equals("polling")) {
          throw new IllegalArgumentException("--transport must be websocket or polling");
        }
        polling = v.equals("polling");
      }
      case "--sources" -> sources = intIn(v, flag, 1, 250);
      case "--source-offset" -> sourceOffset = intIn(v, flag, 0, 249);
      case "--concurrency" -> concurrency = intIn(v, flag, 1, 10_000);
      case "--threads" -> threads = intIn(v, flag, 1, 64);
      case "--procs" -> procs = intIn(v, flag, 1, 16);
      case "--server-pid" -> serverPid = intIn(v, flag, 1, Integer.MAX_VALUE);
      case "--stats-path" -> statsPath = v.startsWith("/") ? v : "/" + v;
      case "--settle" -> settleS = doubleIn(v, flag, 0, 120);
      case "--prewarm" -> prewarm = intIn(v, flag, 0, MAX_CONNECTIONS);
      case "--probe-conns" -> probeConns = intIn(v, flag, 0, MAX_CONNECTIONS);
      case "--probe-interval-ms" -> probeIntervalMs = intIn(v, flag, 10, 600_000);
      case "--count" -> count = intIn(v, flag, 1, 100_000);
      case "--rounds" -> rounds = intIn(v, flag, 1, 100_000);
      case "--open-timeout-ms" -> openTimeoutMs = intIn(v, flag, 100, 600_000);
      case "--deadline" -> deadlineS = doubleIn(v, flag, 1, 2 * MAX_DURATION_S);
      case "--max-errors" -> maxErrors = intIn(v, flag, 0, Integer.MAX_VALUE);
      case "--label" -> label = v;
      default -> throw new IllegalArgumentException("unknown flag " + flag + " (see --help)");
    }
  }

  private void url(String u) {
    URI uri;
    try {
      uri = URI.create(u);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad --url: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("ws")) {
      throw new IllegalArgumentException("--url must be http:// or ws:// (no TLS): " + u);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("--url has no host: " + u);
    }
    host = uri.getHost();
    port = uri.getPort() < 0 ? 80 : uri.getPort();
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      path = uri.getRawPath();
    }
  }

  private void check() {
    try {
      InetAddress a = InetAddress.getByName(host);
      if (!a.isLoopbackAddress()) {
        throw new IllegalArgumentException(
            "the target must be a loopback address (127.0.0.0/8 or ::1): " + host);
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + host);
    }
    if (scenario == Scenario.POLL_ECHO) {
      polling = true;
    } else if (polling && scenario != Scenario.CONNECT) {
      throw new IllegalArgumentException("--transport polling is for connect and poll-echo only");
    }
    if (raw && polling && scenario == Scenario.CONNECT) {
      throw new IllegalArgumentException("--raw connect is WebSocket only");
    }
    if (procs > 1 && scenario == Scenario.BROADCAST) {
      throw new IllegalArgumentException("broadcast runs in one process (--procs 1)");
    }
    if (procs > connections) {
      throw new IllegalArgumentException("--procs exceeds --connections");
    }
    if (sourceOffset + sources > 250) {
      throw new IllegalArgumentException(
          "--source-offset + --sources must stay within 127.0.0.1..127.0.0.250");
    }
    if (scenario == Scenario.POLL_ECHO
        || scenario == Scenario.WS_ECHO
        || scenario == Scenario.IDLE) {
      if ((long) inFlight * size > 64L * 1024 * 1024) {
        throw new IllegalArgumentException("--in-flight x --size exceeds 64 MiB per connection");
      }
    }
  }

  /** Seconds of warm-up before measuring. */
  public double warmup() {
    if (warmupS >= 0) {
      return warmupS;
    }
    return switch (scenario) {
      case WS_ECHO, POLL_ECHO -> Math.min(2.0, durationS / 4);
      default -> 0;
    };
  }

  /** The hard deadline of the whole run, seconds. */
  public double deadline() {
    if (deadlineS > 0) {
      return deadlineS;
    }
    double connect = 30 + (connections + prewarm) / 500.0; // generous: 500 connections/s at worst
    return connect + settleS * 2 + warmup() + durationS + 60;
  }

  /** The path of the Engine.IO endpoint or of the raw WebSocket. */
  public String wsPath() {
    if (path != null) {
      return path;
    }
    return raw ? "/ws" : "/engine.io/";
  }

  /** The path of the raw HTTP echo, or of Engine.IO polling. */
  public String httpPath() {
    if (path != null) {
      return path;
    }
    return raw ? "/echo" : "/engine.io/";
  }

  /** The first connection index of a shard, and one past its last. */
  public int shardStart(int s) {
    return (int) ((long) connections * s / procs);
  }

  /** Transport name for reports. */
  public String transportName() {
    return polling ? "polling" : "websocket";
  }

  static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  static int intIn(String v, String flag, int min, int max) {
    long n;
    try {
      n = Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs an integer: " + v);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(flag + " must be in " + min + ".." + max + ": " + v);
    }
    return (int) n;
  }

  static double doubleIn(String v, String flag, double min, double max) {
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a number: " + v);
    }
    if (!(d >= min && d <= max)) {
      throw new IllegalArgumentException(flag + " must be in " + min + ".." + max + ": " + v);
    }
    return d;
  }

  /** The help text. */
  public static void printHelp(PrintStream out) {
    out.println(
        "eio4j load generator: Engine.IO v4/v3 (WebSocket, polling) or raw WebSocket/HTTP, loopback only.");
    out.println();
    out.println(
        "Usage: java -cp benchmarks/target/benchmarks.jar dev.eio4j.bench.load.LoadGen --scenario NAME [flags]");
    out.println();
    String[][] rows = {
      {"--scenario S", "connect | idle | ws-echo | poll-echo | broadcast (required)"},
      {"--url URL", "server base URL, http:// or ws://, loopback only [http://127.0.0.1:3000]"},
      {"--path P", "endpoint path [/engine.io/; raw: /ws and /echo]"},
      {"--connections N", "connections (sessions), over all processes [100, max 100000]"},
      {"--duration S", "measured seconds (idle: hold time; broadcast: time for rounds) [10]"},
      {"--warmup S", "seconds before measuring [echo: min(2, duration/4); else 0]"},
      {"--size BYTES", "message size, >= 16 (a 16-hex-digit send stamp + padding) [32]"},
      {"--in-flight K", "messages in flight per connection (echo scenarios) [1]"},
      {"--protocol 3|4", "Engine.IO protocol revision [4]"},
      {"--transport T", "websocket | polling (connect only; poll-echo is polling) [websocket]"},
      {"--raw", "speak plain WebSocket/HTTP to dev.eio4j.bench.raw.RawEchoServer"},
      {"--sources N", "spread connections over source addresses 127.0.0.1..127.0.0.N [8]"},
      {"--source-offset M", "first source address is 127.0.0.(1+M) [0]"},
      {"--concurrency C", "handshakes in progress at once [200]"},
      {"--threads T", "event loop threads per process [cores]"},
      {"--procs P", "split the connections over P processes (child JVMs of this one) [1]"},
      {
        "--server-pid PID",
        "read the server's VmRSS from /proc (default: the pid from the stats endpoint)"
      },
      {"--no-stats", "do not query the server's stats endpoint (heap, sessions, pid)"},
      {"--stats-path P", "the stats endpoint [/bench/stats]"},
      {"--settle S", "idle: wait this long after all connected before reading memory [2]"},
      {
        "--prewarm N",
        "idle: open and close N connections before reading the baseline (first process only) [0]"
      },
      {"--probe-conns N", "idle: connections that send an echo probe [100]"},
      {"--probe-interval-ms MS", "idle: time between probes of one connection [2000]"},
      {"--count N", "broadcast: messages per round (trigger 'broadcast:<count>:<size>') [10]"},
      {"--rounds N", "broadcast: at most this many rounds within --duration [1000]"},
      {"--open-timeout-ms MS", "one connection's connect + handshake limit [15000]"},
      {"--close-each", "connect: close each connection once open (churn) instead of holding all"},
      {"--deadline S", "hard limit of the whole run; exit 3 when hit [derived]"},
      {"--max-errors N", "errors tolerated before the exit code is 1 [0]"},
      {"--label TEXT", "copied into the result"},
      {"--json", "print one JSON object instead of text"},
      {"--nio", "use NIO even where epoll is available"},
      {"--help", "this text"},
    };
    for (String[] r : rows) {
      out.printf("  %-24s %s%n", r[0], r[1]);
    }
    out.println();
    out.println("Exit codes: 0 ok, 1 more errors than --max-errors, 2 bad usage, 3 deadline hit.");
  }
}
