package dev.eio4j;

import dev.eio4j.protocol.TransportType;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Immutable, validated server options. Names and defaults follow the Node reference server (engine.io
 * 6.6.11) except {@code allowEIO3}, which is on here. {@code EngineIoOptionsTest} asserts that every
 * default documented below is the real one.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th></tr>
 *   <tr><td>pingInterval</td><td>25 s</td></tr>
 *   <tr><td>pingTimeout</td><td>20 s</td></tr>
 *   <tr><td>upgradeTimeout</td><td>10 s</td></tr>
 *   <tr><td>maxHttpBufferSize</td><td>1,000,000 bytes (advertised as maxPayload)</td></tr>
 *   <tr><td>transports</td><td>polling, websocket</td></tr>
 *   <tr><td>allowUpgrades</td><td>true</td></tr>
 *   <tr><td>allowEIO3</td><td>true</td></tr>
 *   <tr><td>initialPacket</td><td>none</td></tr>
 *   <tr><td>path</td><td>/engine.io</td></tr>
 *   <tr><td>addTrailingSlash</td><td>true</td></tr>
 *   <tr><td>cookie</td><td>off</td></tr>
 *   <tr><td>cors</td><td>off</td></tr>
 *   <tr><td>allowRequest</td><td>none (allow all)</td></tr>
 *   <tr><td>idGenerator</td><td>120 random bits, 20 URL-safe chars</td></tr>
 *   <tr><td>nodeId</td><td>none: single node, sids carry no tag</td></tr>
 *   <tr><td>initialHeaders / headers</td><td>none</td></tr>
 *   <tr><td>httpCompression</td><td>on, threshold 1024 bytes</td></tr>
 *   <tr><td>perMessageDeflate</td><td>off</td></tr>
 *   <tr><td>closeTimeout</td><td>30 s</td></tr>
 *   <tr><td>maxBufferedBytes</td><td>16 MiB per socket</td></tr>
 *   <tr><td>maxPacketsPerPayload</td><td>10000</td></tr>
 *   <tr><td>overflowPolicy</td><td>REJECT: a send beyond maxBufferedBytes returns BUFFER_FULL</td></tr>
 *   <tr><td>maxSessions</td><td>0 (unlimited)</td></tr>
 *   <tr><td>listenerExecutor</td><td>none: callbacks run on the session's lane</td></tr>
 *   <tr><td>observer</td><td>none: no metrics events</td></tr>
 * </table>
 */
public final class EngineIoOptions {
  /** Default {@code pingInterval}. */
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofMillis(25_000);

  /** Default {@code pingTimeout}. */
  public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofMillis(20_000);

  /** Default {@code upgradeTimeout}. */
  public static final Duration DEFAULT_UPGRADE_TIMEOUT = Duration.ofMillis(10_000);

  /** Default {@code maxHttpBufferSize}. */
  public static final long DEFAULT_MAX_HTTP_BUFFER_SIZE = 1_000_000L;

  /** Default {@code path}. */
  public static final String DEFAULT_PATH = "/engine.io";

  /** Default compression threshold in bytes. */
  public static final int DEFAULT_COMPRESSION_THRESHOLD = 1024;

  /** Default {@code closeTimeout}. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofMillis(30_000);

  /** Default {@code maxBufferedBytes}. */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 16L * 1024 * 1024;

  /** Default {@code maxPacketsPerPayload}. */
  public static final int DEFAULT_MAX_PACKETS_PER_PAYLOAD = 10_000;

  /**
   * What each queued packet costs against {@code maxBufferedBytes} on top of its payload: about what the
   * server holds for one packet (object headers, the queue slot), so that empty or tiny messages cannot
   * be queued without bound. It is part of {@link EngineIoSocket#bufferedAmount()}.
   */
  public static final int PACKET_OVERHEAD_BYTES = 64;

