package dev.eio4j.spring.boot;

import dev.eio4j.socketio.SocketIoOptions;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code socketio.*} properties: {@code enabled} and every Socket.IO option that is a plain value,
 * with the defaults of {@link SocketIoOptions} (literals, so that the configuration metadata shows them;
 * {@code SocketIoPropertiesTest} keeps them equal). Options that are code ({@code timers}, {@code
 * observer}) are set with a {@link SocketIoOptionsCustomizer} bean.
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

  /** Sets the plain options on {@code builder}. */
  public SocketIoOptions.Builder applyTo(SocketIoOptions.Builder builder) {
    return builder
        .connectTimeout(connectTimeout)
        .maxAttachments(maxAttachments)
        .maxNamespacesPerConnection(maxNamespacesPerConnection);
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
