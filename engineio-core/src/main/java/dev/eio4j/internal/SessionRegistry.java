package dev.eio4j.internal;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.ReadyState;
import dev.eio4j.SendResult;
import dev.eio4j.protocol.Packet;
import dev.eio4j.spi.Cancellable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open sessions by id, and what the server does to all of them: broadcast, close, forced close and
 * drain. A session is in the map from its registration (before its open packet) until {@link
 * Session#finish} removes it; an id is never mapped to two sessions. Thread-safe.
 */
public final class SessionRegistry {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  static final String AT_CAPACITY = "Server at capacity";
  static final String DRAINING = "Server is draining";

  private final int maxSessions;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final List<Consumer<EngineIoSocket>> connectionListeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  // drain mode (rolling deploys): new handshakes refused, open sessions closed at random times
  private volatile boolean draining;
  private volatile long drainWindowMillis;
  private CompletableFuture<Void> drained; // guarded by this
  private final Map<Session, Cancellable> drainTimers = new ConcurrentHashMap<>();
  private final List<CompletableFuture<Void>> emptyWaiters = new CopyOnWriteArrayList<>();

  SessionRegistry(int maxSessions) {
    this.maxSessions = maxSessions;
  }

  void addConnectionListener(Consumer<EngineIoSocket> l) {
    connectionListeners.add(l);
  }

  /** The open sessions (a live, unmodifiable view). */
  public Collection<? extends EngineIoSocket> all() {
    return Collections.unmodifiableCollection(sessions.values());
  }

  /** One session by id, or null. */
  public EngineIoSocket get(String id) {
    return sessions.get(id);
  }

  /** How many sessions are open. */
  public int size() {
    return sessions.size();
  }

  Session find(String id) {
    return sessions.get(id);
  }

  boolean contains(String id) {
    return sessions.containsKey(id);
  }

  /** Queues one message for every open session; the packet is built once and shared. */
  public int broadcast(Packet message, int size) {
    int queued = 0;
    for (Session s : sessions.values()) {
      if (s.sendShared(message, size) == SendResult.QUEUED) {
        queued++;
      }
    }
    return queued;
  }

  /** Closes every session ("forced close") and refuses new handshakes from now on. */
  public void close() {
    closed = true;
    for (Session s : new ArrayList<>(sessions.values())) {
      s.close();
    }
  }

  /** True once {@link #close()} or {@link #forceClose} ran. */
  public boolean isClosed() {
    return closed;
  }

  /** True while new handshakes are accepted: neither closed nor draining. */
  public boolean isReady() {
    return !closed && !draining;
  }

  /** True once {@link #drain} was called. */
  public boolean isDraining() {
    return draining;
  }

  /**
   * Ends every remaining session at once with {@code FORCED_CLOSE}, without waiting for queues to drain
   * (a shutdown past its deadline), and refuses new handshakes.
   */
  public void forceClose(String description) {
    closed = true;
    for (Session s : new ArrayList<>(sessions.values())) {
      s.forceClose(description);
    }
  }

  /** A future completed (on the thread that removes the last session) once no session is open. */
  public CompletableFuture<Void> whenEmpty() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    emptyWaiters.add(f);
    if (sessions.isEmpty()) {
      completeEmptyWaiters();
    }
    return f;
  }

  private void completeEmptyWaiters() {
    for (CompletableFuture<Void> f : emptyWaiters) {
      if (emptyWaiters.remove(f)) {
        f.complete(null);
      }
    }
  }

  /**
   * Drain mode: new handshakes are refused (503, {@code "Server is draining"}) while the open sessions
   * keep working, each closed ({@code FORCED_CLOSE}, after its queue is written) at a random moment
   * within {@code windowMillis}, so that their clients reconnect elsewhere spread over the window.
   * Idempotent: a second call returns the first call's future.
   *
   * @return completed once no session is left
   */
  public synchronized CompletableFuture<Void> drain(long windowMillis) {
    if (drained != null) {
      return drained;
    }
    drainWindowMillis = Math.max(0, windowMillis);
    draining = true;
    drained = whenEmpty();
    for (Session s : new ArrayList<>(sessions.values())) {
      scheduleDrainClose(s);
    }
    if (log.isInfoEnabled()) {
      log.info("draining {} session(s) over {} ms", sessions.size(), drainWindowMillis);
    }
    return drained;
  }

  private void scheduleDrainClose(Session s) {
    long window = drainWindowMillis;
    long delay = window <= 0 ? 0 : ThreadLocalRandom.current().nextLong(window);
    Cancellable c = s.lane.schedule(delay, s::close);
    Cancellable old = drainTimers.put(s, c);
    if (old != null) {
      old.cancel();
    }
    if (s.readyState() == ReadyState.CLOSED && drainTimers.remove(s, c)) {
      c.cancel(); // closed meanwhile: removed() may have run before the put
    }
  }

  /** A session just opened (lane): close it at once if the server closed, or schedule it if draining. */
  void afterOpen(Session s) {
    if (closed) {
      // close() ran between the handshake's checks and the registration, when this session was not
      // yet
      // registered for close() to see: close it as close() would have
      s.close();
    } else if (draining) {
      scheduleDrainClose(s);
    }
  }

  /** Why a new session cannot open now (draining, or at {@code maxSessions}), or null. */
  String unavailable() {
    if (draining) {
      return DRAINING;
    }
    if (maxSessions > 0 && sessions.size() >= maxSessions) {
      return AT_CAPACITY;
    }
    return null;
  }

  /**
   * Adds a new session unless its id is taken: the one atomic duplicate check, so that two concurrent
   * handshakes given the same id never replace each other's session.
   */
  boolean register(Session s) {
    if (sessions.putIfAbsent(s.id, s) == null) {
      return true;
    }
    log.warn("idGenerator returned an id already in use");
    return false;
  }

  /** Runs the connection listeners for a session that just opened, in its event order (lane). */
  void announce(Session s) {
    if (log.isDebugEnabled()) {
      log.debug(
          "session {} open (v{}, {})", LogSafe.escape(s.id), s.protocol.number(), s.transport());
    }
    for (Consumer<EngineIoSocket> l : connectionListeners) {
      s.emit(() -> l.accept(s));
    }
  }

  /** A session ended (its lane): it leaves the map, its drain timer is cancelled, waiters may complete. */
  void removed(Session s, DisconnectReason reason, String description) {
    sessions.remove(s.id, s);
    if (draining) {
      Cancellable c = drainTimers.remove(s);
      if (c != null) {
        c.cancel();
      }
    }
    if (!emptyWaiters.isEmpty() && sessions.isEmpty()) {
      completeEmptyWaiters();
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "session {} closed: {} {}",
          LogSafe.escape(s.id),
          reason.wireName(),
          LogSafe.escape(description));
    }
  }
}
