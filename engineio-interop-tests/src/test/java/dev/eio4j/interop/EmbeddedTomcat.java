package dev.eio4j.interop;

import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
import dev.eio4j.servlet.EngineIoServlets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/** {@code engineio-servlet} in embedded Tomcat 11, set up as docs/embedding.md shows. */
final class EmbeddedTomcat implements RunningServer {
  static {
    // Tomcat logs its start and stop at INFO through java.util.logging: keep the test output
    // readable
    Logger.getLogger("org.apache").setLevel(Level.WARNING);
  }

  private final EngineIoServer server;
  private final Tomcat tomcat;
  private final Connector connector;
  private final Path baseDir;

  private EmbeddedTomcat(EngineIoServer server, Tomcat tomcat, Connector connector, Path baseDir) {
    this.server = server;
    this.tomcat = tomcat;
    this.connector = connector;
    this.baseDir = baseDir;
  }

  static EmbeddedTomcat start(EngineIoServer server) throws Exception {
    Path baseDir = Files.createTempDirectory("eio4j-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setProperty("address", "127.0.0.1");
    connector.setPort(0);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    if (context instanceof StandardContext standard) {
      // the class-loader leak checks need --add-opens and only matter for redeployed webapps
      standard.setClearReferencesRmiTargets(false);
      standard.setClearReferencesThreadLocals(false);
    }
    context.addServletContainerInitializer(new WsSci(), null);
    context.addServletContainerInitializer(EngineIoServlets.initializer(server), null);
    tomcat.start();
    return new EmbeddedTomcat(server, tomcat, connector, baseDir);
  }

  @Override
  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", connector.getLocalPort());
  }

  @Override
  public void close() {
    try {
      server.closeSessions(); // "forced close" first: held polls are answered, WebSockets closed
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      throw new IllegalStateException("Tomcat did not stop", e);
    } finally {
      deleteQuietly(baseDir);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind
    }
  }
}
