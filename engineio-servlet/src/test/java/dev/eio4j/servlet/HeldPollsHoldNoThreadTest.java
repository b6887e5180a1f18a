package dev.eio4j.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Held polls are parked in {@code AsyncContext}s, not on threads: with far more polls held than the
 * container has worker threads, new requests are still served at once, and each held poll is answered
 * when its message comes. Runs on embedded Tomcat (4 worker threads) and Jetty (a 10-thread pool).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HeldPollsHoldNoThreadTest {
  private static final int HELD = 40;
  private static final Pattern SID = Pattern.compile("\"sid\":\"([A-Za-z0-9_-]+)\"");

  @Test
  void tomcatWithFourWorkerThreads() throws Exception {
    Logger.getLogger("org.apache").setLevel(Level.WARNING);
    EngineIoServer server = echo();
    Path base = Files.createTempDirectory("eio4j-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector();
    connector.setProperty("address", "127.0.0.1");
    connector.setProperty("maxThreads", "4");
    connector.setProperty("minSpareThreads", "1");
    connector.setPort(0);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    context.addServletContainerInitializer(EngineIoServlets.initializer(server), null);
    tomcat.start();
    try {
      holdManyPollsThenServeMore(connector.getLocalPort());
    } finally {
      server.closeSessions();
      tomcat.stop();
      tomcat.destroy();
    }
  }

  @Test
  void jettyWithATenThreadPool() throws Exception {
    EngineIoServer server = echo();
    Server jetty = new Server(new QueuedThreadPool(10, 2));
    ServerConnector connector = new ServerConnector(jetty, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServletContainerInitializer(EngineIoServlets.initializer(server));
    jetty.setHandler(context);
    jetty.start();
    try {
      holdManyPollsThenServeMore(connector.getLocalPort());
    } finally {
      server.closeSessions();
      jetty.stop();
    }
  }

  private static EngineIoServer echo() {
    EngineIoServer server =
        EngineIoServer.builder()
            .transports(dev.eio4j.protocol.TransportType.POLLING)
            // held polls end only at the first ping (60 s): a container that held a thread per poll
            // could serve nothing below within the bounds (30 s) used here, however busy the
            // machine
            .pingInterval(Duration.ofSeconds(60))
            .build();
    server.onConnection(socket -> socket.onMessage(socket::send));
    return server;
  }

  private static void holdManyPollsThenServeMore(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=polling";
    List<String> sids = new ArrayList<>();
    for (int i = 0; i < HELD; i++) {
      sids.add(sidOf(send(http, get(base)).body()));
    }
    List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    for (String sid : sids) {
      held.add(http.sendAsync(get(base + "&sid=" + sid), HttpResponse.BodyHandlers.ofString()));
    }
    Thread.sleep(300); // every poll has reached the server and is held (nothing to send for 25 s)
    assertThat(held).noneMatch(CompletableFuture::isDone);

    // the container still serves: a new session, and a message to each held poll's session
    long start = System.nanoTime();
    assertThat(send(http, get(base)).statusCode()).isEqualTo(200);
    for (int i = 0; i < HELD; i++) {
      HttpResponse<String> ok =
          send(
              http,
              HttpRequest.newBuilder(URI.create(base + "&sid=" + sids.get(i)))
                  .timeout(Duration.ofSeconds(30))
                  .POST(HttpRequest.BodyPublishers.ofString("4msg" + i))
                  .build());
      assertThat(ok.body()).isEqualTo("ok");
    }
    for (int i = 0; i < HELD; i++) {
      assertThat(held.get(i).get(30, TimeUnit.SECONDS).body()).isEqualTo("4msg" + i);
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(40_000);
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest r) throws Exception {
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  private static String sidOf(String open) {
    Matcher m = SID.matcher(open);
    assertThat(m.find()).as(open).isTrue();
    return m.group(1);
  }
}
