package dev.eio4j.bench.nsio;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import java.util.Map;

/**
 * The netty-socketio 2.0 reference for the Socket.IO benchmarks (see benchmarks/README.md): the events of
 * our runnable demo that the benchmarks use, on {@code com.corundumstudio.socketio.SocketIOServer}.
 *
 * <ul>
 *   <li>{@code message(text)} emits {@code message-back(text)} to the sender;
 *   <li>{@code message-with-ack(text)} acks with {@code text};
 *   <li>{@code broadcast(target, event, text)} emits {@code event(text)} to every client (the sender
 *       only when {@code target.self} is true), then acks.
 * </ul>
 *
 * <p>netty-socketio 2.0 is built on Netty 4.1, which cannot share a class path with our Netty 4.2: this
 * class is compiled against it ({@code provided}) and run from its own class path, made by {@code
 * benchmarks/netty-socketio/pom.xml} (see benchmarks/sio-run.sh). Flags: {@code --host H --port P
 * --ping-interval MS --ping-timeout MS --max-lifetime S}; the port must be given (no 0). Prints {@code
 * LISTENING <port>} once started and exits after {@code --max-lifetime} seconds (default 3,600).
 */
public final class NettySocketIoBenchServer {
  private NettySocketIoBenchServer() {}

  /**
   * Starts the server.
   *
   * @param args the flags
   * @throws InterruptedException when interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    Configuration config = new Configuration();
    config.setHostname("127.0.0.1");
    config.setPort(3000);
    long lifetimeS = 3600;
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--host" -> config.setHostname(v);
        case "--port" -> config.setPort(Integer.parseInt(v));
        case "--ping-interval" -> config.setPingInterval(Integer.parseInt(v));
        case "--ping-timeout" -> config.setPingTimeout(Integer.parseInt(v));
        case "--max-lifetime" -> lifetimeS = Long.parseLong(v);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    config.setUseLinuxNativeEpoll(true);
    SocketConfig socket = new SocketConfig();
    socket.setReuseAddress(true);
    socket.setTcpNoDelay(true);
    config.setSocketConfig(socket);

    SocketIOServer server = new SocketIOServer(config);
    server.addEventListener(
        "message",
        String.class,
        (SocketIOClient client, String text, AckRequest ack) ->
            client.sendEvent("message-back", text));
    server.addEventListener(
        "message-with-ack",
        String.class,
        (SocketIOClient client, String text, AckRequest ack) -> ack.sendAckData(text));
    server.addMultiTypeEventListener(
        "broadcast",
        (client, data, ack) -> {
          Object target = data.get(0);
          String event = data.get(1);
          String text = data.get(2);
          boolean self = target instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("self"));
          if (self) {
            server.getBroadcastOperations().sendEvent(event, text);
          } else {
            server.getBroadcastOperations().sendEvent(event, client, text);
          }
          if (ack.isAckRequested()) {
            ack.sendAckData();
          }
        },
        Map.class,
        String.class,
        String.class);
    server.start();
    System.out.println("LISTENING " + config.getPort());
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    Thread.sleep(lifetimeS * 1000);
    System.exit(0);
  }
}
