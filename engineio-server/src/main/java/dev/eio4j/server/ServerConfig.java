package dev.eio4j.server;

import dev.eio4j.CookieOptions;
import dev.eio4j.CorsOptions;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.OverflowPolicy;
import dev.eio4j.protocol.TransportType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The parsed command line ({@code metrics}: serve {@code /metrics} in Prometheus format; {@code
 * shutdownTimeout} and {@code drainWindow}: what SIGTERM does; {@code tls}: null for plain HTTP;
 * {@code socketio}: run the Socket.IO demo app at {@code /socket.io/} instead of the echo server, whose
 * connections must join a namespace within {@code connectTimeout}).
 */
record ServerConfig(
    String host,
    int port,
    EngineIoOptions options,
    boolean help,
    boolean metrics,
    Duration shutdownTimeout,
    Duration drainWindow,
    TlsFlags tls,
    boolean socketio,
    Duration connectTimeout) {
  private static final java.util.Set<String> VALUED =
      java.util.Set.of(
          "--host",
          "--port",
          "--path",
          "--ping-interval",
          "--ping-timeout",
          "--upgrade-timeout",
          "--max-http-buffer-size",
          "--transports",
          "--cors-origin",
          "--initial-packet",
          "--max-sessions",
          "--overflow-policy",
          "--shutdown-timeout",
          "--drain-window",
          "--tls-cert",
          "--tls-key",
          "--tls-keystore",
          "--tls-keystore-password",
          "--connect-timeout",
          "--node-id");

  /** The default path with {@code --socketio}: Socket.IO clients' default. */
  static final String SOCKETIO_PATH = "/socket.io";

  /** Parses flags; {@code --flag value} and {@code --flag=value} both work. */
  static ServerConfig parse(String[] args) {
    String host = "0.0.0.0";
    int port = 3000;
    boolean help = false;
    boolean metrics = false;
    Duration shutdownTimeout = Duration.ofSeconds(5);
    Duration drainWindow = Duration.ZERO;
    EngineIoOptions.OptionsBuilder b = EngineIoOptions.builder();
    List<String> origins = new ArrayList<>();
    boolean credentials = false;
    String tlsCert = null;
    String tlsKey = null;
    String tlsKeyStore = null;
    String tlsKeyStorePassword = null;
    boolean socketio = false;
    Duration connectTimeout = Duration.ofSeconds(45);
    boolean pathGiven = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String inline = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        inline = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      String v = null;
      if (VALUED.contains(a)) {
        if (inline != null) {
          v = inline;
        } else if (i + 1 < args.length) {
          v = args[++i];
        } else {
          throw new IllegalArgumentException(a + " needs a value");
        }
      } else if (inline != null && !a.equals("--cookie")) {
        throw new IllegalArgumentException(a + " takes no value");
      }
      switch (a) {
        case "--help", "-h" -> help = true;
        case "--host" -> host = v;
        case "--port" -> port = intValue(v, a, 0, 65535);
        case "--path" -> {
          b.path(v);
          pathGiven = true;
        }
        case "--ping-interval" ->
            b.pingInterval(Duration.ofMillis(intValue(v, a, 1, Integer.MAX_VALUE)));
        case "--ping-timeout" ->
            b.pingTimeout(Duration.ofMillis(intValue(v, a, 1, Integer.MAX_VALUE)));
        case "--upgrade-timeout" ->
            b.upgradeTimeout(Duration.ofMillis(intValue(v, a, 1, Integer.MAX_VALUE)));
        case "--max-http-buffer-size" ->
            b.maxHttpBufferSize(intValue(v, a, 1, Integer.MAX_VALUE - 8));
        case "--transports" -> b.transports(transports(v));
        case "--allow-eio3" -> b.allowEIO3(true);
        case "--no-allow-eio3" -> b.allowEIO3(false);
        case "--no-upgrades" -> b.allowUpgrades(false);
        case "--cors-origin" -> origins.addAll(origins(v));
        case "--cors-credentials" -> credentials = true;
        case "--cookie" -> {
          String name = inline;
          if (name == null && i + 1 < args.length && !args[i + 1].startsWith("--")) {
            name = args[++i];
          }
          b.cookie(name == null ? CookieOptions.defaults() : CookieOptions.named(name));
        }
        case "--initial-packet" -> b.initialPacket(v);
        case "--no-http-compression" -> b.httpCompression(false);
        case "--per-message-deflate" -> b.perMessageDeflate(true);
        case "--metrics" -> metrics = true;
        case "--max-sessions" -> b.maxSessions(intValue(v, a, 0, Integer.MAX_VALUE));
        case "--overflow-policy" -> b.overflowPolicy(overflowPolicy(v));
        case "--shutdown-timeout" ->
            shutdownTimeout = Duration.ofMillis(intValue(v, a, 0, Integer.MAX_VALUE));
        case "--drain-window" ->
            drainWindow = Duration.ofMillis(intValue(v, a, 0, Integer.MAX_VALUE));
        case "--tls-cert" -> tlsCert = v;
        case "--tls-key" -> tlsKey = v;
        case "--tls-keystore" -> tlsKeyStore = v;
        case "--tls-keystore-password" -> tlsKeyStorePassword = v;
        case "--socketio" -> socketio = true;
        case "--connect-timeout" ->
            connectTimeout = Duration.ofMillis(intValue(v, a, 1, Integer.MAX_VALUE));
        case "--node-id" -> {
          try {
            b.nodeId(v);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "--node-id must be exactly 3 characters a-z or 0-9, e.g. n01", e);
          }
        }
        default -> throw new IllegalArgumentException("unknown flag: " + a);
      }
    }
    if (!origins.isEmpty()) {
      if (credentials && origins.contains("*")) {
        throw new IllegalArgumentException(
            "--cors-credentials cannot be combined with --cors-origin '*' (browsers refuse credentials for any"
                + " origin): list the allowed origins instead");
      }
      CorsOptions.Builder cb = CorsOptions.builder();
      if (origins.contains("*")) {
        cb.anyOrigin();
      } else if (origins.size() == 1 && credentials) {
        cb.fixedOrigin(origins.get(0));
      } else {
        cb.allowOrigins(origins.toArray(String[]::new));
      }
      try {
        b.cors(cb.credentials(credentials).build());
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException("--cors-origin: " + e.getMessage(), e);
      }
    } else if (credentials) {
      throw new IllegalArgumentException("--cors-credentials needs --cors-origin");
    }
    if (socketio && !pathGiven) {
      b.path(SOCKETIO_PATH);
    }
    TlsFlags tls = TlsFlags.of(tlsCert, tlsKey, tlsKeyStore, tlsKeyStorePassword);
    try {
      return new ServerConfig(
          host,
          port,
          b.build(),
          help,
          metrics,
          shutdownTimeout,
          drainWindow,
          tls,
          socketio,
          connectTimeout);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** One {@code --cors-origin} value: a single origin, {@code *}, or a comma-separated list of origins. */
  private static List<String> origins(String list) {
    List<String> out = new ArrayList<>();
    for (String s : list.split(",", -1)) {
      String origin = s.trim();
      if (origin.isEmpty()) {
        throw new IllegalArgumentException("--cors-origin has an empty entry in: " + list);
      }
      out.add(origin);
    }
    return out;
  }

  private static int intValue(String v, String flag, int min, int max) {
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a whole number, got: " + v);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(flag + " must be in " + min + ".." + max + ", got: " + v);
    }
    return (int) n;
  }

  private static OverflowPolicy overflowPolicy(String v) {
    switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "reject":
        return OverflowPolicy.REJECT;
      case "close":
        return OverflowPolicy.CLOSE;
      default:
        throw new IllegalArgumentException("--overflow-policy must be reject or close, got: " + v);
    }
  }

  private static TransportType[] transports(String list) {
    List<TransportType> out = new ArrayList<>();
    for (String s : list.split(",")) {
      TransportType t = TransportType.fromWireName(s.trim());
      if (t == null) {
        throw new IllegalArgumentException(
            "unknown transport: " + s.trim() + " (polling, websocket)");
      }
      out.add(t);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--transports needs at least one transport");
    }
    return out.toArray(TransportType[]::new);
  }
}
