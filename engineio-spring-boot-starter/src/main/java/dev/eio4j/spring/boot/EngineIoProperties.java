package dev.eio4j.spring.boot;

import dev.eio4j.CookieOptions;
import dev.eio4j.CorsOptions;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoServer;
import dev.eio4j.OverflowPolicy;
import dev.eio4j.protocol.TransportType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code engineio.*} properties: every Engine.IO option that is a plain value, with the defaults of
 * {@link EngineIoOptions} (written as literals so that the configuration metadata shows them;
 * {@code EngineIoPropertiesTest} keeps them equal). Options that are code ({@code allowRequest}, {@code idGenerator}, the header
 * hooks, {@code listenerExecutor}, {@code observer}) are set with an {@link EngineIoServerCustomizer}
 * bean.
 */
@ConfigurationProperties("engineio")
public class EngineIoProperties {
  /** Whether to serve Engine.IO on the application's port. */
  private boolean enabled = true;

  /**
   * The path that Engine.IO requests start with, within the servlet context (clients connect to {@code
   * <context-path><path>/}).
   */
  private String path = "/engine.io";

  /** Whether one '/' is appended to the path before matching requests. */
  private boolean addTrailingSlash = true;

  /** v4: the delay before each server ping, re-armed at each pong; v3: part of the timeout. */
  private Duration pingInterval = Duration.ofSeconds(25);

  /** v4: the time allowed for the pong; v3: a client ping must come within ping-interval + ping-timeout. */
  private Duration pingTimeout = Duration.ofSeconds(20);

  /** The time allowed between the WebSocket's acceptance and the client's upgrade packet. */
  private Duration upgradeTimeout = Duration.ofSeconds(10);

  /**
   * The largest POST body (over it: 413, the session stays open) and WebSocket message (over it: close
   * 1009); advertised to clients as maxPayload. Plain numbers are bytes; note that 1MB is 1048576 bytes.
   */
  private DataSize maxHttpBufferSize = DataSize.ofBytes(1000000);

  /** The enabled transports. */
  private List<TransportType> transports =
      new ArrayList<>(List.of(TransportType.POLLING, TransportType.WEBSOCKET));

  /** Whether polling sessions are offered the upgrade to WebSocket. */
  private boolean allowUpgrades = true;

  /** Whether protocol v3 clients (engine.io-client 3.x, Socket.IO 2.x) are served. */
  private boolean allowEio3 = true;

  /** A message sent right after the open packet, or none. */
  private String initialPacket;

  /** Whether polling GET responses are gzip- or deflate-compressed when the client accepts it. */
  private boolean httpCompression = true;

  /** The smallest polling response that is compressed. */
  private DataSize compressionThreshold = DataSize.ofBytes(1024);

  /** Whether the WebSocket permessage-deflate extension is negotiated. */
  private boolean perMessageDeflate = false;

  /** How long a deferred polling close waits for the client's next GET. */
  private Duration closeTimeout = Duration.ofSeconds(30);

  /** The per-socket outbound budget; a send beyond it returns BUFFER_FULL (or closes, see overflow-policy). */
  private DataSize maxBufferedBytes = DataSize.ofMegabytes(16);

  /** What a send beyond max-buffered-bytes does: REJECT it, or also CLOSE the socket. */
  private OverflowPolicy overflowPolicy = OverflowPolicy.REJECT;

  /** The most sessions open at once (a handshake beyond it gets 503); 0 for no cap. */
  private int maxSessions = 0;

  /** The most packets one polling POST may carry (over it: 400, the session closed). */
  private int maxPacketsPerPayload = 10_000;

  /**
   * This node's tag in a cluster: 3 characters a-z or 0-9 that start every session id, so a balancer can
   * route each request to the node that owns its session; none on a single node.
   */
  private String nodeId;

  /**
   * Threads of the pool that runs the sessions' lanes (each session is a serial queue on it); 0 for the
   * number of cores, at least 2. Socket callbacks run there unless a listenerExecutor is set.
   */
  private int laneThreads = 0;

  /** The session cookie, written on the polling handshake response. */
  private final Cookie cookie = new Cookie();

  /** Cross-origin resource sharing; off unless an origin rule is set. */
  private final Cors cors = new Cors();

  /** The session cookie ({@code Set-Cookie: <name>=<sid>} on the polling handshake response). */
  public static class Cookie {
    /** Whether to write the session cookie. */
    private boolean enabled = false;

    /** The cookie name. */
    private String name = "io";

    /** The cookie's Path attribute; empty for none. */
    private String path = "/";

