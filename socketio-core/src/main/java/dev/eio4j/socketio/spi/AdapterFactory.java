package dev.eio4j.socketio.spi;

/**
 * Makes the adapter of one namespace; called once per namespace as it is created (a dynamic child
 * included), under the server's namespace lock, so it must not block. Set with {@code
 * SocketIoOptions.Builder.adapter}; the default is {@link AdapterContext#local()}.
 */
@FunctionalInterface
public interface AdapterFactory {
  /** The adapter for the namespace {@code context} describes. */
  Adapter create(AdapterContext context);
}
