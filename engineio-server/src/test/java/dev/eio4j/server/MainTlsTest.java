package dev.eio4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runnable server started as a process with the TLS flags: a real HTTPS polling handshake (EIO=4)
 * on loopback with a client that trusts only the test's self-signed certificate, for the PEM pair and
 * for the PKCS#12 key store; and the flag errors, each a one-line message with exit status 2 and no
 * stack trace.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MainTlsTest {
  private static final Pattern LISTENING =
      Pattern.compile("listening on (https?)://127\\.0\\.0\\.1:(\\d+)/engine\\.io/ ");
  private static final long WAIT_MS = 60_000;
  @TempDir static Path dir;
  static TestCertificate cert;

  @BeforeAll
  static void makeCertificate() throws Exception {
    cert = TestCertificate.create(dir);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pem", "keystore"})
  void servesTheHandshakeOverHttps(String form) throws Exception {
    List<String> tls =
        form.equals("pem")
            ? List.of(
                "--tls-cert", cert.certPem().toString(), "--tls-key", cert.keyPem().toString())
            : List.of(
                "--tls-keystore",
                cert.keyStore().toString(),
                "--tls-keystore-password",
                new String(cert.password()));
    // --shutdown-timeout 0: the open session would otherwise hold the stop for the default 5 s
    List<String> args =
        new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--shutdown-timeout", "0"));
    args.addAll(tls);
    Process p = start(args, true);
    try {
      BlockingQueue<String> lines = lines(p.getInputStream());
      Matcher m = awaitLine(lines, LISTENING);
      assertThat(m.group(1)).as("the listening line names the scheme").isEqualTo("https");
      int port = Integer.parseInt(m.group(2));

      HttpClient https =
          HttpClient.newBuilder()
              .sslContext(cert.trusting())
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      HttpResponse<String> res =
          https.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "https://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=polling"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.body()).startsWith("0{\"sid\":\"").contains("\"upgrades\":[\"websocket\"]");
      assertThat(res.sslSession()).as("the answer came over TLS").isPresent();

      // the port speaks TLS only: a plain HTTP request gets no open packet
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      assertThatThrownBy(
              () ->
                  plain.send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  "http://127.0.0.1:"
                                      + port
                                      + "/engine.io/?EIO=4&transport=polling"))
                          .timeout(Duration.ofSeconds(30))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    } finally {
      stop(p);
    }
  }

  @Test
  void aHalfPairIsAOneLineErrorWithStatus2() throws Exception {
    Result r = run("--port", "0", "--tls-cert", cert.certPem().toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).first().isEqualTo("error: --tls-cert needs --tls-key");
    assertNoStackTrace(r);
  }

  @Test
  void anUnreadableFileIsAOneLineErrorWithStatus2() throws Exception {
    Path missing = dir.resolve("no-such-key.pem");
    Result r =
        run(
            "--port",
            "0",
            "--tls-cert",
            cert.certPem().toString(),
            "--tls-key",
            missing.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).first().isEqualTo("error: --tls-key: cannot read " + missing);
    assertNoStackTrace(r);
  }

  @Test
  void aKeyStoreThatDoesNotOpenIsAOneLineErrorWithStatus2() throws Exception {
    Result r =
        run(
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--tls-keystore",
            cert.keyStore().toString(),
            "--tls-keystore-password",
            "not-it");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).hasSize(1);
    assertThat(r.stderr().get(0))
        .startsWith("error: cannot load TLS key store " + cert.keyStore())
        .doesNotContain("not-it");
    assertThat(r.stdout()).noneMatch(l -> l.contains("listening on"));
    assertNoStackTrace(r);
  }

  @Test
  void aFileThatIsNotPemIsAOneLineErrorWithStatus2() throws Exception {
    Path garbage = Files.writeString(dir.resolve("not-a-cert.pem"), "hello\n");
    Result r =
        run(
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--tls-cert",
            garbage.toString(),
            "--tls-key",
            cert.keyPem().toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).hasSize(1);
    assertThat(r.stderr().get(0)).startsWith("error: cannot load TLS certificate " + garbage);
    assertNoStackTrace(r);
  }

  @Test
  void helpListsTheTlsFlags() throws Exception {
    Result r = run("--help");
    assertThat(r.status()).isZero();
    assertThat(String.join("\n", r.stdout()))
        .contains(
            "--tls-cert FILE",
            "--tls-key FILE",
            "--tls-keystore FILE",
            "--tls-keystore-password PW");
  }

  private static void assertNoStackTrace(Result r) {
    List<String> all = new ArrayList<>(r.stdout());
    all.addAll(r.stderr());
    assertThat(all)
        .noneMatch(
            l ->
                l.startsWith("\tat ")
                    || l.contains("Exception in thread")
                    || l.startsWith("Caused by:"));
  }

  record Result(int status, List<String> stdout, List<String> stderr) {}

  /** Runs the server to its exit (flag errors end it at once); bounded by {@link #WAIT_MS}. */
  private static Result run(String... args) throws Exception {
    Process p = start(List.of(args), false);
    try {
      BlockingQueue<String> out = lines(p.getInputStream());
      BlockingQueue<String> err = lines(p.getErrorStream());
      assertThat(p.waitFor(WAIT_MS, TimeUnit.MILLISECONDS)).as("the server exited").isTrue();
      return new Result(p.exitValue(), drain(out), drain(err));
    } finally {
      stop(p);
    }
  }

  private static Process start(List<String> args, boolean mergeStderr) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(mergeStderr).start();
  }

  /** The stream's lines, read on a daemon thread; the queue ends with an empty marker at end of stream. */
  private static BlockingQueue<String> lines(InputStream in) {
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  q.add(line);
                }
              } catch (IOException e) {
                // the process was stopped
              } finally {
                q.add(EOF);
              }
            },
            "server-output");
    t.setDaemon(true);
    t.start();
    return q;
  }

  private static final String EOF = new String(new char[0]);

  private static Matcher awaitLine(BlockingQueue<String> lines, Pattern pattern)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    List<String> seen = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null || line == EOF) {
        throw new AssertionError(
            "the server printed no line matching " + pattern + "; output: " + seen);
      }
      seen.add(line);
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m;
      }
    }
  }

  /** Every line up to the end of the stream (the process has exited, so the end comes). */
  private static List<String> drain(BlockingQueue<String> lines) throws InterruptedException {
    List<String> out = new ArrayList<>();
    while (true) {
      String line = lines.poll(WAIT_MS, TimeUnit.MILLISECONDS);
      if (line == null || line == EOF) {
        return out;
      }
      out.add(line);
    }
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(15, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
    }
  }
}
