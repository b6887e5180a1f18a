package dev.eio4j.bench.server;

import dev.eio4j.EngineIoServer;
import dev.eio4j.netty.EngineIoNettyServer;
import dev.eio4j.netty.HttpFallback;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Our server as benchmarked: {@link EngineIoServer} on {@link EngineIoNettyServer}, echoing every message
 * to its sender, except {@code broadcast:<count>:<size>}, which sends {@code count} messages of {@code
 * size} bytes to every open socket with {@link EngineIoServer#broadcast(String)}. {@code GET /bench/stats}
 * ({@code ?gc=1} to collect first) reports pid, sessions, heap and RSS. Prints {@code LISTENING <port>}.
 */
public final class BenchServer {
  private BenchServer() {}

  /** Options from the command line. */
  public static final class Options {
    public String host = "127.0.0.1";
    public int port = 0;
    public long pingIntervalMs = 25_000;
    public long pingTimeoutMs = 20_000;
    public int ioThreads = 0;
    public long maxBufferedBytes = -1;
    public boolean allowEio3 = true;
    public double maxLifetimeS = 3600;
    public boolean stdinExit;
    public boolean help;

    /** Parses the flags. */
    public static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--host" -> o.host = ServerSupport.value(args, ++i, a);
          case "--port" ->
              o.port = (int) ServerSupport.number(ServerSupport.value(args, ++i, a), a, 0, 65535);
          case "--ping-interval" ->
              o.pingIntervalMs =
                  ServerSupport.number(ServerSupport.value(args, ++i, a), a, 1, 3_600_000);
          case "--ping-timeout" ->
              o.pingTimeoutMs =
                  ServerSupport.number(ServerSupport.value(args, ++i, a), a, 1, 3_600_000);
          case "--io-threads" ->
              o.ioThreads =
                  (int) ServerSupport.number(ServerSupport.value(args, ++i, a), a, 0, 256);
          case "--max-buffered-bytes" ->
              o.maxBufferedBytes =
                  ServerSupport.number(ServerSupport.value(args, ++i, a), a, 1, Long.MAX_VALUE / 2);
          case "--no-eio3" -> o.allowEio3 = false;
          case "--max-lifetime" ->
              o.maxLifetimeS =
                  ServerSupport.number(ServerSupport.value(args, ++i, a), a, 1, 86_400);
          case "--stdin-exit" -> o.stdinExit = true;
          case "--help", "-h" -> o.help = true;
          default -> throw new IllegalArgumentException("unknown flag " + a + " (see --help)");
        }
      }
      return o;
    }
  }

  /** A started server. */
  public record Running(EngineIoServer server, EngineIoNettyServer netty) implements AutoCloseable {
    /** The bound port. */
    public int port() {
      return netty.port();
    }

    @Override
    public void close() {
      netty.close();
    }
  }

  /** Builds and starts the server. */
  public static Running start(Options o) throws Exception {
    EngineIoServer.Builder b =
        EngineIoServer.builder()
            .pingInterval(Duration.ofMillis(o.pingIntervalMs))
            .pingTimeout(Duration.ofMillis(o.pingTimeoutMs))
            .allowEIO3(o.allowEio3);
    if (o.maxBufferedBytes > 0) {
      b.maxBufferedBytes(o.maxBufferedBytes);
    }
    EngineIoServer server = b.build();
    ConcurrentHashMap<Integer, String> payloads = new ConcurrentHashMap<>();
    server.onConnection(
        socket ->
            socket.onMessage(
                m -> {
                  if (m.isText()) {
                    ServerSupport.Trigger t = ServerSupport.trigger(m.text());
                    if (t != null) {
                      String payload = payloads.computeIfAbsent(t.size(), ServerSupport::payload);
                      for (int i = 0; i < t.count(); i++) {
                        server.broadcast(payload);
                      }
                      return;
                    }
                  }
                  socket.send(m);
                }));
    HttpFallback stats =
        request -> {
          if (request.path().equals("/bench/stats")) {
            boolean gc = "1".equals(request.queryParam("gc"));
            String json = ServerSupport.statsJson("eio4j", server.socketCount(), gc);
            return new HttpFallback.Response(
                200, "application/json", json.getBytes(StandardCharsets.UTF_8));
          }
          return new HttpFallback.Response(
              404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
        };
    EngineIoNettyServer netty =
        EngineIoNettyServer.builder(server)
            .host(o.host)
            .port(o.port)
            .ioThreads(o.ioThreads)
            .fallback(stats)
            .start();
    return new Running(server, netty);
  }

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (o.help) {
      System.out.println("eio4j benchmark server: echo + broadcast trigger + /bench/stats");
      System.out.println(
          "Usage: java -cp benchmarks.jar dev.eio4j.bench.server.BenchServer [flags]");
      System.out.println("  --host HOST                 address to bind [127.0.0.1]");
      System.out.println("  --port PORT                 port, 0 for any [0]");
      System.out.println("  --ping-interval MS          [25000]");
      System.out.println("  --ping-timeout MS           [20000]");
      System.out.println(
          "  --io-threads N              Netty I/O threads, 0 for Netty's default (2 x cores) [0]");
      System.out.println("  --max-buffered-bytes B      per-socket outbound budget [16 MiB]");
      System.out.println("  --no-eio3                   refuse protocol v3");
      System.out.println("  --max-lifetime S            exit after this many seconds [3600]");
      System.out.println("  --stdin-exit                exit when stdin closes");
      System.out.println("Prints LISTENING <port> once listening.");
      return;
    }
    ServerSupport.bound(o.maxLifetimeS, o.stdinExit, "bench-server");
    Running r = start(o);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  r.close();
                  stop.countDown();
                },
                "bench-server-shutdown"));
    System.out.println("LISTENING " + r.port());
    System.out.flush();
    System.err.println(
        "eio4j bench server on "
            + o.host
            + ":"
            + r.port()
            + " ("
            + (r.netty().nativeTransport() ? "epoll" : "nio")
            + ", ping "
            + o.pingIntervalMs
            + "/"
            + o.pingTimeoutMs
            + " ms)");
    stop.await();
  }
}
