package dev.eio4j.spring.boot;

import dev.eio4j.socketio.RecoveryOptions;
import dev.eio4j.socketio.SocketIoOptions;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code socketio.*} properties: {@code enabled} and every Socket.IO option that is a plain value,
 * with the defaults of {@link SocketIoOptions} (literals, so that the configuration metadata shows them;
 * {@code SocketIoPropertiesTest} keeps them equal). Options that are code ({@code timers}, {@code
 * observer}, {@code adapter}) are set with a {@link SocketIoOptionsCustomizer} bean.
 */
@ConfigurationProperties("socketio")
public class SocketIoProperties {
  /**
   * Whether to attach a Socket.IO server to the Engine.IO server (needs socketio-core on the class
   * path). Off by default: turning it on also moves the engine to /socket.io unless engineio.path is set.
   */
  private boolean enabled = false;

  /** How long a connection may stay without joining any namespace before it is closed. */
  private Duration connectTimeout = Duration.ofSeconds(45);

  /** The most binary attachments one packet may have; more is a decode error. */
  private int maxAttachments = 10;

  /** How many namespaces one connection may be in, or joining, at once; more gets CONNECT_ERROR. */
  private int maxNamespacesPerConnection = 100;

  /** Connection state recovery ({@code socketio.connection-state-recovery.*}); off by default. */
  private final Recovery connectionStateRecovery = new Recovery();

  /** Sets the plain options on {@code builder}. */
  public SocketIoOptions.Builder applyTo(SocketIoOptions.Builder builder) {
    return builder
        .connectTimeout(connectTimeout)
        .maxAttachments(maxAttachments)
        .maxNamespacesPerConnection(maxNamespacesPerConnection)
        .connectionStateRecovery(connectionStateRecovery.toOptions());
  }

  public Recovery getConnectionStateRecovery() {
    return connectionStateRecovery;
  }

  /** The {@code socketio.connection-state-recovery.*} properties, with the defaults of {@link RecoveryOptions}. */
  public static class Recovery {
    /** Whether v5 sockets that drop may come back with their id, rooms, data and missed events. */
    private boolean enabled = false;

    /** How long a dropped socket's session and the events it may miss are kept. */
    private Duration maxDisconnectionDuration = Duration.ofMinutes(2);

    /** Whether the namespace's middlewares are skipped for a socket that recovers. */
    private boolean skipMiddlewares = true;

    /** The most events kept, all namespaces together. */
    private int maxPackets = 10_000;

    /** The most encoded bytes (text and attachments) of the events kept. */
    private long maxBytes = 16L << 20;

    /** The most dropped sockets' sessions kept. */
    private int maxSessions = 10_000;

    /** The options, or null when recovery is off. */
    RecoveryOptions toOptions() {
      if (!enabled) {
        return null;
      }
      return RecoveryOptions.of(maxDisconnectionDuration, skipMiddlewares)
          .withMaxPackets(maxPackets)
          .withMaxBytes(maxBytes)
          .withMaxSessions(maxSessions);
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getMaxDisconnectionDuration() {
      return maxDisconnectionDuration;
    }

    public void setMaxDisconnectionDuration(Duration maxDisconnectionDuration) {
      this.maxDisconnectionDuration = maxDisconnectionDuration;
    }

    public boolean isSkipMiddlewares() {
      return skipMiddlewares;
    }

    public void setSkipMiddlewares(boolean skipMiddlewares) {
      this.skipMiddlewares = skipMiddlewares;
    }

    public int getMaxPackets() {
      return maxPackets;
    }

    public void setMaxPackets(int maxPackets) {
      this.maxPackets = maxPackets;
    }

    public long getMaxBytes() {
      return maxBytes;
    }

    public void setMaxBytes(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    public int getMaxSessions() {
      return maxSessions;
    }

    public void setMaxSessions(int maxSessions) {
      this.maxSessions = maxSessions;
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public int getMaxAttachments() {
    return maxAttachments;
  }

  public void setMaxAttachments(int maxAttachments) {
    this.maxAttachments = maxAttachments;
  }

  public int getMaxNamespacesPerConnection() {
    return maxNamespacesPerConnection;
  }

  public void setMaxNamespacesPerConnection(int maxNamespacesPerConnection) {
    this.maxNamespacesPerConnection = maxNamespacesPerConnection;
  }
}
