package dev.eio4j.browser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Headless Chromium (Debian's {@code /usr/bin/chromium}) driven by {@code node/driver.js} with
 * playwright-core. One JSON command a line on the driver's stdin, one answer a line on its stdout; the
 * driver's diagnostics go to {@code target/browser-driver.log}. Every call is bounded in time.
 */
final class Chromium implements AutoCloseable {
  static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
  static final String SKIP_VARIABLE = "EIO4J_SKIP_BROWSER";
  private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(45);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Writer stdin;
  private final Path logFile;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<Object>> calls = new ConcurrentHashMap<>();
  private final CompletableFuture<Map<String, Object>> ready = new CompletableFuture<>();
  private final String version;

  private Chromium(Process process, Path logFile) throws Exception {
    this.process = process;
    this.logFile = logFile;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readAnswers, "browser-driver-reader");
    reader.setDaemon(true);
    reader.start();
    Map<String, Object> hello;
    try {
      hello = ready.get(LAUNCH_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new AssertionError(
          "Chromium did not start within " + LAUNCH_TIMEOUT.toSeconds() + " s; see " + logFile);
    } catch (ExecutionException e) {
      process.destroyForcibly();
      throw new AssertionError(
          "the browser driver failed to start: " + e.getCause().getMessage() + "; see " + logFile,
          e.getCause());
    }
    if (!Boolean.TRUE.equals(hello.get("ready"))) {
      process.destroyForcibly();
      throw new AssertionError(
          "Chromium did not start: " + hello.get("error") + "; see " + logFile);
    }
    this.version = String.valueOf(hello.get("version"));
  }

  /**
   * Starts the driver and Chromium. Fails (never skips) when Chromium, node or playwright-core is
   * missing, with what to install.
   */
  static Chromium launch(Path nodeDir, Path outputDir) throws Exception {
    if (!Files.isExecutable(EXECUTABLE)) {
      throw new AssertionError(
          EXECUTABLE
              + " is missing: the browser tests need Debian's chromium package"
              + " (apt-get install -y --no-install-recommends chromium; .ci/run does this)."
              + " Set "
              + SKIP_VARIABLE
              + "=1 to skip them.");
    }
    if (!Files.isDirectory(nodeDir.resolve("node_modules/playwright-core"))) {
      throw new AssertionError(
          "playwright-core is not installed in "
              + nodeDir
              + ": run `npm ci` there (the Maven build does it)");
    }
    Files.createDirectories(outputDir);
    Path log = outputDir.resolve("browser-driver.log");
    Process p;
    try {
      p =
          new ProcessBuilder("node", "driver.js")
              .directory(nodeDir.toFile())
              .redirectError(log.toFile())
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run node (Node.js 20 with npm must be on the PATH): " + e.getMessage(), e);
    }
    return new Chromium(p, log);
  }

  /** The browser's version, e.g. {@code 156.0.8078.79}. */
  String version() {
    return version;
  }

  /** A new page in a fresh browser context (its own cookies and cache). */
  Page newPage() {
    return new Page(((Number) call("newPage", Map.of(), CALL_TIMEOUT)).longValue());
  }

  private void readAnswers() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        Object parsed;
        try {
          parsed = Json.parse(line);
        } catch (IllegalArgumentException e) {
          continue; // not ours
        }
        if (!(parsed instanceof Map<?, ?> raw)) {
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) raw;
        if (m.containsKey("ready")) {
          ready.complete(m);
          continue;
        }
        CompletableFuture<Object> f = calls.remove(((Number) m.get("id")).longValue());
        if (f == null) {
          continue;
        }
        if (Boolean.TRUE.equals(m.get("ok"))) {
          f.complete(m.get("value"));
        } else {
          f.completeExceptionally(new BrowserError(String.valueOf(m.get("error"))));
        }
      }
    } catch (IOException e) {
      // the driver is gone; fail what waits
    }
    IllegalStateException gone =
        new IllegalStateException("the browser driver exited; see " + logFile);
    ready.completeExceptionally(gone);
    calls.values().forEach(f -> f.completeExceptionally(gone));
  }

  Object call(String op, Map<String, Object> args, Duration timeout) {
    long id = ids.incrementAndGet();
    Map<String, Object> cmd = new LinkedHashMap<>();
    cmd.put("id", id);
    cmd.put("op", op);
    cmd.putAll(args);
    CompletableFuture<Object> f = new CompletableFuture<>();
    calls.put(id, f);
    try {
      synchronized (stdin) {
        stdin.write(Json.write(cmd));
        stdin.write('\n');
        stdin.flush();
      }
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("cannot talk to the browser driver; see " + logFile, e);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "browser call " + op + " got no answer within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      calls.remove(id);
    }
  }

  @Override
  public void close() {
    try {
      stdin.close(); // the driver closes Chromium and deletes its profile, then exits
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** A failure reported by the driver (a playwright error, a timeout in the page, a script error). */
  static final class BrowserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BrowserError(String message) {
      super(message);
    }
  }

  /** One page (tab) in its own browser context. */
  final class Page implements AutoCloseable {
    private final long id;

    private Page(long id) {
      this.id = id;
    }

    private Object call(String op, Map<String, Object> args, Duration timeout) {
      Map<String, Object> a = new LinkedHashMap<>(args);
      a.put("page", id);
      return Chromium.this.call(op, a, timeout);
    }

    /** Loads {@code url} and waits for its load event; returns the HTTP status. */
    int open(String url) {
      return ((Number) call("goto", Map.of("url", url), CALL_TIMEOUT)).intValue();
    }

    /** Runs {@code function} (JavaScript source of a possibly async function of one argument) in the page. */
    Object eval(String function, Object arg) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("fn", function);
      a.put("arg", arg);
      return call("eval", a, CALL_TIMEOUT);
    }

    Object eval(String function) {
      return eval(function, null);
    }

    /** Waits until {@code function} returns a truthy value in the page; returns that value. */
    Object waitFor(String function, Object arg, Duration timeout) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("fn", function);
      a.put("arg", arg);
      a.put("timeout", timeout.toMillis());
      return call("waitFor", a, timeout.plusSeconds(5));
    }

    Object waitFor(String function, Duration timeout) {
      return waitFor(function, null, timeout);
    }

    void click(String selector) {
      call("click", Map.of("selector", selector), CALL_TIMEOUT);
    }

    void select(String selector, String value) {
      call("select", Map.of("selector", selector, "value", value), CALL_TIMEOUT);
    }

    void check(String selector, boolean checked) {
      call("check", Map.of("selector", selector, "checked", checked), CALL_TIMEOUT);
    }

    void fill(String selector, String value) {
      call("fill", Map.of("selector", selector, "value", value), CALL_TIMEOUT);
    }

    String text(String selector) {
      return (String) call("text", Map.of("selector", selector), CALL_TIMEOUT);
    }

    void screenshot(Path file) {
      call("screenshot", Map.of("path", file.toAbsolutePath().toString()), CALL_TIMEOUT);
    }

    /** The context's cookies, as playwright reports them (name, value, domain, path, httpOnly, …). */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> cookies() {
      return (List<Map<String, Object>>) call("cookies", Map.of(), CALL_TIMEOUT);
    }

    /** Every request, response, failed request and WebSocket seen so far, in order, with all headers. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> network() {
      return (List<Map<String, Object>>) call("network", Map.of(), CALL_TIMEOUT);
    }

    /** The console messages and page errors so far ("type: text"). */
    @SuppressWarnings("unchecked")
    List<String> console() {
      return (List<String>) call("console", Map.of(), CALL_TIMEOUT);
    }

    @Override
    public void close() {
      call("closePage", Map.of(), CALL_TIMEOUT);
    }
  }
}
