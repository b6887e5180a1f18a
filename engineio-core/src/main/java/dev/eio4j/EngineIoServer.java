package dev.eio4j;

import dev.eio4j.internal.Engine;
import dev.eio4j.protocol.Packet;
import dev.eio4j.spi.HttpExchange;
import dev.eio4j.spi.WsUpgrade;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * An Engine.IO server: protocol v3 and v4 over long-polling, JSONP and WebSocket, with the upgrade
 * between them.
 *
 * <pre>{@code
 * EngineIoServer server = EngineIoServer.builder().pingInterval(Duration.ofSeconds(25)).build();
 * server.onConnection(socket -> {
 *   socket.onMessage(message -> socket.send(message));   // echo, text or binary
 *   socket.onClose(reason -> log.info("closed: {}", reason));
 *   socket.send("你好,世界!");
 * });
 * RunningServer running = server.listen(3000);           // the Netty runtime, if on the classpath
 * }</pre>
 *
 * <p>The server itself does no I/O. {@link #listen(int)} finds a standalone runtime ({@code
 * engineio-netty}) through {@link ServiceLoader}; an embedding adapter (e.g. a servlet) instead calls
 * {@link #handles}, {@link #handleRequest} and {@link #handleUpgrade}. Thread-safe.
 */
public final class EngineIoServer {
  private final Engine engine;
  private final List<RunningServer> running = new ArrayList<>(1);

  private EngineIoServer(EngineIoOptions options) {
    this.engine = new Engine(options);
    // last: the server is complete
    engine.notifyObserver("serverCreated", observer -> observer.serverCreated(this));
  }

  /** A server with these options. */
  public static EngineIoServer create(EngineIoOptions options) {
    return new EngineIoServer(Objects.requireNonNull(options, "options"));
  }

  /** A builder of a server; every option has the documented default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The options. */
  public EngineIoOptions options() {
    return engine.options();
  }

  /**
   * Adds a listener for new sockets. It runs on the socket's lane (or its listener executor) before
   * any other event of that socket, so listeners registered inside it miss nothing.
   */
  public EngineIoServer onConnection(Consumer<EngineIoSocket> listener) {
    engine.addConnectionListener(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Adds a listener for refused requests (the reference's {@code connection_error}). */
  public EngineIoServer onConnectionError(Consumer<ConnectionError> listener) {
    engine.addErrorListener(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Listens on every interface at {@code port} with the standalone runtime. */
  public RunningServer listen(int port) {
    return listen("0.0.0.0", port);
  }

  /**
   * Listens on {@code host:port} (port 0 picks a free one) with the first {@link ServerRuntime} found
   * on the class path.
   *
   * @throws IllegalStateException when no runtime (e.g. {@code engineio-netty}) is on the class path
   * @throws UncheckedIOException when the port cannot be bound
   */
  public RunningServer listen(String host, int port) {
    ServerRuntime runtime =
        ServiceLoader.load(ServerRuntime.class, EngineIoServer.class.getClassLoader())
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no Engine.IO runtime on the class path: add dev.eio4j:engineio-netty"));
    try {
      RunningServer r = runtime.start(this, host, port);
      synchronized (running) {
        running.add(r);
      }
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
    }
  }

  /** The open sockets (a live view). */
  public Collection<? extends EngineIoSocket> sockets() {
    return engine.sessions().all();
  }

  /** One open socket by id. */
  public Optional<EngineIoSocket> socket(String id) {
    return Optional.ofNullable(engine.sessions().get(id));
  }

  /** How many sockets are open. */
  public int socketCount() {
    return engine.sessions().size();
  }

  /** Queues a text message for every open socket; returns how many accepted it. */
  public int broadcast(String text) {
    return engine.sessions().broadcast(Packet.message(text), text.length());
  }

  /** Queues a binary message for every open socket (the array is shared: do not modify it). */
  public int broadcast(byte[] data) {
    return engine.sessions().broadcast(Packet.message(data), data.length);
  }

  /** Queues a binary message (copied once) for every open socket. */
  public int broadcast(ByteBuffer data) {
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    return broadcast(copy);
  }

  /** True when the request target belongs to Engine.IO (prefix match on the configured path). */
  public boolean handles(String uri) {
    return engine.handles(uri);
  }

  /** Adapter entry point: one HTTP request under the Engine.IO path. */
  public void handleRequest(HttpExchange exchange) {
    engine.handleRequest(exchange);
  }

  /** Adapter entry point: one WebSocket handshake under the Engine.IO path. */
  public void handleUpgrade(WsUpgrade upgrade) {
    engine.handleUpgrade(upgrade);
  }

  /**
   * Closes every socket ("forced close"), refuses new handshakes and stops the runtimes started with
   * {@link #listen}, each with its default deadline (the Netty runtime: the port is freed first, then
   * the sockets get up to 1 s to close once what is queued is written). Without a runtime (an embedding
   * adapter) the sockets are asked to close and this returns at once; see {@link #close(java.time.Duration)}
   * to wait.
   */
  public void close() {
    List<RunningServer> copy;
    synchronized (running) {
      copy = new ArrayList<>(running);
      running.clear();
    }
    for (RunningServer r : copy) {
      r.close();
    }
    engine.sessions().close();
  }

  /** Closes every socket without stopping runtimes (used by runtimes on their own shutdown). */
  public void closeSessions() {
    engine.sessions().close();
  }

  /**
   * Graceful shutdown: stops the runtimes started with {@link #listen} from accepting (their ports are
   * free when this returns), refuses new handshakes, closes every socket ("forced close") once what is
   * queued for it has been written, waits up to {@code deadline} for that, then ends the sockets still
   * open (a client that does not read, a polling client that does not come back) and stops the runtimes.
   * Blocks the caller for at most about {@code deadline} plus a short grace: do not call it from a
   * socket callback or an I/O thread. An embedding adapter (no runtime) gets the same for its sessions.
   *
   * @return true when every socket closed before the deadline
   */
  public boolean close(java.time.Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    long end = System.nanoTime() + Math.max(0, deadline.toNanos());
    List<RunningServer> copy;
    synchronized (running) {
      copy = new ArrayList<>(running);
      running.clear();
    }
    boolean graceful = true;
    if (copy.isEmpty()) {
      graceful = closeSessions(deadline);
    }
    for (RunningServer r : copy) {
      long left = Math.max(0, end - System.nanoTime());
      r.close(java.time.Duration.ofNanos(left));
    }
    return graceful && engine.sessions().size() == 0;
  }

  /**
   * Closes every socket gracefully and waits up to {@code deadline} for them to be gone; then ends the
   * rest at once ("forced close") and waits briefly for that. For runtimes, which stop accepting first.
   * Blocks; never call it on a session's lane.
   *
   * @return true when every socket closed before the deadline
   */
  public boolean closeSessions(java.time.Duration deadline) {
    java.util.concurrent.CompletableFuture<Void> empty = engine.sessions().whenEmpty();
    engine.sessions().close();
    if (await(empty, deadline.toMillis())) {
      return true;
    }
    engine.sessions().forceClose("shutdown deadline");
    await(engine.sessions().whenEmpty(), FORCED_CLOSE_GRACE_MILLIS);
    return false;
  }

  private static final long FORCED_CLOSE_GRACE_MILLIS = 1000;

  private static boolean await(java.util.concurrent.CompletableFuture<Void> f, long millis) {
    try {
      f.get(Math.max(0, millis), java.util.concurrent.TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    }
  }

  /**
   * Drain mode, for rolling deploys: from now on {@link #isReady()} is false and new handshakes are
   * refused (HTTP 503, {@code {"code":3,"message":"Server is draining"}}), while the open sockets keep
   * working; each is closed ("forced close", after its queue is written) at a random moment within
   * {@code window}, so that their clients reconnect to other instances spread over the window rather
   * than all at once. The runtime keeps listening (call {@link #close(java.time.Duration)} when the
   * future completes). Idempotent: a second call returns the first call's future.
   *
   * @return completed once no socket is left, on the thread that closed the last one (an I/O thread in
   *     the Netty runtime): continue with {@code thenRunAsync} for anything that blocks, such as {@link
   *     #close(java.time.Duration)}
   */
  public java.util.concurrent.CompletableFuture<Void> drain(java.time.Duration window) {
    Objects.requireNonNull(window, "window");
    return engine.sessions().drain(window.toMillis());
  }

  /**
   * The readiness flag: true while new handshakes are accepted, false once {@link #drain} or a close
   * has begun. Serve it on a readiness probe so that the load balancer stops routing here.
   */
  public boolean isReady() {
    return engine.sessions().isReady();
  }

  /** True once {@link #drain} was called. */
  public boolean isDraining() {
    return engine.sessions().isDraining();
  }

  /** Builds a server; the option setters are those of {@link EngineIoOptions.Builder}. */
  public static final class Builder extends EngineIoOptions.Builder<Builder> {
    Builder() {}

    /** Validates the options and creates the server. */
    public EngineIoServer build() {
      return new EngineIoServer(buildOptions());
    }
  }
}
