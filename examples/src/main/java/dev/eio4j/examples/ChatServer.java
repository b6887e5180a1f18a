package dev.eio4j.examples;

import dev.eio4j.CorsOptions;
import dev.eio4j.EngineIoServer;
import dev.eio4j.SendResult;
import dev.eio4j.netty.EngineIoNettyServer;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A chat room: every text message is broadcast to every connected socket. Shows CORS for a page served
 * elsewhere, the Netty builder, a listener executor for callbacks that may block, and what to do with a
 * {@link SendResult}.
 */
public final class ChatServer {
  private ChatServer() {}

  /** Listens on 127.0.0.1:3000. */
  public static void main(String[] args) throws IOException, InterruptedException {
    ExecutorService callbacks = Executors.newFixedThreadPool(4);
    EngineIoServer server =
        EngineIoServer.builder()
            .cors(CorsOptions.allowOrigins("http://localhost:8080"))
            .listenerExecutor(callbacks) // callbacks may block; each socket's stay in order
            .build();
    server.onConnection(
        socket -> {
          server.broadcast(socket.id() + " joined");
          socket.onMessage(
              message -> {
                if (message.isBinary()) {
                  SendResult r = socket.send("binary messages are not relayed");
                  if (r == SendResult.BUFFER_FULL) {
                    socket.close(); // a client that does not read: let it go
                  }
                  return;
                }
                server.broadcast(socket.id() + ": " + message.text());
              });
          socket.onClose(
              reason -> server.broadcast(socket.id() + " left (" + reason.wireName() + ")"));
        });
    EngineIoNettyServer running =
        EngineIoNettyServer.builder(server).host("127.0.0.1").port(3000).start();
    System.out.println(
        "chat on " + running.address() + (running.nativeTransport() ? " (epoll)" : ""));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  callbacks.shutdown();
                }));
    Thread.currentThread().join();
  }
}