  private final Duration pingInterval;
  private final Duration pingTimeout;
  private final Duration upgradeTimeout;
  private final long maxHttpBufferSize;
  private final Set<TransportType> transports;
  private final boolean allowUpgrades;
  private final boolean allowEIO3;
  private final String initialPacket;
  private final String path;
  private final boolean addTrailingSlash;
  private final CookieOptions cookie;
  private final CorsOptions cors;
  private final AllowRequest allowRequest;
  private final IdGenerator idGenerator;
  private final String nodeId;
  private final HeadersHook initialHeaders;
  private final HeadersHook headers;
  private final boolean httpCompression;
  private final int compressionThreshold;
  private final boolean perMessageDeflate;
  private final Duration closeTimeout;
  private final long maxBufferedBytes;
  private final int maxPacketsPerPayload;
  private final OverflowPolicy overflowPolicy;
  private final int maxSessions;
  private final Executor listenerExecutor;
  private final EngineObserver observer;
  private final String prefix;

  EngineIoOptions(Builder<?> b) {
    this.pingInterval = b.pingInterval;
    this.pingTimeout = b.pingTimeout;
    this.upgradeTimeout = b.upgradeTimeout;
    this.maxHttpBufferSize = b.maxHttpBufferSize;
    this.transports = Collections.unmodifiableSet(EnumSet.copyOf(b.transports));
    this.allowUpgrades = b.allowUpgrades;
    this.allowEIO3 = b.allowEIO3;
    this.initialPacket = b.initialPacket;
    this.path = b.path;
    this.addTrailingSlash = b.addTrailingSlash;
    this.cookie = b.cookie;
    this.cors = b.cors;
    this.allowRequest = b.allowRequest;
    this.idGenerator = b.idGenerator;
    this.nodeId = b.nodeId;
    this.initialHeaders = b.initialHeaders;
    this.headers = b.headers;
    this.httpCompression = b.httpCompression;
    this.compressionThreshold = b.compressionThreshold;
    this.perMessageDeflate = b.perMessageDeflate;
    this.closeTimeout = b.closeTimeout;
    this.maxBufferedBytes = b.maxBufferedBytes;
    this.maxPacketsPerPayload = b.maxPacketsPerPayload;
    this.overflowPolicy = b.overflowPolicy;
    this.maxSessions = b.maxSessions;
    this.listenerExecutor = b.listenerExecutor;
    this.observer = b.observer;
    String p = path;
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    this.prefix = addTrailingSlash ? p + "/" : p;
  }

  /** A builder with every default. */
  public static OptionsBuilder builder() {
    return new OptionsBuilder();
  }

  /** The defaults. */
  public static EngineIoOptions defaults() {
    return builder().build();
  }

  /** A builder holding these options. */
  public OptionsBuilder toBuilder() {
    OptionsBuilder b = new OptionsBuilder();
    b.copyFrom(this);
    return b;
  }

  /** Delay before each v4 ping (re-armed at each pong); part of the v3 timeout. */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** Time allowed for a v4 pong; v3 allows {@code pingInterval + pingTimeout} between pings. */
  public Duration pingTimeout() {
    return pingTimeout;
  }

  /** Time allowed between WebSocket acceptance and the client's {@code 5} (upgrade). */
  public Duration upgradeTimeout() {
    return upgradeTimeout;
  }

  /** Largest POST body / WebSocket frame, in bytes; advertised as {@code maxPayload}. */
  public long maxHttpBufferSize() {
    return maxHttpBufferSize;
  }

  /** The enabled transports. */
  public Set<TransportType> transports() {
    return transports;
  }

  /** Whether polling sessions are offered the upgrade to WebSocket. */
  public boolean allowUpgrades() {
    return allowUpgrades;
  }

  /** Whether protocol v3 ({@code EIO=3}) clients are served. */
  public boolean allowEIO3() {
    return allowEIO3;
  }

  /** A message sent right after the open packet, or null. */
  public String initialPacket() {
    return initialPacket;
  }

