package dev.eio4j.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.eio4j.codec.CodecException.Reason;
import dev.eio4j.protocol.Packet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** JSONP framing, docs/protocol.md §3.4; vectors from T/04. */
class JsonpTest {

  private static final String BS = "\\";

  private static String handshake(String sid) {
    return "0{\"sid\":\""
        + sid
        + "\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
        + "\"pingTimeout\":20000,\"maxPayload\":1000000}";
  }

  private static String escapedHandshake(String sid) {
    return handshake(sid).replace("\"", "\\\"");
  }

  @Test
  void wrapsLikeTheReference() {
    // T/04 v3 JSONP handshake, Content-Length 150
    String v3 = Jsonp.wrap("0", "118:" + handshake("1qj9Yc-3TAfjWsgZAAAJ"));
    assertThat(v3)
        .isEqualTo("___eio[0](\"118:" + escapedHandshake("1qj9Yc-3TAfjWsgZAAAJ") + "\");");
    assertThat(v3.getBytes(StandardCharsets.UTF_8)).hasSize(150);

    // T/04 j=abc12, Content-Length 151
    String j12 =
        Jsonp.wrap(Jsonp.callbackIndex("abc12"), "118:" + handshake("Df64LcsXd9vG3TPYAAAL"));
    assertThat(j12).startsWith("___eio[12](\"118:0{\\\"sid\\\":");
    assertThat(j12.getBytes(StandardCharsets.UTF_8)).hasSize(151);

    // T/04 v4 JSONP handshake, Content-Length 146
    String v4 = Jsonp.wrap("0", handshake("4z7xUU-XDKZ_38YXAAAN"));
    assertThat(v4).isEqualTo("___eio[0](\"" + escapedHandshake("4z7xUU-XDKZ_38YXAAAN") + "\");");
    assertThat(v4.getBytes(StandardCharsets.UTF_8)).hasSize(146);

    // T/04 v4: the record separator comes out as \u001e (Content-Length 32)
    String rs = Jsonp.wrap("0", "4hello\u001e4world");
    assertThat(rs).isEqualTo("___eio[0](\"4hello" + BS + "u001e4world\");").hasSize(32);

    // T/04 v3: a LF inside a message comes out as \n (Content-Length 21)
    String lf = Jsonp.wrap("0", "4:4a\nb");
    assertThat(lf).isEqualTo("___eio[0](\"4:4a" + BS + "nb\");").hasSize(21);
  }

  static Stream<Arguments> escapes() {
    return Stream.of(
        arguments("\"", BS + "\""),
        arguments(BS, BS + BS),
        arguments("\b\f\n\r\t", BS + "b" + BS + "f" + BS + "n" + BS + "r" + BS + "t"),
        arguments(
            "\u0000\u0001\u001f\u001e", BS + "u0000" + BS + "u0001" + BS + "u001f" + BS + "u001e"),
        arguments("\u000b", BS + "u000b"),
        arguments("\u2028\u2029", BS + "u2028" + BS + "u2029"),
        // passed through raw, as JSON.stringify does
        arguments("/ \u007f \u00e9 \u20ac \ud83d\ude00 '", "/ \u007f \u00e9 \u20ac \ud83d\ude00 '"),
        // lone surrogates are escaped (well-formed JSON.stringify, ES2019)
        arguments("\ud800", BS + "ud800"),
        arguments("a\udfffb", "a" + BS + "udfffb"),
        arguments("\ude00\ud83d", BS + "ude00" + BS + "ud83d"),
        arguments("", ""));
  }

  @ParameterizedTest
  @MethodSource("escapes")
  void escapesLikeJsonStringifyPlusLineSeparators(String payload, String literalBody) {
    assertThat(Jsonp.wrap("3", payload)).isEqualTo("___eio[3](\"" + literalBody + "\");");
  }

  @Test
  void callbackIndexKeepsOnlyAsciiDigits() {
    assertThat(Jsonp.callbackIndex("abc12")).isEqualTo("12"); // T/04
    assertThat(Jsonp.callbackIndex("0")).isEqualTo("0");
    assertThat(Jsonp.callbackIndex("1a2b3")).isEqualTo("123");
    assertThat(Jsonp.callbackIndex("")).isEmpty();
    assertThat(Jsonp.callbackIndex(null)).isEmpty();
    assertThat(Jsonp.callbackIndex("\u0661\u0662")).isEmpty();
    assertThat(Jsonp.callbackIndex("0]);alert(1);//")).isEqualTo("01");
    // wrap sanitises too
    assertThat(Jsonp.wrap("x]);alert(1", "6")).isEqualTo("___eio[1](\"6\");");
  }

  // ---------------------------------------------------------------- form bodies

