package dev.eio4j.interop.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real nginx or HAProxy on 127.0.0.1 and a free port, started from the recipe files users copy
 * (docs/cluster/), changed only in their addresses and file paths, and stopped by its process id.
 */
final class Balancer implements AutoCloseable {
  static final Path RECIPES = Path.of("../docs/cluster").toAbsolutePath().normalize();

  /** The recipes under test. */
  enum Recipe {
    /** docs/cluster/nginx.conf: {@code map $arg_sid} on the tag. */
    NGINX("nginx"),
    /** docs/cluster/haproxy.cfg with eio-nodes.map: {@code map_beg} on {@code urlp(sid)}. */
    HAPROXY_MAP("haproxy"),
    /** docs/cluster/haproxy-use-server.cfg: one {@code use-server} rule per node. */
    HAPROXY_USE_SERVER("haproxy"),
    /**
     * The negative control: docs/cluster/nginx.conf with the map's tag lines deleted, so every request
     * goes round robin, as behind a balancer that knows nothing about sids.
     */
    NGINX_ROUND_ROBIN("nginx"),
    /**
     * The recipe docs/cluster.md warns against: docs/cluster/nginx.conf with every request sent to the
     * {@code eio_any} upstream, balanced by {@code hash $arg_sid consistent}.
     */
    NGINX_HASH_SID("nginx");

    final String binary;

    Recipe(String binary) {
      this.binary = binary;
    }
  }

  private final Process process;
  private final Path dir;
  final int port;

  private Balancer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /**
   * Starts {@code recipe} in front of the nodes listening on {@code nodePorts} (n01, n02, n03 in this
   * order); skips the test when the balancer's binary is not installed.
   */
  static Balancer start(Recipe recipe, List<Integer> nodePorts) throws Exception {
    Path binary = find(recipe.binary);
    Assumptions.assumeTrue(
        binary != null,
        recipe.binary
            + " is not installed (apt-get install "
            + recipe.binary
            + "; .ci/run installs it): the cluster recipe tests need it");
    // the free port is found by binding and releasing it: another process may take it in between,
    // so a start that fails on an address in use is tried again on another port
    for (int attempt = 1; ; attempt++) {
      try {
        return start(recipe, nodePorts, binary, freePort());
      } catch (PortTaken e) {
        if (attempt == 3) {
          throw new AssertionError(e.getMessage());
        }
      }
    }
  }

  /** The balancer could not bind its port. */
  private static final class PortTaken extends Exception {
    private static final long serialVersionUID = 1L;

    PortTaken(String message) {
      super(message);
    }
  }

