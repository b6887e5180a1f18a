package dev.eio4j.netty;

import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
import dev.eio4j.ServerRuntime;
import java.io.IOException;

/** The {@link ServerRuntime} that {@link EngineIoServer#listen(int)} finds: Netty with defaults. */
public final class NettyRuntime implements ServerRuntime {
  /** For {@link java.util.ServiceLoader}. */
  public NettyRuntime() {}

  @Override
  public RunningServer start(EngineIoServer server, String host, int port) throws IOException {
    return EngineIoNettyServer.builder(server).host(host).port(port).start();
  }
}
