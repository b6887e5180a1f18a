package dev.eio4j.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The child processes of a {@code --procs P} run: shard k (1..P-1) is {@code java <this JVM's flags> -cp
 * <this class path> LoadGen <the same flags> --shard k}. A child prints {@code CONNECTED <opened>
 * <failed>} once its connections are up, waits for {@code GO} on its stdin, and prints {@code RESULT
 * <json>} at the end; it exits when its stdin closes, so it never outlives its parent.
 */
final class Shards implements AutoCloseable {
  private final List<Child> children = new ArrayList<>();

  private static final class Child {
    final int shard;
    final Process process;
    final CountDownLatch connected = new CountDownLatch(1);
    final CountDownLatch done = new CountDownLatch(1);
    volatile String connectedLine;
    volatile String resultJson;

    Child(int shard, Process process) {
      this.shard = shard;
      this.process = process;
    }
  }

  static Shards spawn(Config cfg) throws IOException {
    Shards s = new Shards();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> jvm = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-X") || a.startsWith("-D")) { // -Xmx…, -XX:…, -D…
        jvm.add(a);
      }
    }
    for (int k = 1; k < cfg.procs; k++) {
      List<String> cmd = new ArrayList<>();
      cmd.add(java);
      cmd.addAll(jvm);
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(LoadGen.class.getName());
      cmd.addAll(cfg.originalArgs);
      cmd.add("--shard");
      cmd.add(Integer.toString(k));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
      Child c = new Child(k, pb.start());
      s.children.add(c);
      Thread reader = new Thread(() -> read(c), "shard-" + k + "-reader");
      reader.setDaemon(true);
      reader.start();
    }
    Runtime.getRuntime().addShutdownHook(new Thread(s::close, "shards-cleanup"));
    return s;
  }

  private static void read(Child c) {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(c.process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("CONNECTED ")) {
          c.connectedLine = line;
          c.connected.countDown();
        } else if (line.startsWith("RESULT ")) {
          c.resultJson = line.substring(7);
        } else {
          System.err.println("[shard " + c.shard + "] " + line);
        }
      }
    } catch (IOException e) {
      // the child went away; its latches are released below
    } finally {
      c.connected.countDown();
      c.done.countDown();
    }
  }

  /** Waits until every child has its connections up; returns how many each opened (sum) or -1 on failure. */
  long awaitConnected(long deadlineNanos, Errors errors) throws InterruptedException {
    long opened = 0;
    for (Child c : children) {
      long left = deadlineNanos - System.nanoTime();
      if (!c.connected.await(Math.max(0, left), TimeUnit.NANOSECONDS) || c.connectedLine == null) {
        errors.add("shard " + c.shard + " did not report its connections");
        return -1;
      }
      opened += Long.parseLong(c.connectedLine.split(" ")[1]);
    }
    return opened;
  }

  /** Starts every child's main phase. */
  void go() {
    for (Child c : children) {
      try {
        OutputStream out = c.process.getOutputStream();
        out.write("GO\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // reported when its result is missing
      }
    }
  }

  /** The children's result objects (a child without one is reported in {@code errors}). */
  List<Map<String, Object>> results(long deadlineNanos, Errors errors) throws InterruptedException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Child c : children) {
      long left = deadlineNanos - System.nanoTime();
      c.done.await(Math.max(0, left), TimeUnit.NANOSECONDS);
      String json = c.resultJson;
      if (json == null) {
        errors.add(
            "shard "
                + c.shard
                + " gave no result (exit "
                + (c.process.isAlive() ? "still running" : c.process.exitValue())
                + ")");
        continue;
      }
      try {
        out.add(Json.parseObject(json));
      } catch (IllegalArgumentException e) {
        errors.add("shard " + c.shard + " result unreadable: " + e.getMessage());
      }
    }
    return out;
  }

  @Override
  public void close() {
    for (Child c : children) {
      try {
        c.process.getOutputStream().close();
      } catch (IOException e) {
        // gone already
      }
    }
    for (Child c : children) {
      try {
        if (!c.process.waitFor(3, TimeUnit.SECONDS)) {
          c.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        c.process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