  /** The configured path, e.g. {@code /engine.io}. */
  public String path() {
    return path;
  }

  /** Whether one {@code /} is appended to the path before matching. */
  public boolean addTrailingSlash() {
    return addTrailingSlash;
  }

  /** The prefix that a request target must start with, e.g. {@code /engine.io/}. */
  public String pathPrefix() {
    return prefix;
  }

  /** The session cookie, or null when off. */
  public CookieOptions cookie() {
    return cookie;
  }

  /** CORS, or null when off. */
  public CorsOptions cors() {
    return cors;
  }

  /** The handshake gate, or null (allow all). */
  public AllowRequest allowRequest() {
    return allowRequest;
  }

  /** The session id generator, or null for the default. */
  public IdGenerator idGenerator() {
    return idGenerator;
  }

  /**
   * This node's tag in a cluster, three characters {@code [a-z0-9]}, or null on a single node. With a
   * tag every session id starts with it (then 120 random bits), so a balancer or another node can tell
   * from the sid alone which node owns the session (docs/cluster.md); a custom {@link #idGenerator()}
   * must keep it as the prefix, or the handshake fails with code 3.
   */
  public String nodeId() {
    return nodeId;
  }

  /** Hook for the handshake response / direct-WebSocket 101, or null. */
  public HeadersHook initialHeaders() {
    return initialHeaders;
  }

  /** Hook for every polling response and every 101, or null. */
  public HeadersHook headers() {
    return headers;
  }

  /** Whether polling GET responses are gzip/deflate-compressed per {@code Accept-Encoding}. */
  public boolean httpCompression() {
    return httpCompression;
  }

  /** Smallest body, in bytes, that is compressed. */
  public int compressionThreshold() {
    return compressionThreshold;
  }

  /** Whether the WebSocket permessage-deflate extension is negotiated. */
  public boolean perMessageDeflate() {
    return perMessageDeflate;
  }

  /**
   * How long a {@code close()} may wait, once for the queue to drain (a WebSocket peer that does not read,
   * a polling client that does not poll) and once more, over polling, for the GET that carries the close
   * packet. When a wait runs out the session ends with {@link DisconnectReason#FORCED_CLOSE}.
   */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /**
   * Per-socket outbound budget in bytes; a send beyond it returns {@link SendResult#BUFFER_FULL}. Each
   * queued message counts its payload plus {@link #PACKET_OVERHEAD_BYTES}.
   */
  public long maxBufferedBytes() {
    return maxBufferedBytes;
  }

  /**
   * The most packets one polling POST may carry. A payload with more is refused whole: HTTP 400 with an
   * empty body, none of its packets delivered, and the session closed ({@link
   * DisconnectReason#TRANSPORT_ERROR}). The reference has no such bound; without it one 1 MB POST of
   * empty messages is half a million packets.
   */
  public int maxPacketsPerPayload() {
    return maxPacketsPerPayload;
  }

  /**
   * What a send beyond {@link #maxBufferedBytes()} does: refuse it ({@link OverflowPolicy#REJECT}) or also
   * close the socket ({@link OverflowPolicy#CLOSE}, reason {@link DisconnectReason#SEND_BUFFER_OVERFLOW}).
   */
  public OverflowPolicy overflowPolicy() {
    return overflowPolicy;
  }

  /**
   * The most sessions open at once, 0 for no cap. A handshake beyond it is refused with HTTP 503 and
   * {@code {"code":3,"message":"Server at capacity"}} (a WebSocket handshake: 503, {@code Server at
   * capacity}).
   */
  public int maxSessions() {
    return maxSessions;
  }

  /**
   * The executor that runs socket callbacks (one at a time and in order per socket), or null to run
   * them on the session's lane (the I/O thread in the Netty runtime: do not block there).
   */
  public Executor listenerExecutor() {
    return listenerExecutor;
  }

