package dev.eio4j.interop;

import static dev.eio4j.interop.TestServer.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.Message;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JSONP polling (docs/protocol.md §3.4) by plain HTTP, v3 and v4: the {@code ___eio[<j>]("…");} wrapping of
 * GET responses, form-encoded POST bodies with the {@code \n} unescaping, and binary always as base64
 * (where the reference serialises a Node Buffer, a [ref-bug] we do not copy).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.eio4j.interop.Backend#selected")
class JsonpTest {
  /** The runtime of this run of the suite. */
  @Parameter Backend backend;

  static final String OPEN_JSON =
      "0{\\\"sid\\\":\\\"%s\\\",\\\"upgrades\\\":[\\\"websocket\\\"],\\\"pingInterval\\\":25000,"
          + "\\\"pingTimeout\\\":20000,\\\"maxPayload\\\":1000000}";
  static final String FORM = "application/x-www-form-urlencoded";

  static TestServer server;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    server = TestServer.echo(backend, b -> b.allowEIO3(true));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static HttpResponse<byte[]> postForm(String query, String form) throws Exception {
    HttpResponse<byte[]> r = server.post(query, form, "Content-Type", FORM);
    assertThat(r.statusCode()).isEqualTo(200);
    Wire.assertContentType(r, "text/html");
    assertThat(text(r)).isEqualTo("ok");
    return r;
  }

  static String getScript(String query) throws Exception {
    HttpResponse<byte[]> r = server.get(query);
    assertThat(r.statusCode()).isEqualTo(200);
    Wire.assertContentType(r, "text/plain; charset=UTF-8");
    return text(r);
  }

  @Test
  void v3HandshakeIsWrapped() throws Exception {
    String body = getScript("EIO=3&transport=polling&j=0");
    String sid = TestServer.sidOf(body);
    assertThat(sid).hasSize(20); // so that the v3 length prefix below is 118
    assertThat(body).isEqualTo("___eio[0](\"118:" + OPEN_JSON.formatted(sid) + "\");");
  }

  @Test
  void v4HandshakeIsWrapped() throws Exception {
    String body = getScript("EIO=4&transport=polling&j=0");
    String sid = TestServer.sidOf(body);
    assertThat(body).isEqualTo("___eio[0](\"" + OPEN_JSON.formatted(sid) + "\");");
  }

  @Test
  void callbackIndexKeepsOnlyDigits() throws Exception {
    assertThat(getScript("EIO=3&transport=polling&j=abc12")).startsWith("___eio[12](\"118:0{");
    assertThat(getScript("EIO=4&transport=polling&j=abc12")).startsWith("___eio[12](\"0{");
  }

  @Test
  void v4MessagesComeBackWrappedWithTheSeparatorEscaped() throws Exception {
    String q = "EIO=4&transport=polling&j=0";
    String sid = TestServer.sidOf(getScript(q));
    postForm(q + "&sid=" + sid, "d=4hello%1E4world");
    assertThat(server.nextReceived(sid).text()).isEqualTo("hello");
    assertThat(server.nextReceived(sid).text()).isEqualTo("world");
    assertThat(getScript(q + "&sid=" + sid)).isEqualTo("___eio[0](\"4hello\\u001e4world\");");
  }

  @Test
  void v3MessagesComeBackWrapped() throws Exception {
    String q = "EIO=3&transport=polling&j=0";
    String sid = TestServer.sidOf(getScript(q));
    postForm(q + "&sid=" + sid, "d=6%3A4hello");
    assertThat(getScript(q + "&sid=" + sid)).isEqualTo("___eio[0](\"6:4hello\");");
  }

  @Test
  void serverMessagesAreJsonEscaped() throws Exception {
    String q = "EIO=4&transport=polling&j=3";
    String sid = TestServer.sidOf(getScript(q));
    server.socket(sid).send("say \"hi\" \\ \u2028\u2029 €");
    assertThat(getScript(q + "&sid=" + sid))
        .isEqualTo("___eio[3](\"4say \\\"hi\\\" \\\\ \\u2028\\u2029 €\");");
  }

  @Test
  void binaryIsBase64EvenWithoutB64V3() throws Exception {
    String q = "EIO=3&transport=polling&j=1"; // no b64: an XHR client would get a binary payload
    String sid = TestServer.sidOf(getScript(q));
    postForm(q + "&sid=" + sid, "d=10%3Ab4AQIDBA%3D%3D");
    Message m = server.nextReceived(sid);
    assertThat(m.isBinary()).isTrue();
    assertThat(m.bytes()).containsExactly(1, 2, 3, 4);
    // the reference answers ___eio[1]({"type":"Buffer","data":[1,5,255,4,1,2,3,4]}); [ref-bug]
    assertThat(getScript(q + "&sid=" + sid)).isEqualTo("___eio[1](\"10:b4AQIDBA==\");");
    server.socket(sid).send(new byte[] {5, 6});
    assertThat(getScript(q + "&sid=" + sid)).isEqualTo("___eio[1](\"6:b4BQY=\");");
  }

  @Test
  void binaryIsBase64V4() throws Exception {
    String q = "EIO=4&transport=polling&j=0";
    String sid = TestServer.sidOf(getScript(q));
    server.socket(sid).send(new byte[] {1, 2, 3, 4});
    assertThat(getScript(q + "&sid=" + sid)).isEqualTo("___eio[0](\"bAQIDBA==\");");
  }

  @Test
  void escapedNewlinesInTheFormBodyAreUnescapedV3() throws Exception {
    String q = "EIO=3&transport=polling&j=0";
    String sid = TestServer.sidOf(getScript(q));
    // the client writes LF as backslash-n; the v3 length (4) counts the text after unescaping
    postForm(q + "&sid=" + sid, "d=4%3A4a%5Cnb");
    assertThat(server.nextReceived(sid).text()).isEqualTo("a\nb");
    assertThat(getScript(q + "&sid=" + sid)).isEqualTo("___eio[0](\"4:4a\\nb\");");
  }

  @Test
  void escapedNewlinesInTheFormBodyAreUnescapedV4() throws Exception {
    String q = "EIO=4&transport=polling&j=0";
    String sid = TestServer.sidOf(getScript(q));
    postForm(q + "&sid=" + sid, "d=4a%5Cnb");
    assertThat(server.nextReceived(sid).text()).isEqualTo("a\nb");
    assertThat(getScript(q + "&sid=" + sid)).isEqualTo("___eio[0](\"4a\\nb\");");
    // backslash backslash n stands for a literal backslash followed by n
    postForm(q + "&sid=" + sid, "d=4a%5C%5Cnb");
    assertThat(server.nextReceived(sid).text()).isEqualTo("a\\nb");
    assertThat(getScript(q + "&sid=" + sid)).isEqualTo("___eio[0](\"4a\\\\nb\");");
  }

  @Test
  void plusIsASpaceAndUtf8IsDecoded() throws Exception {
    String q = "EIO=4&transport=polling&j=0";
    String sid = TestServer.sidOf(getScript(q));
    postForm(q + "&sid=" + sid, "d=4hello+w%C3%B6rld%20%E2%82%AC");
    assertThat(server.nextReceived(sid).text()).isEqualTo("hello wörld €");
  }
}
