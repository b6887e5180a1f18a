package dev.eio4j.examples;

import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
import java.time.Duration;

/** The smallest server: echoes every message. Run {@code main} from your IDE. */
public final class EchoServer {
  private EchoServer() {}

  /** Listens on port 3000. */
  public static void main(String[] args) throws InterruptedException {
    EngineIoServer server = EngineIoServer.builder().pingInterval(Duration.ofSeconds(25)).build();
    server.onConnection(
        socket -> {
          socket.onMessage(socket::send); // text stays text, binary stays binary
          socket.onClose(
              (reason, description) ->
                  System.out.println(socket.id() + " closed: " + reason.wireName()));
          socket.send("你好,世界!");
        });
    RunningServer running = server.listen(3000);
    System.out.println("listening on port " + running.port());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    Thread.currentThread().join();
  }
}
