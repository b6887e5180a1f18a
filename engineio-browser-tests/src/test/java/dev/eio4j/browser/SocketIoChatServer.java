package dev.eio4j.browser;

import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoServer;
import dev.eio4j.netty.EngineIoNettyServer;
import dev.eio4j.server.DemoPage;
import dev.eio4j.server.SocketIoDemo;
import dev.eio4j.socketio.SocketIoServer;
import java.io.IOException;

/**
 * The runnable server's {@code --socketio} wiring: the Socket.IO demo app at {@code /socket.io/} and the
 * {@link DemoPage} (in Socket.IO mode) for everything else, on 127.0.0.1 and a free port.
 */
final class SocketIoChatServer implements AutoCloseable {
  private final EngineIoServer engine;
  private final SocketIoServer io;
  private final EngineIoNettyServer running;

  SocketIoChatServer() throws IOException {
    EngineIoOptions options = EngineIoOptions.builder().path("/socket.io/").allowEIO3(true).build();
    engine = EngineIoServer.create(options);
    io = SocketIoServer.attach(engine);
    SocketIoDemo.install(io);
    running =
        EngineIoNettyServer.builder(engine)
            .host("127.0.0.1")
            .port(0)
            .fallback(new DemoPage(options, true))
            .start();
  }

  /** {@code http://127.0.0.1:PORT}. */
  String origin() {
    return "http://127.0.0.1:" + running.port();
  }

  SocketIoServer io() {
    return io;
  }

  @Override
  public void close() {
    io.close();
    running.close();
  }
}