  /**
   * The observer of the engine's operational events (sessions, upgrades, heartbeats, traffic, limits,
   * refused requests), e.g. {@code engineio-micrometer}'s {@code EngineIoMetrics}, or null for none.
   */
  public EngineObserver observer() {
    return observer;
  }

  @Override
  public String toString() {
    return "EngineIoOptions{pingInterval="
        + pingInterval.toMillis()
        + "ms, pingTimeout="
        + pingTimeout.toMillis()
        + "ms, upgradeTimeout="
        + upgradeTimeout.toMillis()
        + "ms, maxHttpBufferSize="
        + maxHttpBufferSize
        + ", transports="
        + transports
        + ", allowUpgrades="
        + allowUpgrades
        + ", allowEIO3="
        + allowEIO3
        + ", initialPacket="
        + (initialPacket == null ? "none" : '"' + initialPacket + '"')
        + ", path="
        + prefix
        + ", cookie="
        + (cookie == null ? "off" : cookie.name())
        + ", cors="
        + (cors == null ? "off" : cors)
        + ", httpCompression="
        + (httpCompression ? "threshold " + compressionThreshold : "off")
        + ", perMessageDeflate="
        + perMessageDeflate
        + ", maxBufferedBytes="
        + maxBufferedBytes
        + ", maxPacketsPerPayload="
        + maxPacketsPerPayload
        + ", overflowPolicy="
        + overflowPolicy
        + ", maxSessions="
        + (maxSessions == 0 ? "unlimited" : maxSessions)
        + (nodeId == null ? "" : ", nodeId=" + nodeId)
        + "}";
  }

  /** The builder of plain options. */
  public static final class OptionsBuilder extends Builder<OptionsBuilder> {
    OptionsBuilder() {}

    /** Validates and builds. */
    public EngineIoOptions build() {
      return buildOptions();
    }
  }

  /**
   * Setters shared by {@link OptionsBuilder} and {@link EngineIoServer.Builder}.
   *
   * @param <B> the concrete builder
   */
  public abstract static class Builder<B extends Builder<B>> {
    Duration pingInterval = DEFAULT_PING_INTERVAL;
    Duration pingTimeout = DEFAULT_PING_TIMEOUT;
    Duration upgradeTimeout = DEFAULT_UPGRADE_TIMEOUT;
    long maxHttpBufferSize = DEFAULT_MAX_HTTP_BUFFER_SIZE;
    Set<TransportType> transports = EnumSet.of(TransportType.POLLING, TransportType.WEBSOCKET);
    boolean allowUpgrades = true;
    boolean allowEIO3 = true;
    String initialPacket;
    String path = DEFAULT_PATH;
    boolean addTrailingSlash = true;
    CookieOptions cookie;
    CorsOptions cors;
    AllowRequest allowRequest;
    IdGenerator idGenerator;
    String nodeId;
    HeadersHook initialHeaders;
    HeadersHook headers;
    boolean httpCompression = true;
    int compressionThreshold = DEFAULT_COMPRESSION_THRESHOLD;
    boolean perMessageDeflate;
    Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    int maxPacketsPerPayload = DEFAULT_MAX_PACKETS_PER_PAYLOAD;
    OverflowPolicy overflowPolicy = OverflowPolicy.REJECT;
    int maxSessions;
    Executor listenerExecutor;
    EngineObserver observer;

    Builder() {}

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    void copyFrom(EngineIoOptions o) {
      pingInterval = o.pingInterval;
      pingTimeout = o.pingTimeout;
      upgradeTimeout = o.upgradeTimeout;
      maxHttpBufferSize = o.maxHttpBufferSize;
      transports = EnumSet.copyOf(o.transports);
      allowUpgrades = o.allowUpgrades;
      allowEIO3 = o.allowEIO3;
      initialPacket = o.initialPacket;
      path = o.path;
      addTrailingSlash = o.addTrailingSlash;
      cookie = o.cookie;
      cors = o.cors;
      allowRequest = o.allowRequest;
      idGenerator = o.idGenerator;
      nodeId = o.nodeId;
      initialHeaders = o.initialHeaders;
      headers = o.headers;
      httpCompression = o.httpCompression;
      compressionThreshold = o.compressionThreshold;
      perMessageDeflate = o.perMessageDeflate;
      closeTimeout = o.closeTimeout;
      maxBufferedBytes = o.maxBufferedBytes;
      maxPacketsPerPayload = o.maxPacketsPerPayload;
      overflowPolicy = o.overflowPolicy;
      maxSessions = o.maxSessions;
      listenerExecutor = o.listenerExecutor;
      observer = o.observer;
    }

