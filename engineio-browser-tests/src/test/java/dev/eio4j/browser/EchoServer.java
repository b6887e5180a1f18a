package dev.eio4j.browser;

import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.Message;
import dev.eio4j.netty.EngineIoNettyServer;
import dev.eio4j.server.DemoPage;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Our echo server as the runnable server wires it (every message back to its sender, the
 * {@link DemoPage} for everything outside the Engine.IO path), on 127.0.0.1. It can be stopped and
 * started again on the same port, as a restarted process would be.
 */
final class EchoServer implements AutoCloseable {
  private final EngineIoOptions options;
  private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
  private volatile EngineIoServer engine;
  private volatile EngineIoNettyServer running;
  private final int port;

  private EchoServer(EngineIoOptions options, int port) throws IOException {
    this.options = options;
    this.running = start(port);
    this.port = running.port();
  }

  /** A server with these options on a free port. */
  static EchoServer start(EngineIoOptions options) throws IOException {
    return new EchoServer(options, 0);
  }

  private EngineIoNettyServer start(int p) throws IOException {
    EngineIoServer e = EngineIoServer.create(options);
    e.onConnection(
        socket ->
            socket.onMessage(
                m -> {
                  received.add(m);
                  socket.send(m);
                }));
    engine = e;
    return EngineIoNettyServer.builder(e)
        .host("127.0.0.1")
        .port(p)
        .fallback(new DemoPage(options))
        .start();
  }

  /** {@code http://127.0.0.1:PORT}. */
  String origin() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  EngineIoServer engine() {
    return engine;
  }

  /** The next message a client sent, waiting up to 10 s. */
  Message nextReceived() throws InterruptedException {
    Message m = received.poll(10, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("the server received no message within 10 s");
    }
    return m;
  }

  /** Stops the server (every session closes) and starts a fresh one, with no sessions, on the same port. */
  void restart(Duration downtime) throws Exception {
    running.close();
    Thread.sleep(downtime.toMillis());
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        running = start(port);
        return;
      } catch (IOException e) { // the port not free yet
        last = e;
        Thread.sleep(100);
      }
    }
    throw last;
  }

  /** The single open socket's transport name, for a cross-check of what the page shows. */
  String onlySocketTransport() {
    var sockets = engine.sockets();
    if (sockets.size() != 1) {
      throw new AssertionError("expected one session, found " + sockets.size());
    }
    EngineIoSocket s = sockets.iterator().next();
    return s.transport().wireName();
  }

  @Override
  public void close() {
    running.close();
  }
}
