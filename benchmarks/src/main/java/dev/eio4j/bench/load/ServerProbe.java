package dev.eio4j.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the server's memory: {@code VmRSS} from {@code /proc/PID/status}, and the benchmark servers' stats
 * endpoint ({@code GET /bench/stats?gc=1}: a JSON object with {@code pid}, {@code sessions},
 * {@code heap_used} after a full GC, {@code rss}).
 */
public final class ServerProbe {
  private ServerProbe() {}

  /** The server's stats, or null when the endpoint is missing or broken. */
  public static Map<String, Object> stats(String host, int port, String path, boolean gc) {
    try {
      URL url = new URL("http", host, port, path + (gc ? "?gc=1" : ""));
      HttpURLConnection c = (HttpURLConnection) url.openConnection();
      c.setConnectTimeout(5000);
      c.setReadTimeout(30_000);
      c.setRequestProperty("Connection", "close");
      try {
        if (c.getResponseCode() != 200) {
          return null;
        }
        try (InputStream in = c.getInputStream()) {
          return Json.parseObject(new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8));
        }
      } finally {
        c.disconnect();
      }
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  /** VmRSS of a process in KiB, or -1 when unreadable. */
  public static long rssKb(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** This process's open-file limit, or -1 when unknown. */
  public static long maxOpenFiles() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String[] f = line.substring("Max open files".length()).trim().split("\\s+");
          return f[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
