package dev.eio4j.examples;

import dev.eio4j.EngineIoServer;
import dev.eio4j.servlet.EngineIoServlets;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Engine.IO inside embedded Jetty 12.1 (ee11), on Jetty's own port: polling and WebSocket at {@code
 * /engine.io/}, next to whatever else the context serves. Echoes every message.
 * docs/embedding.md shows this code (EmbeddingDocTest keeps the two equal).
 */
public final class JettyEchoServer {
  private JettyEchoServer() {}

  /** Listens on port 3000 (or the first argument). */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    EngineIoServer engineIo = EngineIoServer.builder().build();
    engineIo.onConnection(socket -> socket.onMessage(socket::send));

    Server jetty = new Server();
    ServerConnector http = new ServerConnector(jetty);
    http.setPort(port);
    // above pingInterval (25 s): a held poll is idle until the next ping
    http.setIdleTimeout(60_000);
    jetty.addConnector(http);
    ServletContextHandler context = new ServletContextHandler("/");
    // Jakarta WebSocket support
    JakartaWebSocketServletContainerInitializer.configure(context, null);
    context.addServletContainerInitializer(EngineIoServlets.initializer(engineIo)); // /engine.io/*
    jetty.setHandler(context);
    jetty.setStopTimeout(2_000); // graceful stop: lets the answers to held polls go out
    jetty.start();
    System.out.println("Engine.IO on Jetty, port " + http.getLocalPort());

    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  engineIo
                      .closeSessions(); // answer held polls and close WebSockets before Jetty stops
                  try {
                    jetty.stop();
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                }));
    jetty.join();
  }
}
