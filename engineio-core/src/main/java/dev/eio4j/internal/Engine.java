package dev.eio4j.internal;

import dev.eio4j.ConnectionError;
import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.EngineObserver;
import dev.eio4j.spi.HttpExchange;
import dev.eio4j.spi.WsUpgrade;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind the server facade: it wires the {@link Router} (the one dispatch for every request),
 * the {@link SessionRegistry} and the {@link Responses}, and is what a {@link Session} reports to. It
 * knows nothing of the facade: the facade owns it and passes itself only to observer callbacks it runs
 * through {@link #notifyObserver}. Thread-safe.
 */
public final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  private final EngineIoOptions options;
  private final SessionRegistry sessions;
  private final Responses responses;
  private final Router router;

  /** The observer, wrapped so that it cannot throw; {@link EngineObserver#NOOP} when none is set. */
  final EngineObserver observer;

  /**
   * True when an observer is set: guards the work done only to feed it (clock reads, byte counts), so
   * that without one the engine computes nothing for it.
   */
  final boolean observing;

  /** An engine with these options. */
  public Engine(EngineIoOptions options) {
    this.options = options;
    this.observer = SafeObserver.wrap(options.observer());
    this.observing = observer != EngineObserver.NOOP;
    this.sessions = new SessionRegistry(options.maxSessions());
    this.responses = new Responses(options, observer);
    this.router = new Router(this, sessions, responses);
  }

  /**
   * Runs {@code event} on the application's observer, if any; what it throws is logged (as for every
   * observer event) and goes no further. {@code name} names the event in that log.
   */
  public void notifyObserver(String name, Consumer<EngineObserver> event) {
    if (observer instanceof SafeObserver safe) {
      safe.guarded(name, event);
    }
  }

  /** The options. */
  public EngineIoOptions options() {
    return options;
  }

  /** The open sessions, and what is done to all of them. */
  public SessionRegistry sessions() {
    return sessions;
  }

  /** Adds a connection listener. */
  public void addConnectionListener(Consumer<EngineIoSocket> l) {
    sessions.addConnectionListener(l);
  }

  /** Adds a connection-error listener. */
  public void addErrorListener(Consumer<ConnectionError> l) {
    responses.addErrorListener(l);
  }

  /** True when the request target belongs to Engine.IO (a plain prefix match, docs/protocol.md §1). */
  public boolean handles(String uri) {
    return uri.startsWith(options.pathPrefix());
  }

  /** Routes one HTTP request (polling, JSONP, preflight, or an error). */
  public void handleRequest(HttpExchange ex) {
    router.handleRequest(ex);
  }

  /** Routes one WebSocket handshake: every check runs before the 101 (docs/protocol.md §4.4, [ref-bug] fixed). */
  public void handleUpgrade(WsUpgrade up) {
    router.handleUpgrade(up);
  }

  // ------------------------------------------------------------------ session callbacks

  void announce(Session s) {
    sessions.announce(s);
  }

  void removed(Session s, DisconnectReason reason, String description) {
    sessions.removed(s, reason, description);
  }

  /**
   * Logs one state transition at DEBUG: {@code session <id>: <from> -> <to>} for the session state,
   * {@code session <id>: upgrade <from> -> <to> (<cause>)} for the upgrade state. The id (an {@code
   * idGenerator} may derive it from the request) and the cause are escaped; nothing is built when DEBUG
   * is off.
   */
  void debugTransition(Session s, String machine, Object from, Object to, String cause) {
    if (!log.isDebugEnabled()) {
      return;
    }
    if (cause == null) {
      log.debug("session {}: {}{} -> {}", LogSafe.escape(s.id), machine, from, to);
    } else {
      log.debug(
          "session {}: {}{} -> {} ({})",
          LogSafe.escape(s.id),
          machine,
          from,
          to,
          LogSafe.escape(cause));
    }
  }
}