  private static Balancer start(Recipe recipe, List<Integer> nodePorts, Path binary, int port)
      throws Exception {
    Path dir = Files.createTempDirectory("eio4j-" + recipe.name().toLowerCase() + "-");
    List<String> cmd = new ArrayList<>();
    switch (recipe) {
      case NGINX, NGINX_ROUND_ROBIN, NGINX_HASH_SID -> {
        String site = read("nginx.conf");
        site = replace(site, "listen 8080;", "listen 127.0.0.1:" + port + ";");
        site = nodes(site, nodePorts);
        if (recipe == Recipe.NGINX_ROUND_ROBIN) {
          String without = site.replaceAll("(?m)^\\s*~\\^n0\\d\\s+eio_n0\\d;\\n", "");
          assertThat(without).isNotEqualTo(site);
          site = without;
        }
        if (recipe == Recipe.NGINX_HASH_SID) {
          site = replace(site, "proxy_pass http://$eio_upstream;", "proxy_pass http://eio_any;");
          site =
              replace(
                  site, "upstream eio_any {", "upstream eio_any {\n    hash $arg_sid consistent;");
        }
        Files.writeString(dir.resolve("eio4j.conf"), site);
        // the main file of a Debian install, reduced to what a test needs (paths in a temp dir)
        Files.writeString(
            dir.resolve("nginx.conf"),
            String.join(
                "\n",
                "worker_processes 1;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("error.log") + " warn;",
                "events { worker_connections 1024; }",
                "http {",
                "  access_log off;",
                "  client_body_temp_path " + dir.resolve("body") + ";",
                "  proxy_temp_path " + dir.resolve("proxy") + ";",
                "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
                "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                "  scgi_temp_path " + dir.resolve("scgi") + ";",
                "  include " + dir.resolve("eio4j.conf") + ";",
                "}",
                ""));
        cmd.addAll(
            List.of(
                binary.toString(),
                "-e",
                dir.resolve("error.log").toString(),
                "-p",
                dir + "/",
                "-c",
                dir.resolve("nginx.conf").toString(),
                "-g",
                "daemon off;"));
      }
      case HAPROXY_MAP, HAPROXY_USE_SERVER -> {
        String file = recipe == Recipe.HAPROXY_MAP ? "haproxy.cfg" : "haproxy-use-server.cfg";
        String cfg = read(file);
        cfg = replace(cfg, "bind 127.0.0.1:8080", "bind 127.0.0.1:" + port);
        cfg = nodes(cfg, nodePorts);
        if (recipe == Recipe.HAPROXY_MAP) {
          cfg = replace(cfg, "/etc/haproxy/eio-nodes.map", dir.resolve("eio-nodes.map").toString());
          Files.writeString(dir.resolve("eio-nodes.map"), read("eio-nodes.map"));
        }
        Files.writeString(dir.resolve("haproxy.cfg"), cfg);
        cmd.addAll(List.of(binary.toString(), "-db", "-f", dir.resolve("haproxy.cfg").toString()));
      }
      default -> throw new IllegalArgumentException(recipe.name());
    }
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("output.log").toFile())
            .start();
    p.getOutputStream().close();
    Balancer b = new Balancer(p, dir, port);
    try {
      b.awaitListening();
    } catch (Throwable t) {
      b.close();
      String logs = b.logs();
      if (logs.contains("in use")) {
        throw new PortTaken("port " + port + " was taken:\n" + logs);
      }
      throw t;
    }
    return b;
  }

  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "the balancer exited with " + process.exitValue() + ":\n" + logs());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the balancer does not listen on " + port + ":\n" + logs());
        }
        // a process that has not bound its port yet tells nobody: ask again shortly
        process.waitFor(50, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** What the balancer wrote (stdout, stderr and nginx's error log). */
  String logs() {
    StringBuilder sb = new StringBuilder();
    for (String f : List.of("output.log", "error.log")) {
      Path path = dir.resolve(f);
      try {
        if (Files.exists(path)) {
          sb.append(f).append(":\n").append(Files.readString(path, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        sb.append(f).append(": ").append(e);
      }
    }
    return sb.toString();
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Stops the balancer by its process id (SIGTERM, then SIGKILL after 10 s). */
  @Override
  public void close() {
    ProcessHandle h = process.toHandle();
    List<ProcessHandle> children = h.descendants().toList();
    h.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        h.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      h.destroyForcibly();
    }
    for (ProcessHandle c : children) {
      if (c.isAlive()) {
        c.destroyForcibly();
      }
    }
  }

  private static String read(String recipeFile) throws IOException {
    return Files.readString(RECIPES.resolve(recipeFile), StandardCharsets.UTF_8);
  }

  /** Points the recipe's nodes (127.0.0.1:3001..3003 in the file) at the test's node ports. */
  private static String nodes(String text, List<Integer> ports) {
    for (int i = 0; i < ports.size(); i++) {
      text = replace(text, "127.0.0.1:300" + (i + 1), "127.0.0.1:" + ports.get(i));
    }
    return text;
  }

  private static String replace(String text, String what, String with) {
    assertThat(text).as("the recipe holds %s", what).contains(what);
    return text.replace(what, with);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Path find(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
    }
    dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
    for (String d : dirs) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
