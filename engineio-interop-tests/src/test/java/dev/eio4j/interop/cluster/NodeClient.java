package dev.eio4j.interop.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code node/client.js} (the real engine.io-client 3.x or 6.x) and returns its verdict. */
final class NodeClient {
  static final Path NODE_DIR = Path.of("node").toAbsolutePath();

  private NodeClient() {}

  record Result(int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0 && stdout.contains("\"ok\":true");
    }
  }

  static Result run(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("node");
    cmd.add(NODE_DIR.resolve("client.js").toString());
    cmd.addAll(args);
    Path err = Files.createTempFile("eio4j-cluster-node", ".err");
    try {
      Process p =
          new ProcessBuilder(cmd).directory(NODE_DIR.toFile()).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes(); // client.js exits by its own --timeout-ms
      }
      if (!p.waitFor(45, TimeUnit.SECONDS)) {
        p.toHandle().destroyForcibly();
        throw new AssertionError("client.js did not exit: " + args);
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      return new Result(
          p.exitValue(),
          new String(out, StandardCharsets.UTF_8).strip(),
          stderr.length() > 4000 ? stderr.substring(0, 4000) + "..." : stderr);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