    /** Replaces every setting with those of {@code options}. */
    public B options(EngineIoOptions options) {
      copyFrom(options);
      return self();
    }

    /** Delay before each ping (v4). Default 25 s. */
    public B pingInterval(Duration d) {
      pingInterval = positive(d, "pingInterval");
      return self();
    }

    /** Time allowed for a pong (v4). Default 20 s. */
    public B pingTimeout(Duration d) {
      pingTimeout = positive(d, "pingTimeout");
      return self();
    }

    /** Time allowed for the upgrade to complete. Default 10 s. */
    public B upgradeTimeout(Duration d) {
      upgradeTimeout = positive(d, "upgradeTimeout");
      return self();
    }

    /** Largest POST body or WebSocket frame, in bytes. Default 1,000,000. */
    public B maxHttpBufferSize(long bytes) {
      if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "maxHttpBufferSize must be in 1.." + (Integer.MAX_VALUE - 8) + ": " + bytes);
      }
      maxHttpBufferSize = bytes;
      return self();
    }

    /** The enabled transports (at least one). Default polling and websocket. */
    public B transports(TransportType... types) {
      if (types.length == 0) {
        throw new IllegalArgumentException("at least one transport");
      }
      EnumSet<TransportType> s = EnumSet.noneOf(TransportType.class);
      for (TransportType t : types) {
        s.add(Objects.requireNonNull(t, "transport"));
      }
      transports = s;
      return self();
    }

    /** Whether to offer the upgrade to WebSocket. Default true. */
    public B allowUpgrades(boolean allow) {
      allowUpgrades = allow;
      return self();
    }

    /** Whether to serve protocol v3 clients. Default true. */
    public B allowEIO3(boolean allow) {
      allowEIO3 = allow;
      return self();
    }

    /** A message sent right after the open packet (null for none). */
    public B initialPacket(String message) {
      initialPacket = message;
      return self();
    }

    /** The path, e.g. {@code /engine.io}; must start with {@code /}. Default {@code /engine.io}. */
    public B path(String p) {
      Objects.requireNonNull(p, "path");
      if (!p.startsWith("/")
          || p.contains("?")
          || p.contains("#")
          || p.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
        throw new IllegalArgumentException(
            "path must start with '/' and hold no '?', '#', spaces or control characters: " + p);
      }
      path = p;
      return self();
    }

    /** Whether one {@code /} is appended to the path before matching. Default true. */
    public B addTrailingSlash(boolean add) {
      addTrailingSlash = add;
      return self();
    }

    /** The session cookie (null: off, the default). */
    public B cookie(CookieOptions c) {
      cookie = c;
      return self();
    }

    /** CORS (null: off, the default). */
    public B cors(CorsOptions c) {
      cors = c;
      return self();
    }

    /** The handshake gate (null: allow all, the default). */
    public B allowRequest(AllowRequest a) {
      allowRequest = a;
      return self();
    }

    /** The session id generator (null: the default, 120 random bits). */
    public B idGenerator(IdGenerator g) {
      idGenerator = g;
      return self();
    }

    /**
     * This node's tag in a cluster: exactly three characters {@code [a-z0-9]} (null: a single node, the
     * default). Every session id then starts with the tag, followed by 120 random bits; a custom id
     * generator must return ids that start with it.
     */
    public B nodeId(String tag) {
      if (tag != null && !isNodeId(tag)) {
        throw new IllegalArgumentException(
            "nodeId must be exactly 3 characters a-z or 0-9, got: \""
                + (tag.length() > 20 ? tag.substring(0, 20) + "..." : tag)
                + "\"");
      }
      nodeId = tag;
      return self();
    }

    /** Hook for the handshake response (the reference's {@code initial_headers}). */
    public B initialHeaders(HeadersHook h) {
      initialHeaders = h;
      return self();
    }

    /** Hook for every polling response and 101 (the reference's {@code headers}). */
    public B headers(HeadersHook h) {
      headers = h;
      return self();
    }

    /** gzip/deflate for polling GET responses. Default on. */
    public B httpCompression(boolean on) {
      httpCompression = on;
      return self();
    }

    /** Smallest compressed body in bytes. Default 1024. */
    public B compressionThreshold(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("compressionThreshold must be >= 0");
      }
      compressionThreshold = bytes;
      return self();
    }

    /** WebSocket permessage-deflate. Default off. */
    public B perMessageDeflate(boolean on) {
      perMessageDeflate = on;
      return self();
    }

    /**
     * How long a {@code close()} waits for the queue to drain and for the next polling GET. Default 30 s.
     */
    public B closeTimeout(Duration d) {
      closeTimeout = positive(d, "closeTimeout");
      return self();
    }

    /** Per-socket outbound budget in bytes. Default 16 MiB. */
    public B maxBufferedBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBufferedBytes must be >= 1");
      }
      maxBufferedBytes = bytes;
      return self();
    }

    /**
     * The most packets one polling POST may carry; a payload with more gets 400 and closes the session.
     * Default 10000.
     */
    public B maxPacketsPerPayload(int packets) {
      if (packets < 1) {
        throw new IllegalArgumentException("maxPacketsPerPayload must be >= 1");
      }
      maxPacketsPerPayload = packets;
      return self();
    }

    /**
     * What a send beyond {@code maxBufferedBytes} does: {@link OverflowPolicy#REJECT} refuses it with
     * {@code BUFFER_FULL}; {@link OverflowPolicy#CLOSE} also closes the socket ("send buffer overflow").
     * Default REJECT.
     */
    public B overflowPolicy(OverflowPolicy policy) {
      overflowPolicy = Objects.requireNonNull(policy, "overflowPolicy");
      return self();
    }

    /**
     * The most sessions open at once; over it a handshake gets 503 {@code {"code":3,"message":"Server at
     * capacity"}}. Default 0 (unlimited).
     */
    public B maxSessions(int sessions) {
      if (sessions < 0) {
        throw new IllegalArgumentException("maxSessions must be >= 0 (0: unlimited)");
      }
      maxSessions = sessions;
      return self();
    }

    /**
     * Runs socket callbacks on this executor (in order, one at a time per socket) instead of the
     * session's lane. Use it when callbacks block.
     */
    public B listenerExecutor(Executor e) {
      listenerExecutor = e;
      return self();
    }

    /**
     * Receives the engine's operational events, for metrics (see {@link EngineObserver}; null: none, the
     * default). Whatever it throws is logged and ignored.
     */
    public B observer(EngineObserver o) {
      observer = o;
      return self();
    }

    EngineIoOptions buildOptions() {
      if (!transports.contains(TransportType.POLLING)
          && !transports.contains(TransportType.WEBSOCKET)) {
        throw new IllegalStateException("no transport enabled");
      }
      return new EngineIoOptions(this);
    }

    /** Whether {@code s} is a valid node tag: exactly 3 characters {@code [a-z0-9]}. */
    static boolean isNodeId(String s) {
      if (s.length() != 3) {
        return false;
      }
      for (int i = 0; i < 3; i++) {
        char c = s.charAt(i);
        if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')) {
          return false;
        }
      }
      return true;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(name + " must be between 1 ms and ~24 days: " + d);
      }
      return d;
    }
  }
}
