package dev.eio4j;

/**
 * A standalone runtime that {@link EngineIoServer#listen(int)} finds through {@link
 * java.util.ServiceLoader}. {@code engineio-netty} provides one.
 */
public interface ServerRuntime {
  /** Binds {@code host:port} (port 0 picks a free one) and serves {@code server} on it. */
  RunningServer start(EngineIoServer server, String host, int port) throws java.io.IOException;
}