    /** Whether to add HttpOnly. */
    private boolean httpOnly = true;

    /** The SameSite attribute (Strict, Lax or None); empty for none. */
    private String sameSite = "Lax";

    /** Whether to add Secure. */
    private boolean secure = false;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public boolean isHttpOnly() {
      return httpOnly;
    }

    public void setHttpOnly(boolean httpOnly) {
      this.httpOnly = httpOnly;
    }

    public String getSameSite() {
      return sameSite;
    }

    public void setSameSite(String sameSite) {
      this.sameSite = sameSite;
    }

    public boolean isSecure() {
      return secure;
    }

    public void setSecure(boolean secure) {
      this.secure = secure;
    }

    /** The core's cookie option, or null when disabled. */
    CookieOptions toOptions() {
      if (!enabled) {
        return null;
      }
      return new CookieOptions(name, blankToNull(path), httpOnly, blankToNull(sameSite), secure);
    }
  }

  /**
   * CORS, as the reference's {@code cors} middleware: off unless {@code fixed-origin} or {@code
   * allowed-origins} is set; then on every response, errors and preflights included.
   */
  public static class Cors {
    /**
     * Origins whose requests are allowed; the request's Origin is reflected when it is one of them. "*"
     * allows any origin (Access-Control-Allow-Origin: *).
     */
    private List<String> allowedOrigins = new ArrayList<>();

    /** One origin sent whatever the request's (the browser enforces the match); wins over allowed-origins. */
    private String fixedOrigin;

    /** Whether to send Access-Control-Allow-Credentials: true (not with "*"). */
    private boolean credentials = false;

    /** The methods a preflight allows. */
    private List<String> methods =
        new ArrayList<>(List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"));

    /** The request headers a preflight allows; empty: those the preflight asks for. */
    private List<String> allowedHeaders = new ArrayList<>();

    /** Access-Control-Expose-Headers; empty for none. */
    private List<String> exposedHeaders = new ArrayList<>();

    /** Access-Control-Max-Age of preflights; none by default. */
    private Duration maxAge;

    public List<String> getAllowedOrigins() {
      return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
    }

    public String getFixedOrigin() {
      return fixedOrigin;
    }

    public void setFixedOrigin(String fixedOrigin) {
      this.fixedOrigin = fixedOrigin;
    }

    public boolean isCredentials() {
      return credentials;
    }

    public void setCredentials(boolean credentials) {
      this.credentials = credentials;
    }

    public List<String> getMethods() {
      return methods;
    }

    public void setMethods(List<String> methods) {
      this.methods = methods;
    }

    public List<String> getAllowedHeaders() {
      return allowedHeaders;
    }

    public void setAllowedHeaders(List<String> allowedHeaders) {
      this.allowedHeaders = allowedHeaders;
    }

    public List<String> getExposedHeaders() {
      return exposedHeaders;
    }

    public void setExposedHeaders(List<String> exposedHeaders) {
      this.exposedHeaders = exposedHeaders;
    }

    public Duration getMaxAge() {
      return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
      this.maxAge = maxAge;
    }

    /** The core's CORS option, or null when no origin rule is set. */
    CorsOptions toOptions() {
      CorsOptions.Builder b = CorsOptions.builder();
      if (fixedOrigin != null && !fixedOrigin.isBlank()) {
        b.fixedOrigin(fixedOrigin.trim());
      } else if (!allowedOrigins.isEmpty()) {
        b.allowOrigins(allowedOrigins.stream().map(String::trim).toArray(String[]::new));
      } else {
        return null;
      }
      b.credentials(credentials);
      b.methods(methods.toArray(String[]::new));
      if (!allowedHeaders.isEmpty()) {
        b.allowedHeaders(allowedHeaders.toArray(String[]::new));
      }
      if (!exposedHeaders.isEmpty()) {
        b.exposedHeaders(exposedHeaders.toArray(String[]::new));
      }
      if (maxAge != null) {
        b.maxAgeSeconds(maxAge.toSeconds());
      }
      return b.build();
    }
  }

