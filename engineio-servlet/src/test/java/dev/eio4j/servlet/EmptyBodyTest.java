package dev.eio4j.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A POST with no body is answered at once, whichever thread asks for the body and when. Regression: on
 * Tomcat a ReadListener set (from the session's lane) after {@code service()} returned, for a body
 * already finished, never got a callback, and the POST hung. Many tries, with {@code Content-Length: 0}
 * and with no length at all, make the old race show.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmptyBodyTest {
  private static final int TRIES = 40;
  private static final Pattern SID = Pattern.compile("\"sid\":\"([A-Za-z0-9_-]+)\"");

  @Test
  void onTomcat() throws Exception {
    Logger.getLogger("org.apache").setLevel(Level.WARNING);
    EngineIoServer server = EngineIoServer.builder().build();
    Path base = Files.createTempDirectory("eio4j-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector();
    connector.setProperty("address", "127.0.0.1");
    connector.setPort(0);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    context.addServletContainerInitializer(EngineIoServlets.initializer(server), null);
    tomcat.start();
    try {
      emptyPostsAreAnswered(connector.getLocalPort());
    } finally {
      server.closeSessions();
      tomcat.stop();
      tomcat.destroy();
    }
  }

  @Test
  void onJetty() throws Exception {
    EngineIoServer server = EngineIoServer.builder().build();
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServletContainerInitializer(EngineIoServlets.initializer(server));
    jetty.setHandler(context);
    jetty.start();
    try {
      emptyPostsAreAnswered(connector.getLocalPort());
    } finally {
      server.closeSessions();
      jetty.stop();
    }
  }

  private static void emptyPostsAreAnswered(int port) throws Exception {
    for (int i = 0; i < TRIES; i++) {
      String sid = sidOf(exchange(port, "GET", "", null));
      // an empty payload is malformed: 200 "ok", and the session closes (docs/protocol.md §6.1)
      String lengthHeader = i % 2 == 0 ? "Content-Length: 0\r\n" : "";
      String response = exchange(port, "POST", "&sid=" + sid, lengthHeader);
      assertThat(response)
          .as("try %d (%s)", i, lengthHeader.isEmpty() ? "no length" : "Content-Length: 0")
          .startsWith("HTTP/1.1 200")
          .endsWith("\r\n\r\nok");
    }
  }

  /** One request on its own connection; the whole response (read until the server closes, 5 s at most). */
  private static String exchange(int port, String method, String sidParam, String extraHeaders)
      throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      String request =
          method
              + " /engine.io/?EIO=4&transport=polling"
              + sidParam
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
              + (extraHeaders == null ? "" : extraHeaders)
              + "\r\n";
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String sidOf(String response) {
    Matcher m = SID.matcher(response);
    assertThat(m.find()).as(response).isTrue();
    return m.group(1);
  }
}
