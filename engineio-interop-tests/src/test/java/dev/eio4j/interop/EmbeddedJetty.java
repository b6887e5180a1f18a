package dev.eio4j.interop;

import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
import dev.eio4j.servlet.EngineIoServlets;
import java.net.InetSocketAddress;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** {@code engineio-servlet} in embedded Jetty 12.1 (ee11), set up as docs/embedding.md shows. */
final class EmbeddedJetty implements RunningServer {
  private final EngineIoServer server;
  private final Server jetty;
  private final ServerConnector connector;

  private EmbeddedJetty(EngineIoServer server, Server jetty, ServerConnector connector) {
    this.server = server;
    this.jetty = jetty;
    this.connector = connector;
  }

  static EmbeddedJetty start(EngineIoServer server) throws Exception {
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    // longer than any held poll (pingInterval + pingTimeout), or Jetty would end held polls itself
    connector.setIdleTimeout(120_000);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    JakartaWebSocketServletContainerInitializer.configure(context, null);
    context.addServletContainerInitializer(EngineIoServlets.initializer(server));
    jetty.setHandler(context);
    jetty.start();
    return new EmbeddedJetty(server, jetty, connector);
  }

  @Override
  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", connector.getLocalPort());
  }

  @Override
  public void close() {
    try {
      // sessions first ("forced close": held polls are answered, WebSockets closed), then the
      // container;
      // with no stop timeout Jetty does not wait for the remaining connections
      server.closeSessions();
      jetty.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    }
  }
}
