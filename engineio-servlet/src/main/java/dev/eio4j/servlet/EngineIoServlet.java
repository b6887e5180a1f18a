package dev.eio4j.servlet;

import dev.eio4j.EngineIoServer;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.servlet.internal.ExecutorLaneScheduler;
import dev.eio4j.servlet.internal.ServletHttpExchange;
import dev.eio4j.servlet.internal.ServletRequests;
import dev.eio4j.servlet.internal.ServletWsUpgrade;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link EngineIoServer} from a Servlet 6.1 container, on the application's own port: HTTP
 * long-polling through {@link AsyncContext} (a held poll holds no thread; bodies are read and responses
 * written with non-blocking listeners, and the body limit is enforced while the body streams), and
 * WebSocket through the container's Jakarta WebSocket 2.2 {@link ServerContainer}. Map it at {@code
 * <path>/*} with async support on, or let {@link EngineIoServlets#register} do it.
 *
 * <p>WebSocket handshakes reach this servlet as plain GETs. The core checks them first; a refusal is a
 * plain HTTP 400 with the message as {@code text/html} and {@code Connection: close}, and nothing is ever
 * upgraded to be closed at once. An accepted handshake is upgraded with {@code
 * ServerContainer.upgradeHttpToWebSocket} and a fresh {@link EngineIoWebSocketEndpoint}. The core's
 * {@code allowRequest} may decide later than the request arrived; as the Servlet API can upgrade only
 * from within {@code service}, the container thread then waits for the decision, at most 30 s (after
 * which the handshake is refused with 400).
 *
 * <p>Each session gets a lane: a serial executor over a shared pool (by default as many daemon threads
 * as cores, at least 2) with timers on one shared scheduler thread. Socket callbacks run there unless
 * the {@code listenerExecutor} option moves them.
 *
 * <p>The {@code path} option is matched within the servlet context: with the context at {@code /app},
 * clients connect to {@code /app/engine.io/}. Requests under the mapping that are not Engine.IO's get
 * {@code 404 not found}.
 */