  /** Applies every property to {@code builder} (validation happens in {@code build()}). */
  public <B extends EngineIoOptions.Builder<B>> B applyTo(B builder) {
    builder
        .path(path)
        .addTrailingSlash(addTrailingSlash)
        .pingInterval(pingInterval)
        .pingTimeout(pingTimeout)
        .upgradeTimeout(upgradeTimeout)
        .maxHttpBufferSize(maxHttpBufferSize.toBytes())
        .transports(transports.toArray(TransportType[]::new))
        .allowUpgrades(allowUpgrades)
        .allowEIO3(allowEio3)
        .initialPacket(blankToNull(initialPacket))
        .httpCompression(httpCompression)
        .compressionThreshold(Math.toIntExact(compressionThreshold.toBytes()))
        .perMessageDeflate(perMessageDeflate)
        .closeTimeout(closeTimeout)
        .maxBufferedBytes(maxBufferedBytes.toBytes())
        .overflowPolicy(overflowPolicy)
        .maxSessions(maxSessions)
        .maxPacketsPerPayload(maxPacketsPerPayload)
        .nodeId(blankToNull(nodeId))
        .cookie(cookie.toOptions())
        .cors(cors.toOptions());
    return builder;
  }

  /** A server builder holding these properties. */
  public EngineIoServer.Builder toBuilder() {
    return applyTo(EngineIoServer.builder());
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public boolean isAddTrailingSlash() {
    return addTrailingSlash;
  }

  public void setAddTrailingSlash(boolean addTrailingSlash) {
    this.addTrailingSlash = addTrailingSlash;
  }

  public Duration getPingInterval() {
    return pingInterval;
  }

  public void setPingInterval(Duration pingInterval) {
    this.pingInterval = pingInterval;
  }

  public Duration getPingTimeout() {
    return pingTimeout;
  }

  public void setPingTimeout(Duration pingTimeout) {
    this.pingTimeout = pingTimeout;
  }

  public Duration getUpgradeTimeout() {
    return upgradeTimeout;
  }

  public void setUpgradeTimeout(Duration upgradeTimeout) {
    this.upgradeTimeout = upgradeTimeout;
  }

  public DataSize getMaxHttpBufferSize() {
    return maxHttpBufferSize;
  }

  public void setMaxHttpBufferSize(DataSize maxHttpBufferSize) {
    this.maxHttpBufferSize = maxHttpBufferSize;
  }

  public List<TransportType> getTransports() {
    return transports;
  }

  public void setTransports(List<TransportType> transports) {
    this.transports = transports;
  }

  public boolean isAllowUpgrades() {
    return allowUpgrades;
  }

  public void setAllowUpgrades(boolean allowUpgrades) {
    this.allowUpgrades = allowUpgrades;
  }

  public boolean isAllowEio3() {
    return allowEio3;
  }

  public void setAllowEio3(boolean allowEio3) {
    this.allowEio3 = allowEio3;
  }

  public String getInitialPacket() {
    return initialPacket;
  }

  public void setInitialPacket(String initialPacket) {
    this.initialPacket = initialPacket;
  }

  public boolean isHttpCompression() {
    return httpCompression;
  }

  public void setHttpCompression(boolean httpCompression) {
    this.httpCompression = httpCompression;
  }

  public DataSize getCompressionThreshold() {
    return compressionThreshold;
  }

  public void setCompressionThreshold(DataSize compressionThreshold) {
    this.compressionThreshold = compressionThreshold;
  }

  public boolean isPerMessageDeflate() {
    return perMessageDeflate;
  }

  public void setPerMessageDeflate(boolean perMessageDeflate) {
    this.perMessageDeflate = perMessageDeflate;
  }

  public Duration getCloseTimeout() {
    return closeTimeout;
  }

  public void setCloseTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
  }

  public DataSize getMaxBufferedBytes() {
    return maxBufferedBytes;
  }

  public void setMaxBufferedBytes(DataSize maxBufferedBytes) {
    this.maxBufferedBytes = maxBufferedBytes;
  }

  public OverflowPolicy getOverflowPolicy() {
    return overflowPolicy;
  }

  public void setOverflowPolicy(OverflowPolicy overflowPolicy) {
    this.overflowPolicy = overflowPolicy;
  }

  public int getMaxSessions() {
    return maxSessions;
  }

  public void setMaxSessions(int maxSessions) {
    this.maxSessions = maxSessions;
  }

  public String getNodeId() {
    return nodeId;
  }

  public void setNodeId(String nodeId) {
    this.nodeId = nodeId;
  }

  public int getMaxPacketsPerPayload() {
    return maxPacketsPerPayload;
  }

  public void setMaxPacketsPerPayload(int maxPacketsPerPayload) {
    this.maxPacketsPerPayload = maxPacketsPerPayload;
  }

  public int getLaneThreads() {
    return laneThreads;
  }

  public void setLaneThreads(int laneThreads) {
    this.laneThreads = laneThreads;
  }

  public Cookie getCookie() {
    return cookie;
  }

  public Cors getCors() {
    return cors;
  }
}
