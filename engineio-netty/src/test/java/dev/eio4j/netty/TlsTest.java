package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.netty.support.LogCapture;
import dev.eio4j.testing.RawClient;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS on the Netty runtime with real TLS clients: a self-signed certificate made by the JDK's {@code
 * keytool} (PKCS#12), served once from the key store ({@code tls(keyStore, password)}) and once as PEM
 * files written from it ({@code tls(certPem, keyPem)}). The JDK's {@link HttpClient}, trusting only that
 * certificate, does a polling handshake and an echo, then a {@code wss://} WebSocket echo. Plus: a client
 * that does not trust the certificate fails its handshake, and a TCP connection that never starts TLS is
 * closed by the request-head deadline.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  @TempDir static Path dir;
  static Path keyStore;
  static Path certPem;
  static Path keyPem;
  static SSLContext trusting;
  private EngineIoNettyServer running;

  @BeforeAll
  static void makeCertificate() throws Exception {
    keyStore = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "eio4j",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                keyStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("keytool: %s", out).isZero();

    KeyStore ks = KeyStore.getInstance(keyStore.toFile(), PASSWORD);
    Certificate cert = ks.getCertificate("eio4j");
    PrivateKey key = (PrivateKey) ks.getKey("eio4j", PASSWORD);
    certPem = dir.resolve("cert.pem");
    keyPem = dir.resolve("key.pem");
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("eio4j", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    trusting = SSLContext.getInstance("TLS");
    trusting.init(null, tmf.getTrustManagers(), null);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  private EngineIoServer echo(List<EngineIoSocket> sockets) {
    EngineIoServer server = EngineIoServer.builder().build();
    server.onConnection(
        s -> {
          sockets.add(s);
          s.onMessage(s::send);
        });
    return server;
  }

  @ParameterizedTest
  @ValueSource(strings = {"keystore", "pem"})
  void pollingAndWebSocketOverTls(String source) throws Exception {
    List<EngineIoSocket> sockets = new CopyOnWriteArrayList<>();
    EngineIoNettyServer.Builder b =
        EngineIoNettyServer.builder(echo(sockets)).host("127.0.0.1").port(0).ioThreads(2);
    if (source.equals("pem")) {
      b.tls(certPem, keyPem);
    } else {
      b.tls(keyStore, PASSWORD);
    }
    running = b.start();
    int port = running.port();
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(trusting)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String base = "https://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=polling";

    long t0 = System.nanoTime();
    HttpResponse<String> hs =
        http.send(
            HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString());
    long handshakeMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(hs.statusCode()).isEqualTo(200);
    assertThat(hs.body()).startsWith("0{\"sid\":");
    SSLSession tls = hs.sslSession().orElseThrow();
    String sid = RawClient.sidOf(hs.body());
    String q = base + "&sid=" + sid;
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create(q))
                .POST(HttpRequest.BodyPublishers.ofString("4hello over tls"))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.body()).isEqualTo("ok");
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(URI.create(q)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.body()).isEqualTo("4hello over tls");
    assertThat(sockets).hasSize(1);
    assertThat(sockets.get(0).request().secure()).isTrue();

    LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create("wss://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=websocket"),
                new WebSocket.Listener() {
                  final StringBuilder sb = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    sb.append(data);
                    if (last) {
                      frames.add(sb.toString());
                      sb.setLength(0);
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    assertThat(frames.poll(10, TimeUnit.SECONDS)).startsWith("0{\"sid\":");
    ws.sendText("4wss echo 你好", true).get(5, TimeUnit.SECONDS);
    assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo("4wss echo 你好");
    assertThat(sockets).hasSize(2);
    assertThat(sockets.get(1).request().secure()).isTrue();
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    System.out.println(
        "FIGURES: TlsTest source="
            + source
            + " protocol="
            + tls.getProtocol()
            + " cipher="
            + tls.getCipherSuite()
            + " handshakeMs="
            + handshakeMs
            + " pollingEcho=ok wssEcho=ok");
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() throws Exception {
    running =
        EngineIoNettyServer.builder(echo(new CopyOnWriteArrayList<>()))
            .host("127.0.0.1")
            .port(0)
            .tls(keyStore, PASSWORD)
            .start();
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build(); // the JDK's default trust
    CompletableFuture<HttpResponse<String>> f =
        http.sendAsync(
            HttpRequest.newBuilder(
                    URI.create(
                        "https://127.0.0.1:"
                            + running.port()
                            + "/engine.io/?EIO=4&transport=polling"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .hasStackTraceContaining("PKIX path building failed");
    assertThat(running.server().socketCount()).isZero();
  }

  @Test
  void aConnectionThatNeverStartsTlsIsClosedByTheHeadDeadline() throws Exception {
    running =
        EngineIoNettyServer.builder(echo(new CopyOnWriteArrayList<>()))
            .host("127.0.0.1")
            .port(0)
            .tls(certPem, keyPem)
            .requestHeadersTimeout(Duration.ofMillis(300))
            .start();
    try (RawClient c = RawClient.connect(running.port())) {
      long t0 = System.nanoTime();
      assertThat(c.awaitEof(Duration.ofSeconds(5))).isTrue();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(ms).isBetween(250L, 3_000L);
      System.out.println(
          "FIGURES: TlsTest silent TCP connection closed after " + ms + " ms (deadline 300 ms)");
    }
    assertThat(LogCapture.linesContaining("request head not complete within 300 ms")).isNotEmpty();
  }

  @Test
  void unreadableFilesAreReportedClearly() {
    assertThatThrownBy(
            () ->
                EngineIoNettyServer.builder(EngineIoServer.builder().build())
                    .tls(dir.resolve("missing.p12"), PASSWORD))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot load TLS key store");
    assertThatThrownBy(
            () ->
                EngineIoNettyServer.builder(EngineIoServer.builder().build())
                    .tls(dir.resolve("missing.pem"), keyPem))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot load TLS certificate");
  }
}
