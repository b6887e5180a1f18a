package dev.eio4j.examples;

import dev.eio4j.EngineIoServer;
import dev.eio4j.servlet.EngineIoServlets;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * Engine.IO inside embedded Tomcat 11, on Tomcat's own port: polling and WebSocket at {@code
 * /engine.io/}, next to whatever else the context serves. Echoes every message.
 * docs/embedding.md shows this code (EmbeddingDocTest keeps the two equal).
 */
public final class TomcatEchoServer {
  private TomcatEchoServer() {}

  /** Listens on port 3000 (or the first argument). */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    EngineIoServer engineIo = EngineIoServer.builder().build();
    engineIo.onConnection(socket -> socket.onMessage(socket::send));

    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
    tomcat.setPort(port);
    tomcat.getConnector(); // creates the HTTP connector
    Context context = tomcat.addContext("", null);
    context.setParentClassLoader(Tomcat.class.getClassLoader()); // sees Tomcat's WebSocket jar
    context.addServletContainerInitializer(new WsSci(), null); // Jakarta WebSocket support
    // /engine.io/*
    context.addServletContainerInitializer(EngineIoServlets.initializer(engineIo), null);
    tomcat.start();
    System.out.println("Engine.IO on Tomcat, port " + tomcat.getConnector().getLocalPort());

    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  engineIo.closeSessions(); // answer held polls and close WebSockets before Tomcat
                  // stops
                  try {
                    tomcat.stop();
                    tomcat.destroy();
                  } catch (LifecycleException e) {
                    e.printStackTrace();
                  }
                }));
    tomcat.getServer().await();
  }
}
