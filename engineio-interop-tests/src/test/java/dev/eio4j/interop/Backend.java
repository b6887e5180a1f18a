package dev.eio4j.interop;

import dev.eio4j.EngineIoServer;
import dev.eio4j.RunningServer;
import dev.eio4j.netty.EngineIoNettyServer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The runtimes the shared end-to-end suite runs against, each serving an {@link EngineIoServer} on
 * 127.0.0.1 with a free port: the Netty runtime, and {@code engineio-servlet} in embedded Jetty 12.1
 * (ee11) and embedded Tomcat 11. Every suite class is a {@code @ParameterizedClass} over {@link
 * #selected()}: all three by default; {@code -Deio4j.runtimes=jetty,tomcat} runs only those.
 */
public enum Backend {
  NETTY {
    @Override
    public RunningServer start(EngineIoServer server) throws IOException {
      return EngineIoNettyServer.builder(server).host("127.0.0.1").port(0).start();
    }
  },
  JETTY {
    @Override
    public RunningServer start(EngineIoServer server) throws Exception {
      return EmbeddedJetty.start(server);
    }
  },
  TOMCAT {
    @Override
    public RunningServer start(EngineIoServer server) throws Exception {
      return EmbeddedTomcat.start(server);
    }
  };

  /** Serves {@code server} on 127.0.0.1 and a free port. */
  public abstract RunningServer start(EngineIoServer server) throws Exception;

  /** True for the servlet containers (as opposed to the Netty runtime). */
  public boolean isServlet() {
    return this != NETTY;
  }

  /** The runtimes to test: {@code eio4j.runtimes} (comma-separated names), or all of them. */
  public static Stream<Backend> selected() {
    String wanted = System.getProperty("eio4j.runtimes", "").trim();
    if (wanted.isEmpty()) {
      return Arrays.stream(values());
    }
    List<String> names =
        Arrays.stream(wanted.split(",")).map(s -> s.trim().toUpperCase(Locale.ROOT)).toList();
    return Arrays.stream(values()).filter(b -> names.contains(b.name()));
  }
}
