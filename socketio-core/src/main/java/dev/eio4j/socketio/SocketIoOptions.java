package dev.eio4j.socketio;

import dev.eio4j.socketio.parser.SioDecoder;
import dev.eio4j.socketio.spi.AdapterContext;
import dev.eio4j.socketio.spi.AdapterFactory;
import dev.eio4j.spi.Lane;
import java.time.Duration;
import java.util.Objects;

/**
 * Options of a {@link SocketIoServer}. Immutable; build with {@link #builder()}.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>connectTimeout</td><td>45 s</td><td>a connection that joined no namespace by then is closed</td></tr>
 *   <tr><td>maxAttachments</td><td>10</td><td>binary attachments per packet; more is a decode error</td></tr>
 *   <tr><td>maxNamespacesPerConnection</td><td>100</td><td>namespaces one connection may be in (or joining) at once; more is refused with CONNECT_ERROR</td></tr>
 *   <tr><td>timers</td><td>a private daemon thread</td><td>where connect and ack timeouts are scheduled</td></tr>
 *   <tr><td>adapter</td><td>in memory</td><td>makes each namespace's {@link dev.eio4j.socketio.spi.Adapter}</td></tr>
 *   <tr><td>connectionStateRecovery</td><td>off</td><td>v5 sockets that drop may come back with their id, rooms, data and missed events ({@link RecoveryOptions})</td></tr>
 *   <tr><td>observer</td><td>{@link SocketIoObserver#NOOP}</td><td>receives operational events, for metrics</td></tr>
 * </table>
 */
public final class SocketIoOptions {
  private final Duration connectTimeout;
  private final int maxAttachments;
  private final int maxNamespacesPerConnection;
  private final Lane timers;
  private final AdapterFactory adapter;
  private final RecoveryOptions recovery;
  private final SocketIoObserver observer;

  private SocketIoOptions(Builder b) {
    this.adapter = b.adapter;
    this.connectTimeout = b.connectTimeout;
    this.maxAttachments = b.maxAttachments;
    this.maxNamespacesPerConnection = b.maxNamespacesPerConnection;
    this.timers = b.timers;
    this.recovery = b.recovery;
    this.observer = b.observer;
  }

  /** The defaults. */
  public static SocketIoOptions defaults() {
    return builder().build();
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** How long a connection may stay without joining any namespace. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The cap on binary attachments per packet. */
  public int maxAttachments() {
    return maxAttachments;
  }

  /** How many namespaces one connection may be in, or joining, at once. */
  public int maxNamespacesPerConnection() {
    return maxNamespacesPerConnection;
  }

  /** The timer source, or null for the server's own daemon thread. */
  public Lane timers() {
    return timers;
  }

  /** What makes each namespace's adapter (default: the in-memory one, {@link AdapterContext#local()}). */
  public AdapterFactory adapter() {
    return adapter;
  }

  /** Connection state recovery, or null when it is off (the default). */
  public RecoveryOptions connectionStateRecovery() {
    return recovery;
  }

  /** The observer of operational events ({@link SocketIoObserver#NOOP} when none was set). */
  public SocketIoObserver observer() {
    return observer;
  }

  /** Builds {@link SocketIoOptions}. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(45);
    private int maxAttachments = SioDecoder.DEFAULT_MAX_ATTACHMENTS;
    private int maxNamespacesPerConnection = 100;
    private Lane timers;
    private AdapterFactory adapter = AdapterContext::local;
    private RecoveryOptions recovery;
    private SocketIoObserver observer = SocketIoObserver.NOOP;

    private Builder() {}

    /**
     * What makes each namespace's adapter, e.g. a cluster adapter that delegates the local part to
     * {@link AdapterContext#local()}. Called once per namespace as it is created.
     */
    public Builder adapter(AdapterFactory factory) {
      this.adapter = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** How long a connection may stay without joining a namespace (positive). */
    public Builder connectTimeout(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive");
      }
      this.connectTimeout = d;
      return this;
    }

    /** The cap on binary attachments per packet (0 or more). */
    public Builder maxAttachments(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxAttachments must be >= 0");
      }
      this.maxAttachments = n;
      return this;
    }

    /**
     * How many namespaces one connection may be in, or joining, at once (at least 1); a CONNECT beyond
     * that is refused with {@code "Too many namespaces"} and the connection stays open.
     */
    public Builder maxNamespacesPerConnection(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxNamespacesPerConnection must be >= 1");
      }
      this.maxNamespacesPerConnection = n;
      return this;
    }

    /**
     * Where timeouts are scheduled (tests pass a virtual-time scheduler). Only {@link Lane#schedule} is
     * used; each timeout then runs in its connection's order with that connection's events.
     */
    public Builder timers(Lane timers) {
      this.timers = Objects.requireNonNull(timers, "timers");
      return this;
    }

    /**
     * Turns connection state recovery on, with the default store bounds: a v5 socket that drops (transport
     * closed or failed, ping timeout, forced close) can come back within {@code maxDisconnectionDuration}
     * with the same id, rooms and data, and is sent the events it missed; with {@code skipMiddlewares}
     * the namespace's middlewares do not run for it again.
     */
    public Builder connectionStateRecovery(
        Duration maxDisconnectionDuration, boolean skipMiddlewares) {
      return connectionStateRecovery(RecoveryOptions.of(maxDisconnectionDuration, skipMiddlewares));
    }

    /** Turns connection state recovery on with these options (null turns it off). */
    public Builder connectionStateRecovery(RecoveryOptions options) {
      this.recovery = options;
      return this;
    }

    /** Receives the server's operational events (e.g. {@code SocketIoMetrics} of engineio-micrometer). */
    public Builder observer(SocketIoObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /** The options. */
    public SocketIoOptions build() {
      return new SocketIoOptions(this);
    }
  }
}