public final class EngineIoServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(EngineIoServlet.class);

  /** How long a WebSocket handshake waits for an asynchronous {@code allowRequest}. */
  static final long DECISION_TIMEOUT_MILLIS = 30_000;

  private static final byte[] NOT_FOUND = "not found".getBytes(StandardCharsets.UTF_8);

  private final transient EngineIoServer server;
  private final transient ExecutorLaneScheduler lanes;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean missingWebSocketLogged = new AtomicBoolean();

  /** Serves {@code server}, with its own lane threads (stopped by {@link #close()}). */
  public EngineIoServlet(EngineIoServer server) {
    this(server, ExecutorLaneScheduler.create(ExecutorLaneScheduler.defaultThreads()));
  }

  /** Serves {@code server}, with {@code laneThreads} lane threads of its own (stopped by {@link #close()}). */
  public EngineIoServlet(EngineIoServer server, int laneThreads) {
    this(server, ExecutorLaneScheduler.create(laneThreads));
  }

  /**
   * Serves {@code server} with lanes on the caller's executor (tasks never block, unless socket callbacks
   * do and no {@code listenerExecutor} is set) and timers on the caller's scheduler; {@link #close()}
   * leaves both running.
   */
  public EngineIoServlet(
      EngineIoServer server, Executor laneExecutor, ScheduledExecutorService timer) {
    this(server, ExecutorLaneScheduler.using(laneExecutor, timer));
  }

  private EngineIoServlet(EngineIoServer server, ExecutorLaneScheduler lanes) {
    this.server = Objects.requireNonNull(server, "server");
    this.lanes = lanes;
  }

  /** The served server. */
  public EngineIoServer server() {
    return server;
  }

  /** The servlet mapping for {@code server}'s path, e.g. {@code /engine.io/*}. */
  public static String mappingFor(EngineIoServer server) {
    String p = server.options().path();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p + "/*";
  }

  @Override
  public void init() throws ServletException {
    if (server.options().transports().contains(TransportType.WEBSOCKET)
        && webSocketContainer() == null) {
      log.warn(
          "no Jakarta WebSocket ServerContainer in this servlet context: WebSocket handshakes will be refused."
              + " Enable the container's WebSocket support (Tomcat: WsSci; Jetty:"
              + " JakartaWebSocketServletContainerInitializer.configure) or disable the websocket transport.");
    }
  }

  private ServerContainer webSocketContainer() {
    Object c = getServletContext().getAttribute(ServerContainer.class.getName());
    return c instanceof ServerContainer sc ? sc : null;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String target = ServletRequests.target(req);
    if (!server.handles(target)) {
      resp.setStatus(404);
      resp.setContentType("text/plain; charset=UTF-8");
      resp.setContentLength(NOT_FOUND.length);
      resp.getOutputStream().write(NOT_FOUND);
      return;
    }
    EngineRequest request = ServletRequests.toEngineRequest(req, target);
    if (ServletRequests.isWebSocketUpgrade(req)) {
      upgrade(req, resp, request);
      return;
    }
    AsyncContext async;
    try {
      async = req.startAsync(req, resp);
    } catch (IllegalStateException e) {
      log.error(
          "async is not supported on the way to the Engine.IO servlet (a filter without asyncSupported?)",
          e);
      resp.sendError(500);
      return;
    }
    // no container timeout: the core answers every held poll (v4: at the next ping at the latest)
    async.setTimeout(0);
    server.handleRequest(
        new ServletHttpExchange(
            async, req, resp, request, lanes, server.options().maxHttpBufferSize()));
  }

  // ------------------------------------------------------------------ WebSocket

  private void upgrade(HttpServletRequest req, HttpServletResponse resp, EngineRequest request)
      throws IOException {
    ServletWsUpgrade upgrade = new ServletWsUpgrade(request, lanes);
    server.handleUpgrade(upgrade);
    ServletWsUpgrade.Verdict verdict;
    try {
      verdict = upgrade.await(DECISION_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      verdict = null;
    }
    if (verdict == null) {
      log.warn(
          "no handshake decision within {} ms for {}: refused", DECISION_TIMEOUT_MILLIS, request);
      reject(resp, 400, new Headers(), "Bad request");
      return;
    }
    if (verdict instanceof ServletWsUpgrade.Reject r) {
      reject(resp, r.status(), r.headers(), r.body());
      return;
    }
    ServletWsUpgrade.Accept accept = (ServletWsUpgrade.Accept) verdict;
    ServerContainer container = webSocketContainer();
    if (container == null) {
      if (missingWebSocketLogged.compareAndSet(false, true)) {
        log.error(
            "WebSocket handshake refused: this servlet context has no Jakarta WebSocket ServerContainer");
      }
      reject(resp, 400, new Headers(), "Bad request");
      return;
    }
    Headers extra = accept.headers();
    for (int i = 0; i < extra.size(); i++) {
      resp.addHeader(extra.name(i), extra.value(i));
    }
    EngineIoWebSocketEndpoint endpoint =
        new EngineIoWebSocketEndpoint(accept.maxPayload(), accept.onOpen());
    ServerEndpointConfig config =
        ServerEndpointConfig.Builder.create(
                EngineIoWebSocketEndpoint.class, mappingFor(server).replace("/*", "/"))
            .configurator(new HandshakeConfigurator(endpoint, server.options().perMessageDeflate()))
            .build();
    try {
      container.upgradeHttpToWebSocket(req, resp, config, Map.of());
    } catch (DeploymentException | RuntimeException e) {
      log.warn("WebSocket upgrade failed for {}: {}", request, e.toString());
      if (!resp.isCommitted()) {
        resp.reset();
        reject(resp, 400, new Headers(), "Bad request");
      }
    }
  }

  /**
   * The refusal of a handshake before any 101, as the Netty runtime writes it: the status, {@code
   * Connection: close}, the given headers, {@code text/html} and the message; then the connection closes.
   */
  private static void reject(HttpServletResponse resp, int status, Headers headers, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    resp.setStatus(status);
    resp.setHeader("Connection", "close");
    for (int i = 0; i < headers.size(); i++) {
      resp.addHeader(headers.name(i), headers.value(i));
    }
    resp.setContentType("text/html");
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public void destroy() {
    close();
  }

  /**
   * Closes every session ("forced close") and stops the lane threads this servlet owns after a short
   * grace period for the last close frames and responses. Idempotent; the container calls it through
   * {@link #destroy()}.
   */
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.closeSessions();
      lanes.close(1000);
    }
  }
}
