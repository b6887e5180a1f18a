package dev.eio4j.server;

import dev.eio4j.CookieOptions;
import dev.eio4j.CorsOptions;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.protocol.TransportType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The parsed command line. */
record ServerConfig(String host, int port, EngineIoOptions options, boolean help) {

  /** Parses flags; {@code --flag value} and {@code --flag=value} both work. */
  static ServerConfig parse(String[] args) {
    String host = "0.0.0.0";
    int port = 3000;
    boolean help = false;
    EngineIoOptions.OptionsBuilder b = EngineIoOptions.builder();
    List<String> origins = new ArrayList<>();
    boolean credentials = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String inline = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        inline = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "--help", "-h" -> help = true;
        case "--host" -> host = value(args, i++, a, inline);
        case "--port" -> port = intValue(value(args, i++, a, inline), a, 0, 65535);
        case "--path" -> b.path(value(args, i++, a, inline));
        case "--ping-interval" -> b.pingInterval(Duration.ofMillis(intValue(value(args, i++, a, inline), a, 1, Integer.MAX_VALUE)));
        case "--ping-timeout" -> b.pingTimeout(Duration.ofMillis(intValue(value(args, i++, a, inline), a, 1, Integer.MAX_VALUE)));
        case "--upgrade-timeout" -> b.upgradeTimeout(Duration.ofMillis(intValue(value(args, i++, a, inline), a, 1, Integer.MAX_VALUE)));
        case "--max-http-buffer-size" -> b.maxHttpBufferSize(intValue(value(args, i++, a, inline), a, 1, Integer.MAX_VALUE - 8));
        case "--transports" -> b.transports(transports(value(args, i++, a, inline)));
        case "--allow-eio3" -> b.allowEIO3(true);
        case "--no-allow-eio3" -> b.allowEIO3(false);
        case "--no-upgrades" -> b.allowUpgrades(false);
        case "--cors-origin" -> origins.add(value(args, i++, a, inline));
        case "--cors-credentials" -> credentials = true;
        case "--cookie" -> {
          String name = inline;
          if (name == null && i + 1 < args.length && !args[i + 1].startsWith("--")) {
            name = args[++i];
          }
          b.cookie(name == null ? CookieOptions.defaults() : CookieOptions.named(name));
        }
        case "--initial-packet" -> b.initialPacket(value(args, i++, a, inline));
        case "--no-http-compression" -> b.httpCompression(false);
        case "--per-message-deflate" -> b.perMessageDeflate(true);
        default -> throw new IllegalArgumentException("unknown flag: " + a);
      }
      if (inline != null && (a.equals("--help") || a.equals("--allow-eio3") || a.equals("--no-allow-eio3") || a.equals("--no-upgrades")
          || a.equals("--cors-credentials") || a.equals("--no-http-compression") || a.equals("--per-message-deflate"))) {
        throw new IllegalArgumentException(a + " takes no value");
      }
    }
    if (!origins.isEmpty()) {
      CorsOptions.Builder cb = CorsOptions.builder();
      if (origins.contains("*")) {
        cb.anyOrigin();
      } else if (origins.size() == 1 && credentials) {
        cb.fixedOrigin(origins.get(0));
      } else {
        cb.allowOrigins(origins.toArray(String[]::new));
      }
      b.cors(cb.credentials(credentials).build());
    } else if (credentials) {
      throw new IllegalArgumentException("--cors-credentials needs --cors-origin");
    }
    try {
      return new ServerConfig(host, port, b.build(), help);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static String value(String[] args, int i, String flag, String inline) {
    if (inline != null) {
      return inline;
    }
    if (i + 1 >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i + 1];
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

  private static TransportType[] transports(String list) {
    List<TransportType> out = new ArrayList<>();
    for (String s : list.split(",")) {
      TransportType t = TransportType.fromWireName(s.trim());
      if (t == null) {
        throw new IllegalArgumentException("unknown transport: " + s.trim() + " (polling, websocket)");
      }
      out.add(t);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--transports needs at least one transport");
    }
    return out.toArray(TransportType[]::new);
  }
}
