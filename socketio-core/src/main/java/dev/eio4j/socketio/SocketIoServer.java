package dev.eio4j.socketio;

import dev.eio4j.EngineIoServer;
import dev.eio4j.spi.Cancellable;
import dev.eio4j.spi.Lane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A Socket.IO server (protocol v5, and v4 for Socket.IO 2.x clients over Engine.IO 3) on top of an
 * {@link EngineIoServer}. It uses only the engine's public API, so it runs on every runtime the engine
 * runs on.
 *
 * <pre>{@code
 * EngineIoServer engine = EngineIoServer.builder().path("/socket.io/").build();
 * SocketIoServer io = SocketIoServer.attach(engine);
 * io.of("/chat")
 *     .use(socket -> { if (!socket.handshake().auth().has("token")) throw new ConnectError("no token"); return null; })
 *     .onConnection(socket -> {
 *       socket.join("lobby");
 *       socket.on("msg", (args, ack) -> { socket.to("lobby").emit("msg", args.get(0)); ack.send("ok"); });
 *     });
 * engine.listen(3000);
 * }</pre>
 *
 * <p>Every connection must join a namespace within {@link SocketIoOptions#connectTimeout()}; an invalid
 * packet closes its connection only; listener exceptions go to {@link #onError} and never close
 * anything. Thread-safe.
 */
public final class SocketIoServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SocketIoServer.class);

  /** Receives failures of application code (listeners, middlewares). */
  @FunctionalInterface
  public interface ErrorListener {
    /**
     * @param socket the socket whose listener failed, or null when none applies
     * @param error what was thrown
     */
    void onError(SocketIoSocket socket, Throwable error);
  }

  private final EngineIoServer engine;
  private final SocketIoOptions options;
  private final Lane timers;
  private final ScheduledThreadPoolExecutor ownTimers;

  /** Guards namespace creation, removal and membership counts. */
  private final Object nsLock = new Object();

  private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
  private final List<DynamicNamespace> dynamic = new CopyOnWriteArrayList<>();
  private final List<ErrorListener> errorListeners = new CopyOnWriteArrayList<>();
  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  private final AtomicLong listenerErrors = new AtomicLong();
  private final Namespace main;
  private final LongAdder broadcasts = new LongAdder();
  private final LongAdder broadcastPackets = new LongAdder();

  /** Connection state recovery's store, or null when recovery is off. */
  private final RecoveryStore recovery;

  private final SocketIoObserver observer;

  private SocketIoServer(EngineIoServer engine, SocketIoOptions options) {
    this.engine = engine;
    this.options = options;
    this.observer = ObserverGuard.of(options.observer());
    if (options.timers() != null) {
      this.timers = options.timers();
      this.ownTimers = null;
    } else {
      ScheduledThreadPoolExecutor ex =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "socketio-timers");
                t.setDaemon(true);
                return t;
              });
      ex.setRemoveOnCancelPolicy(true);
      this.ownTimers = ex;
      this.timers = new ExecutorLane(ex);
    }
    Lane clock = this.timers;
    this.recovery =
        options.connectionStateRecovery() == null
            ? null
            : new RecoveryStore(options.connectionStateRecovery(), clock::nowMillis);
    this.main = of("/");
    observer.serverCreated(this);
  }

  /** Attaches a server with the default options to {@code engine}. */
  public static SocketIoServer attach(EngineIoServer engine) {
    return attach(engine, SocketIoOptions.defaults());
  }

  /** Attaches a server to {@code engine}: every new Engine.IO connection becomes a Socket.IO client. */
  public static SocketIoServer attach(EngineIoServer engine, SocketIoOptions options) {
    Objects.requireNonNull(engine, "engine");
    SocketIoServer io = new SocketIoServer(engine, Objects.requireNonNull(options, "options"));
    engine.onConnection(
        conn -> {
          Client c = new Client(io, conn);
          io.clients.add(c);
          c.start();
        });
    return io;
  }

  /** The engine. */
  public EngineIoServer engine() {
    return engine;
  }

  /** The options. */
  public SocketIoOptions options() {
    return options;
  }

  /** The main namespace {@code "/"}. */
  public Namespace sockets() {
    return main;
  }

  /**
   * The static namespace {@code name}, created on first use.
   *
   * @throws IllegalArgumentException when the name does not start with {@code /} or holds a comma or
   *     {@code ?}
   */
  public Namespace of(String name) {
    Objects.requireNonNull(name, "name");
    if (!name.startsWith("/") || name.indexOf(',') >= 0 || name.indexOf('?') >= 0) {
      throw new IllegalArgumentException("a namespace name starts with / and holds no , or ?");
    }
    synchronized (nsLock) {
      return namespaces.computeIfAbsent(name, n -> new Namespace(this, n, null));
    }
  }

  /** Namespaces created on demand for every name that {@code pattern} matches entirely. */
  public DynamicNamespace of(Pattern pattern) {
    Objects.requireNonNull(pattern, "pattern");
    return of(name -> pattern.matcher(name).matches(), "/" + pattern.pattern() + "/");
  }

  /** Namespaces created on demand for every name {@code matcher} accepts (it must not block). */
  public DynamicNamespace of(Predicate<String> matcher) {
    return of(Objects.requireNonNull(matcher, "matcher"), "predicate");
  }

  private DynamicNamespace of(Predicate<String> matcher, String description) {
    DynamicNamespace d = new DynamicNamespace(matcher, description);
    dynamic.add(d);
    return d;
  }

  /** The namespaces that exist now: the static ones and the current dynamic children. */
  public Map<String, Namespace> namespaces() {
    return Map.copyOf(namespaces);
  }

  /** Adds a listener for failures of application code; without one they are logged. */
  public SocketIoServer onError(ErrorListener listener) {
    errorListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Same as {@code sockets().to(room)}. */
  public BroadcastOperator to(String room) {
    return main.to(room);
  }

  /** Same as {@code sockets().in(room)}. */
  public BroadcastOperator in(String room) {
    return main.in(room);
  }

  /** Same as {@code sockets().except(room)}. */
  public BroadcastOperator except(String room) {
    return main.except(room);
  }

  /** Same as {@code sockets().to(rooms)}. */
  public BroadcastOperator to(Collection<String> rooms) {
    return main.to(rooms);
  }

  /** Same as {@code sockets().in(rooms)}. */
  public BroadcastOperator in(Collection<String> rooms) {
    return main.in(rooms);
  }

  /** Same as {@code sockets().except(rooms)}. */
  public BroadcastOperator except(Collection<String> rooms) {
    return main.except(rooms);
  }

  /** Same as {@code sockets().emit(event, args)}. */
  public int emit(String event, Object... args) {
    return main.emit(event, args);
  }

  /**
   * How many failures of application code were reported to the error hook since the server started:
   * exceptions thrown by event, catch-all and disconnect listeners, packet and connection middlewares,
   * and typed arguments that did not bind. None of them closes a connection.
   */
  public long listenerErrors() {
    return listenerErrors.get();
  }

  /** Same as {@code sockets().local()}. */
  public BroadcastOperator local() {
    return main.local();
  }

  /** Same as {@code sockets().asVolatile()}. */
  public BroadcastOperator asVolatile() {
    return main.asVolatile();
  }

  /** Same as {@code sockets().compress(compress)}. */
  public BroadcastOperator compress(boolean compress) {
    return main.compress(compress);
  }

  /** Same as {@code sockets().timeout(timeout)}. */
  public BroadcastOperator timeout(Duration timeout) {
    return main.timeout(timeout);
  }

  /** Same as {@code sockets().fetchSockets()}. */
  public CompletableFuture<List<RemoteSocket>> fetchSockets() {
    return main.fetchSockets();
  }

  /** Same as {@code sockets().socketsJoin(room)}. */
  public CompletableFuture<Void> socketsJoin(String room) {
    return main.socketsJoin(room);
  }

  /** Same as {@code sockets().socketsLeave(room)}. */
  public CompletableFuture<Void> socketsLeave(String room) {
    return main.socketsLeave(room);
  }

  /** Same as {@code sockets().disconnectSockets(close)}. */
  public CompletableFuture<Void> disconnectSockets(boolean close) {
    return main.disconnectSockets(close);
  }

  /** Same as {@code sockets().serverSideEmit(event, args)}. */
  public void serverSideEmit(String event, Object... args) {
    main.serverSideEmit(event, args);
  }

  /** Same as {@code sockets().serverSideEmitWithAck(event, args)}. */
  public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(String event, Object... args) {
    return main.serverSideEmitWithAck(event, args);
  }

  /** Same as {@code sockets().onServerSideEmit(event, listener)}. */
  public SocketIoServer onServerSideEmit(String event, Namespace.ServerSideListener listener) {
    main.onServerSideEmit(event, listener);
    return this;
  }

  /** Same as {@code sockets().serverCount()}. */
  public CompletableFuture<Integer> serverCount() {
    return main.serverCount();
  }

  /** How many broadcasts this server has delivered (in every namespace; each counts once). */
  public long broadcastCount() {
    return broadcasts.sum();
  }

  /**
   * The broadcast fan-out: how many packets broadcasts have queued to this server's sockets in total
   * (a volatile packet dropped for a slow client is not counted).
   */
  public long broadcastPackets() {
    return broadcastPackets.sum();
  }

  /** How many Engine.IO connections the layer tracks now. */
  public int clientCount() {
    return clients.size();
  }

  /**
   * Disconnects every client (each socket gets DISCONNECT, then its connection closes; the sockets'
   * reason is {@code server shutting down}, as in Node) and stops the server's own timer thread. The engine itself is left running: close it separately.
   */
  @Override
  public void close() {
    for (Client c : new ArrayList<>(clients)) {
      c.queue().execute(() -> c.disconnectAll(SocketIoDisconnectReason.SERVER_SHUTTING_DOWN));
    }
    if (ownTimers != null) {
      ownTimers.shutdownNow();
    }
    for (Namespace ns : namespaces.values()) {
      closeAdapter(ns);
    }
  }

  private void closeAdapter(Namespace ns) {
    try {
      ns.adapter().close();
    } catch (RuntimeException e) {
      reportError(null, e);
    }
  }

  /** One broadcast delivered to {@code sockets} of this server's sockets. */
  void countBroadcast(int sockets) {
    broadcasts.increment();
    broadcastPackets.add(sockets);
  }

  // ------------------------------------------------------------------ package-private

  Cancellable schedule(Duration delay, Runnable task) {
    return timers.schedule(Math.max(0, delay.toMillis()), task);
  }

  /** The recovery store, or null when connection state recovery is off. */
  RecoveryStore recovery() {
    return recovery;
  }

  /** A failure of application code: counted by {@link #listenerErrors()}, then passed to the hook. */
  void reportError(SocketIoSocket socket, Throwable error) {
    listenerErrors.incrementAndGet();
    observer.listenerError(socket, error);
    deliverError(socket, error);
  }

  /** An error for the hook that is no failure of application code (e.g. a middleware's refusal). */
  void deliverError(SocketIoSocket socket, Throwable error) {
    if (errorListeners.isEmpty()) {
      log.warn(
          "listener failed on socket {}", socket == null ? "-" : LogText.of(socket.id()), error);
      return;
    }
    for (ErrorListener l : errorListeners) {
      try {
        l.onError(socket, error);
      } catch (Throwable t) {
        log.warn("error listener failed", t);
      }
    }
  }

  /**
   * The namespace a CONNECT to {@code name} joins, counted as one more member, or null when there is
   * none. A dynamic child is created here.
   */
  Namespace acquire(String name) {
    synchronized (nsLock) {
      Namespace ns = namespaces.get(name);
      if (ns == null) {
        for (DynamicNamespace d : dynamic) {
          boolean match;
          try {
            match = d.matches(name);
          } catch (RuntimeException e) {
            reportError(null, e);
            match = false;
          }
          if (match) {
            ns = new Namespace(this, name, d);
            namespaces.put(name, ns);
            break;
          }
        }
      }
      if (ns != null) {
        ns.members++;
      }
      return ns;
    }
  }

  /** One member fewer; an emptied dynamic child is removed. */
  void release(Namespace ns) {
    synchronized (nsLock) {
      ns.members--;
      if (ns.members <= 0 && ns.parent() != null && namespaces.remove(ns.name(), ns)) {
        closeAdapter(ns);
        observer.namespaceRemoved(ns);
      }
    }
  }

  /** The guarded observer of {@link SocketIoOptions#observer()}. */
  SocketIoObserver observer() {
    return observer;
  }

  void removed(Client c) {
    clients.remove(c);
  }

  /** A {@link Lane} over a scheduled executor: only {@link #schedule} is used. */
  private record ExecutorLane(ScheduledThreadPoolExecutor ex) implements Lane {
    @Override
    public void execute(Runnable task) {
      ex.execute(task);
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
      try {
        ScheduledFuture<?> f = ex.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        return Cancellable.NONE; // shut down: the server is closing
      }
    }

    @Override
    public boolean inLane() {
      return false;
    }
  }
}
