package dev.eio4j.server;

import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoServer;
import dev.eio4j.netty.EngineIoNettyServer;
import dev.eio4j.netty.HttpFallback;
import dev.eio4j.socketio.SocketIoOptions;
import dev.eio4j.socketio.SocketIoServer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runnable echo server: every message, text or binary, goes back to its sender. {@code --help}
 * lists the flags.
 */
public final class Main {
  private Main() {}

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    ServerConfig config;
    try {
      config = ServerConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("Run with --help for the list of flags.");
      System.exit(2);
      return;
    }
    if (config.help()) {
      printHelp(System.out);
      return;
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    MetricsEndpoint metrics =
        config.metrics()
            ? new MetricsEndpoint(new DemoPage(config.options(), config.socketio()))
            : null; // --metrics
    EngineIoServer server =
        EngineIoServer.create(
            metrics == null ? config.options() : metrics.observe(config.options()));
    EngineIoServer recovery = null;
    if (config.socketio()) {
      SocketIoOptions.Builder sio =
          SocketIoOptions.builder().connectTimeout(config.connectTimeout());
      SocketIoDemo.install(
          SocketIoServer.attach(
              server, (metrics == null ? sio : metrics.observe(sio)).build())); // socketio_* meters
      // the same app with connection state recovery, at <path>-recovery/ on the same port
      recovery = EngineIoServer.create(recoveryEngineOptions(config.options()));
      SocketIoDemo.install(
          SocketIoServer.attach(
              recovery,
              SocketIoOptions.builder()
                  .connectTimeout(config.connectTimeout())
                  .connectionStateRecovery(SocketIoDemo.RECOVERY_WINDOW, true)
                  .build()));
    } else {
      server.onConnection(
          socket -> {
            log.info(
                "open {} (v{}, {}) from {}",
                socket.id(),
                socket.protocol().number(),
                socket.transport().wireName(),
                socket.request().remoteAddress());
            socket.onMessage(socket::send);
            socket.onUpgrade(t -> log.info("upgrade {} -> {}", socket.id(), t.wireName()));
            socket.onClose(
                (reason, description) ->
                    log.info(
                        "close {}: {}{}",
                        socket.id(),
                        reason.wireName(),
                        description == null ? "" : " (" + description + ")"));
          });
    }
    HttpFallback pages =
        metrics != null ? metrics : new DemoPage(config.options(), config.socketio());
    EngineIoNettyServer.Builder builder =
        EngineIoNettyServer.builder(server)
            .host(config.host())
            .port(config.port())
            .fallback(readiness(server, pages));
    if (recovery != null) {
      builder.mount(recovery);
    }
    if (config.tls() != null) {
      try {
        config.tls().applyTo(builder);
      } catch (IllegalArgumentException e) {
        System.err.println("error: " + e.getMessage());
        System.exit(2);
        return;
      }
    }
    EngineIoNettyServer running = builder.start();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    String scheme = config.tls() == null ? "http" : "https";
    log.info(
        "eio4j {} listening on {}://{}:{}{} ({}, started in {} ms)",
        config.socketio() ? "Socket.IO demo" : "echo server",
        scheme,
        config.host(),
        running.port(),
        config.options().pathPrefix(),
        running.nativeTransport() ? "epoll" : "nio",
        ms);
    if (recovery != null) {
      log.info(
          "Socket.IO demo with connection state recovery at {}", recovery.options().pathPrefix());
    }
    log.info("options: {}", config.options());
    if (config.tls() != null) {
      log.info("tls: {}", config.tls());
    }
    log.info(
        "readiness: {}://{}:{}{}",
        scheme,
        "0.0.0.0".equals(config.host()) ? "localhost" : config.host(),
        running.port(),
        READY_PATH);
    log.info(
        "demo page: {}://{}:{}/",
        scheme,
        "0.0.0.0".equals(config.host()) ? "localhost" : config.host(),
        running.port());
    if (metrics != null) {
      log.info(
          "metrics: {}://{}:{}{}",
          scheme,
          "0.0.0.0".equals(config.host()) ? "localhost" : config.host(),
          running.port(),
          MetricsEndpoint.PATH);
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> shutdown(server, running, config, log, stop), "eio4j-shutdown"));
    stop.await();
  }

  /**
   * SIGTERM (or SIGINT): with {@code --drain-window}, drain first (the readiness endpoint answers 503, new
   * handshakes are refused, the open sessions are closed spread over the window); then close gracefully
   * within {@code --shutdown-timeout}: the port is freed at once, what is queued is written, and the
   * sessions still open at the deadline are ended.
   */
  static void shutdown(
      EngineIoServer server,
      EngineIoNettyServer running,
      ServerConfig config,
      Logger log,
      CountDownLatch stop) {
    long t0 = System.nanoTime();
    try {
      long window = config.drainWindow().toMillis();
      if (window > 0 && server.socketCount() > 0) {
        log.info("shutting down: draining {} session(s) over {} ms", server.socketCount(), window);
        try {
          server.drain(config.drainWindow()).get(window + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          log.info("drain window over with {} session(s) left", server.socketCount());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
          log.warn("drain failed", e);
        }
      }
      int open = server.socketCount();
      log.info(
          "shutting down: closing {} session(s) within {} ms",
          open,
          config.shutdownTimeout().toMillis());
      running.close(config.shutdownTimeout());
      log.info("stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
    } finally {
      stop.countDown();
    }
  }

  /** {@code GET /ready}: 200 {@code ready} while new sessions are accepted, 503 {@code draining} after. */
  static HttpFallback readiness(EngineIoServer server, HttpFallback next) {
    return request -> {
      if (READY_PATH.equals(request.path())) {
        boolean ready = server.isReady();
        return new HttpFallback.Response(
            ready ? 200 : 503,
            "text/plain; charset=UTF-8",
            (ready ? "ready" : "draining").getBytes(StandardCharsets.US_ASCII),
            Map.of("Cache-Control", "no-store"));
      }
      return next.handle(request);
    };
  }

  /**
   * The options of the recovery demo's engine: those of the main one at {@code <path>-recovery}, e.g.
   * {@code /socket.io-recovery/}.
   */
  static EngineIoOptions recoveryEngineOptions(EngineIoOptions main) {
    String path = main.path();
    while (path.endsWith("/") && path.length() > 1) {
      path = path.substring(0, path.length() - 1);
    }
    return main.toBuilder().path(path + "-recovery").build();
  }

  /** The readiness endpoint of the runnable server. */
  static final String READY_PATH = "/ready";

  static void printHelp(PrintStream out) {
    EngineIoOptions d = EngineIoOptions.defaults();
    out.println("eio4j echo server: an Engine.IO (v3 + v4) server that echoes every message.");
    out.println();
    out.println("Usage: java -jar engineio-server/target/engineio-server.jar [flags]");
    out.println();
    out.println("Flags (defaults in brackets):");
    row(out, "--host HOST", "address to bind [0.0.0.0]");
    row(out, "--port PORT", "port to listen on [3000]");
    row(out, "--path PATH", "Engine.IO path (/socket.io with --socketio) [" + d.path() + "]");
    row(out, "--ping-interval MS", "heartbeat interval [" + d.pingInterval().toMillis() + "]");
    row(out, "--ping-timeout MS", "heartbeat timeout [" + d.pingTimeout().toMillis() + "]");
    row(
        out,
        "--upgrade-timeout MS",
        "time allowed for the upgrade [" + d.upgradeTimeout().toMillis() + "]");
    row(
        out,
        "--max-http-buffer-size BYTES",
        "largest POST body / WebSocket frame [" + d.maxHttpBufferSize() + "]");
    row(out, "--transports LIST", "comma-separated: polling,websocket [polling,websocket]");
    row(out, "--allow-eio3 / --no-allow-eio3", "serve protocol v3 clients [on]");
    row(out, "--no-upgrades", "do not offer the upgrade to WebSocket [upgrades on]");
    row(
        out,
        "--cors-origin LIST",
        "allow cross-origin callers: comma-separated origins, repeatable; * for any [CORS off]");
    row(
        out,
        "--cors-credentials",
        "send Access-Control-Allow-Credentials; needs listed origins, not * [off]");
    row(out, "--cookie [NAME]", "set the session cookie (name io unless given) [off]");
    row(out, "--initial-packet TEXT", "message sent right after the handshake [none]");
    row(out, "--no-http-compression", "do not gzip/deflate polling responses [on, >= 1024 bytes]");
    row(out, "--per-message-deflate", "negotiate WebSocket permessage-deflate [off]");
    row(out, "--metrics", "serve Prometheus metrics at GET /metrics [off]");
    row(out, "--max-sessions N", "most sessions open at once; over it 503 [0: unlimited]");
    row(out, "--overflow-policy P", "reject | close: a send beyond the outbound budget [reject]");
    row(
        out,
        "--drain-window MS",
        "on SIGTERM, drain first: close sessions spread over this window [0: no drain]");
    row(out, "--shutdown-timeout MS", "on SIGTERM, time allowed for the graceful close [5000]");
    row(
        out,
        "--tls-cert FILE",
        "serve HTTPS/WSS: PEM certificate chain, leaf first; with --tls-key [plain HTTP]");
    row(out, "--tls-key FILE", "the certificate's PEM private key (PKCS#8, unencrypted)");
    row(
        out,
        "--tls-keystore FILE",
        "serve HTTPS/WSS from a PKCS#12 key store holding one key; with --tls-keystore-password");
    row(out, "--tls-keystore-password PW", "opens the key store and its key");
    row(
        out,
        "--socketio",
        "run the Socket.IO (v5 + v4) demo app at /socket.io/ instead of the echo server, and"
            + " at /socket.io-recovery/ with connection state recovery (120 s) [off]");
    row(
        out,
        "--connect-timeout MS",
        "--socketio: close a connection that joined no namespace within this time [45000]");
    row(
        out,
        "--node-id TAG",
        "this node's tag in a cluster, 3 chars a-z0-9: every sid starts with it, so a balancer"
            + " can route by sid (docs/cluster.md) [none]");
    row(out, "--help", "print this help");
  }

  private static void row(PrintStream out, String flag, String text) {
    out.printf("  %-32s %s%n", flag, text);
  }
}