  @Test
  void decodesTheT04Bodies() throws CodecException {
    // T/04: v3 payload with base64 binary
    assertThat(Jsonp.decodeFormBody(ascii("d=6%3A4hello10%3Ab4AQIDBA%3D%3D")))
        .isEqualTo("6:4hello10:b4AQIDBA==");
    // T/04: escaped newline; the v3 length counts the text after unescaping
    String payload = Jsonp.decodeFormBody(ascii("d=4%3A4a%5Cnb"));
    assertThat(payload).isEqualTo("4:4a\nb");
    PayloadCodecTest.assertDecoded(
        PayloadCodec.decodeV3String(payload), List.of(Packet.message("a\nb")), null);
    // T/04: v4 JSONP POST
    String v4 = Jsonp.decodeFormBody(ascii("d=4hello%1E4world"));
    assertThat(v4).isEqualTo("4hello\u001e4world");
    PayloadCodecTest.assertDecoded(
        PayloadCodec.decodeV4(v4), List.of(Packet.message("hello"), Packet.message("world")), null);
  }

  static Stream<Arguments> formBodies() {
    return Stream.of(
        arguments("d=4hi", "4hi"),
        arguments("d=a+b", "a b"),
        arguments("d=a%20b", "a b"),
        arguments("d=a%2Bb", "a+b"),
        arguments("d=a%3Db", "a=b"),
        arguments("d=a=b", "a=b"),
        arguments("x=1&d=4hi&y=2", "4hi"),
        arguments("&&d=4x&", "4x"),
        arguments("d", ""),
        arguments("d=", ""),
        arguments("%64=4x", "4x"),
        arguments("d=%E2%82%AC", "\u20ac"),
        arguments("d=%e2%82%ac", "\u20ac"),
        arguments("d=%F0%9F%98%80", "\ud83d\ude00"),
        // Node's querystring keeps malformed escapes literally
        arguments("d=%zz", "%zz"),
        arguments("d=%4", "%4"),
        arguments("d=%", "%"),
        arguments("d=%%41", "%A"),
        arguments("d=100%", "100%"),
        // invalid UTF-8 after unescaping becomes U+FFFD
        arguments("d=%FF", "\ufffd"),
        arguments("d=4%C3", "4\ufffd"));
  }

  @ParameterizedTest
  @MethodSource("formBodies")
  void parsesFormBodiesLikeNodeQuerystring(String body, String d) throws CodecException {
    assertThat(Jsonp.decodeFormBody(ascii(body))).isEqualTo(d);
  }

  @Test
  void rawUtf8InTheBodyIsDecoded() throws CodecException {
    assertThat(Jsonp.decodeFormBody("d=4\u20ac \ud83d\ude00".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("4\u20ac \ud83d\ude00");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "x=1",
        "D=4x",
        "dd=4x",
        "%64%64=1",
        "=4x",
        "&&&",
        "d=1&d=2",
        "d&d",
        "d=1&%64=2"
      })
  void bodiesWithoutExactlyOneDFieldAreRejected(String body) {
    assertThatThrownBy(() -> Jsonp.decodeFormBody(ascii(body)))
        .isInstanceOfSatisfying(
            CodecException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_FORM_BODY));
  }

  static Stream<Arguments> newlineUnescaping() {
    return Stream.of(
        arguments("a" + BS + "nb", "a\nb"),
        arguments(BS + "n" + BS + "n", "\n\n"),
        arguments(BS + BS + "n", BS + "n"),
        arguments(BS + BS + BS + "n", BS + BS + "n"),
        arguments(BS + BS + BS + BS + "n", BS + BS + BS + "n"),
        arguments(BS + BS + BS + BS + BS + "n", BS + BS + BS + BS + "n"),
        arguments(BS + BS + "n" + BS + "n", BS + "n\n"),
        arguments(BS, BS),
        arguments(BS + BS, BS + BS),
        arguments("a" + BS, "a" + BS),
        arguments(BS + "x" + BS + "t", BS + "x" + BS + "t"),
        arguments(BS + "\n", BS + "\n"),
        arguments("n" + BS, "n" + BS),
        arguments(BS + "N", BS + "N"),
        arguments("no escapes", "no escapes"));
  }

  @ParameterizedTest
  @MethodSource("newlineUnescaping")
  void unescapesNewlinesLikeTheReferenceRegex(String d, String expected) throws CodecException {
    // /(\\)?\\n/g -> slash ? "\\n" : "\n"
    assertThat(Jsonp.decodeFormBody(formBody(d))).isEqualTo(expected);
  }

  @Test
  void backslashBeforeLineFeedIsAKnownJsonpLimit() throws CodecException {
    // The JS client escapes LF as \n and \n as \\n, but leaves a backslash before a real LF alone,
    // so
    // "\<LF>" reaches the server as "\\n" and decodes to "\n": the reference has the same limit.
    assertThat(Jsonp.decodeFormBody(formBody(clientEscape(BS + "\n")))).isEqualTo(BS + "n");
  }

  /** The JS client's JSONP escaping (engine.io-client v3 polling-jsonp): \n -> \<LF>, then LF -> \n. */
  static String clientEscape(String s) {
    return s.replace(BS + "n", BS + "\n").replace("\n", BS + "n");
  }

  static byte[] formBody(String d) {
    return ("d=" + java.net.URLEncoder.encode(d, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
