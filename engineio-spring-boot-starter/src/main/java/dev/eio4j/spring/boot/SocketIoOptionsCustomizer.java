package dev.eio4j.spring.boot;

import dev.eio4j.socketio.SocketIoOptions;

/**
 * Adjusts the {@link SocketIoOptions} of the auto-configured {@code SocketIoServer} after the {@code
 * socketio.*} properties were applied, e.g. to set an observer. Beans of this type run in their {@code
 * @Order}.
 */
@FunctionalInterface
public interface SocketIoOptionsCustomizer {
  /** Changes {@code builder}. */
  void customize(SocketIoOptions.Builder builder);
}
