package dev.eio4j.interop;

import static dev.eio4j.interop.TestServer.header;
import static dev.eio4j.interop.TestServer.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP compression of polling GET responses (docs/protocol.md §8.3, T/11): gzip or
 * deflate per {@code Accept-Encoding} from 1024 bytes up, never below, never for POST answers, and not
 * at all when turned off.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.eio4j.interop.Backend#selected")
class HttpCompressionTest {
  /** The runtime of this run of the suite. */
  @Parameter Backend backend;

  static final String Q4 = "EIO=4&transport=polling";
  static final String BIG = "x".repeat(2000);

  static TestServer server;
  static TestServer off;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    server = TestServer.echo(backend, b -> b);
    off = TestServer.echo(backend, b -> b.httpCompression(false));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (off != null) {
      off.close();
    }
  }

  /** A session on {@code s} whose next GET will carry {@code message}. */
  static String sessionWithQueued(TestServer s, String message) throws Exception {
    String sid = s.handshake(Q4);
    s.socket(sid).send(message);
    return sid;
  }

  static String gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String inflate(byte[] body) throws IOException {
    try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static void assertIdentity(HttpResponse<byte[]> r, String payload) {
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "Content-Encoding")).isNull();
    assertThat(text(r)).isEqualTo(payload);
    assertThat(header(r, "Content-Length"))
        .isEqualTo(Integer.toString(payload.getBytes(StandardCharsets.UTF_8).length));
  }

  @Test
  void gzipWhenAccepted() throws Exception {
    String sid = sessionWithQueued(server, BIG);
    HttpResponse<byte[]> r = server.get(Q4 + "&sid=" + sid, "Accept-Encoding", "gzip, deflate");
    assertThat(r.statusCode()).isEqualTo(200);
    Wire.assertContentType(r, "text/plain; charset=UTF-8");
    assertThat(header(r, "Content-Encoding")).isEqualTo("gzip"); // preferred when both are offered
    assertThat(r.body()).startsWith(0x1f, 0x8b, 0x08).hasSizeLessThan(200);
    assertThat(gunzip(r.body())).isEqualTo("4" + BIG);
    // the reference sends it chunked; a Content-Length, if any, must be the compressed size
    String length = header(r, "Content-Length");
    if (length != null) {
      assertThat(Integer.parseInt(length)).isEqualTo(r.body().length);
    }
  }

  @Test
  void deflateWhenOnlyDeflateIsAccepted() throws Exception {
    String sid = sessionWithQueued(server, BIG);
    HttpResponse<byte[]> r = server.get(Q4 + "&sid=" + sid, "Accept-Encoding", "deflate");
    assertThat(header(r, "Content-Encoding")).isEqualTo("deflate");
    assertThat(inflate(r.body())).isEqualTo("4" + BIG);

    String sid2 = sessionWithQueued(server, BIG);
    HttpResponse<byte[]> refusedGzip =
        server.get(Q4 + "&sid=" + sid2, "Accept-Encoding", "gzip;q=0, deflate");
    assertThat(header(refusedGzip, "Content-Encoding")).isEqualTo("deflate");
    assertThat(inflate(refusedGzip.body())).isEqualTo("4" + BIG);
  }

  @Test
  void notCompressedBelowTheThreshold() throws Exception {
    String sid = sessionWithQueued(server, "small");
    assertIdentity(server.get(Q4 + "&sid=" + sid, "Accept-Encoding", "gzip"), "4small");
    // 1023 bytes: identity; 1024 bytes: compressed
    server.socket(sid).send("y".repeat(1022));
    assertIdentity(
        server.get(Q4 + "&sid=" + sid, "Accept-Encoding", "gzip"), "4" + "y".repeat(1022));
    server.socket(sid).send("z".repeat(1023));
    HttpResponse<byte[]> atThreshold = server.get(Q4 + "&sid=" + sid, "Accept-Encoding", "gzip");
    assertThat(header(atThreshold, "Content-Encoding")).isEqualTo("gzip");
    assertThat(gunzip(atThreshold.body())).isEqualTo("4" + "z".repeat(1023));
  }

  @Test
  void notCompressedWithoutASupportedEncoding() throws Exception {
    String sid = sessionWithQueued(server, BIG);
    assertIdentity(server.get(Q4 + "&sid=" + sid), "4" + BIG);
    server.socket(sid).send(BIG);
    assertIdentity(server.get(Q4 + "&sid=" + sid, "Accept-Encoding", "br"), "4" + BIG);
    server.socket(sid).send(BIG);
    assertIdentity(server.get(Q4 + "&sid=" + sid, "Accept-Encoding", "identity"), "4" + BIG);
  }

  @Test
  void notCompressedWhenTurnedOff() throws Exception {
    String sid = sessionWithQueued(off, BIG);
    assertIdentity(off.get(Q4 + "&sid=" + sid, "Accept-Encoding", "gzip, deflate"), "4" + BIG);
  }

  @Test
  void postAnswersAndErrorsAreNeverCompressed() throws Exception {
    String sid = server.handshake(Q4);
    HttpResponse<byte[]> post =
        server.post(Q4 + "&sid=" + sid, "4" + BIG, "Accept-Encoding", "gzip");
    assertThat(header(post, "Content-Encoding")).isNull();
    assertThat(text(post)).isEqualTo("ok");
    // the echo of the 2001-byte body is compressed on the way back
    HttpResponse<byte[]> echo = server.get(Q4 + "&sid=" + sid, "Accept-Encoding", "gzip");
    assertThat(gunzip(echo.body())).isEqualTo("4" + BIG);
    HttpResponse<byte[]> error = server.get(Q4 + "&sid=unknown", "Accept-Encoding", "gzip");
    assertThat(header(error, "Content-Encoding")).isNull();
    assertThat(error.statusCode()).isEqualTo(400);
  }

  @Test
  void v3PayloadsAreCompressedToo() throws Exception {
    String sid = server.handshake("EIO=3&transport=polling");
    server.socket(sid).send(BIG);
    HttpResponse<byte[]> r =
        server.get("EIO=3&transport=polling&sid=" + sid, "Accept-Encoding", "gzip");
    assertThat(header(r, "Content-Encoding")).isEqualTo("gzip");
    assertThat(gunzip(r.body())).isEqualTo("2001:4" + BIG);
  }
}
