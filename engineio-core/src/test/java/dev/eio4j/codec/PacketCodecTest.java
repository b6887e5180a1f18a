package dev.eio4j.codec;

import static dev.eio4j.codec.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.eio4j.codec.CodecException.Reason;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.PacketType;
import dev.eio4j.protocol.ProtocolVersion;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Byte-exact single-packet vectors, docs/protocol.md §3.1. */
class PacketCodecTest {

  private static final ProtocolVersion V3 = ProtocolVersion.V3;
  private static final ProtocolVersion V4 = ProtocolVersion.V4;

  private static final String HANDSHAKE_JSON =
      "{\"sid\":\"DIiesXgJRz3Z49bsAAAo\",\"upgrades\":[],"
          + "\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}";

  /** Text packets, identical in v3 and v4. */
  static Stream<Arguments> textVectors() {
    return Stream.of(
        // T/08 A (v4) and C (v3): open packet, text echo with UTF-8, empty message echoed as "4"
        arguments("0" + HANDSHAKE_JSON, Packet.text(PacketType.OPEN, HANDSHAKE_JSON)),
        arguments("4hello \u20ac", Packet.message("hello \u20ac")),
        arguments("4", Packet.message("")),
        arguments("4a", Packet.message("a")),
        // T/03: '4€ 😀' (a surrogate pair)
        arguments("4\u20ac \ud83d\ude00", Packet.message("\u20ac \ud83d\ude00")),
        // T/06 (heartbeat), T/07 (probe, upgrade, noop), T/10 (close)
        arguments("2", Packet.PING),
        arguments("3", Packet.PONG),
        arguments("2probe", Packet.PROBE_PING),
        arguments("3probe", Packet.PROBE_PONG),
        arguments("5", Packet.UPGRADE),
        arguments("6", Packet.NOOP),
        arguments("1", Packet.CLOSE),
        // a text that looks like another encoding stays text
        arguments("4bAQIDBA==", Packet.message("bAQIDBA==")),
        arguments("44", Packet.message("4")),
        arguments("4\u001e", Packet.message("\u001e")));
  }

  @ParameterizedTest
  @MethodSource("textVectors")
  void textPacketsV4(String wire, Packet packet) throws CodecException {
    assertThat(PacketCodec.encodeText(packet, V4)).isEqualTo(wire);
    assertThat(PacketCodec.decodeText(wire, V4)).isEqualTo(packet);
  }

  @ParameterizedTest
  @MethodSource("textVectors")
  void textPacketsV3(String wire, Packet packet) throws CodecException {
    assertThat(PacketCodec.encodeText(packet, V3)).isEqualTo(wire);
    assertThat(PacketCodec.decodeText(wire, V3)).isEqualTo(packet);
  }

  @Test
  void bareMessageDigitDecodesToAnEmptyString() throws CodecException {
    // docs/protocol.md §3.1 / T/08 A: a bare "4" is an (empty) message and echoes as "4"
    assertThat(PacketCodec.decodeText("4", V4).text()).isEqualTo("");
    assertThat(PacketCodec.decodeText("4", V3).text()).isEqualTo("");
    // a message without data also encodes as "4" (it decodes back as the empty string)
    assertThat(PacketCodec.encodeText(Packet.of(PacketType.MESSAGE), V4)).isEqualTo("4");
    // other bare digits decode to packets without data, also when encoded from empty text
    assertThat(PacketCodec.encodeText(Packet.text(PacketType.PING, ""), V4)).isEqualTo("2");
    assertThat(PacketCodec.decodeText("2", V4).text()).isNull();
  }

  /** Binary data as text: v4 "b" + base64, v3 "b" + type digit + base64. */
  static Stream<Arguments> base64Vectors() {
    return Stream.of(
        // T/03 (polling) and T/08 B (v4 ws b64=1)
        arguments(V4, "bAQIDBA==", Packet.message(bytes("01020304"))),
        // T/03 server-multi: Buffer[1,2,3]
        arguments(V4, "bAQID", Packet.message(bytes("010203"))),
        arguments(V4, "b", Packet.message(new byte[0])),
        arguments(V4, "b/w==", Packet.message(bytes("ff"))),
        arguments(V4, "b+/8=", Packet.message(bytes("fbff"))),
        // T/03 (v3 b64=1 polling) and T/08 D (v3 ws b64=1)
        arguments(V3, "b4AQIDBA==", Packet.message(bytes("01020304"))),
        arguments(V3, "b4AQID", Packet.message(bytes("010203"))),
        arguments(V3, "b4", Packet.message(new byte[0])),
        // v3 carries the type of a binary packet
        arguments(V3, "b2AQ==", Packet.binary(PacketType.PING, bytes("01"))));
  }

  @ParameterizedTest
  @MethodSource("base64Vectors")
  void binaryAsText(ProtocolVersion v, String wire, Packet packet) throws CodecException {
    assertThat(PacketCodec.encodeText(packet, v)).isEqualTo(wire);
    assertThat(PacketCodec.decodeText(wire, v)).isEqualTo(packet);
  }

  @Test
  void unpaddedBase64IsAccepted() throws CodecException {
    assertThat(PacketCodec.decodeText("bAQIDBA", V4)).isEqualTo(Packet.message(bytes("01020304")));
    assertThat(PacketCodec.decodeText("b4AQIDBA", V3)).isEqualTo(Packet.message(bytes("01020304")));
  }

  /** WebSocket binary frames for binary-capable clients. */
  static Stream<Arguments> frameVectors() {
    return Stream.of(
        // T/08 A: v4 raw data only
        arguments(V4, "01 02 03 04", Packet.message(bytes("01020304"))),
        arguments(V4, "01 02 03", Packet.message(bytes("010203"))),
        arguments(V4, "", Packet.message(new byte[0])),
        // T/08 C: v3 type byte 0x04 first
        arguments(V3, "04 01 02 03 04", Packet.message(bytes("01020304"))),
        arguments(V3, "04 01 02 03", Packet.message(bytes("010203"))),
        arguments(V3, "04", Packet.message(new byte[0])),
        arguments(V3, "02 ff", Packet.binary(PacketType.PING, bytes("ff"))));
  }

  @ParameterizedTest
  @MethodSource("frameVectors")
  void binaryFrames(ProtocolVersion v, String hex, Packet packet) throws CodecException {
    assertThat(Hex.hex(PacketCodec.encodeBinaryFrame(packet, v))).isEqualTo(hex);
    assertThat(PacketCodec.decodeBinaryFrame(bytes(hex), v)).isEqualTo(packet);
  }

  @Test
  void v4FramesAreNotCopied() throws CodecException {
    byte[] data = {1, 2, 3};
    assertThat(PacketCodec.encodeBinaryFrame(Packet.message(data), V4)).isSameAs(data);
    assertThat(PacketCodec.decodeBinaryFrame(data, V4).binary()).isSameAs(data);
  }

  static Stream<Arguments> malformedText() {
    return Stream.of(
        // T/05b E: empty
        arguments(V4, "", Reason.EMPTY),
        arguments(V3, "", Reason.EMPTY),
        // T/05b D, G, I: 'abc'; T/05b D2: 'x9'
        arguments(V4, "abc", Reason.UNKNOWN_TYPE),
        arguments(V3, "abc", Reason.UNKNOWN_TYPE),
        arguments(V4, "x9", Reason.UNKNOWN_TYPE),
        arguments(V4, "7", Reason.UNKNOWN_TYPE),
        arguments(V4, "9hello", Reason.UNKNOWN_TYPE),
        arguments(V4, ":", Reason.UNKNOWN_TYPE),
        arguments(V4, "\u0664", Reason.UNKNOWN_TYPE), // Arabic-Indic digit four
        arguments(V4, "\ud83d\ude00", Reason.UNKNOWN_TYPE),
        arguments(V4, "B", Reason.UNKNOWN_TYPE),
        arguments(V4, " 4", Reason.UNKNOWN_TYPE),
        // base64
        arguments(V4, "b!!!!", Reason.BAD_BASE64),
        arguments(V4, "bAQIDBA=", Reason.BAD_BASE64),
        arguments(V4, "bA", Reason.BAD_BASE64),
        arguments(V4, "bAQ==AQ==", Reason.BAD_BASE64),
        arguments(V4, "bAQ\u20ac=", Reason.BAD_BASE64),
        arguments(V4, "bAQ-_", Reason.BAD_BASE64), // URL-safe alphabet is not accepted
        arguments(V3, "b4@@", Reason.BAD_BASE64),
        // v3 'b' needs a type digit
        arguments(V3, "b", Reason.UNKNOWN_TYPE),
        arguments(V3, "bAQIDBA==", Reason.UNKNOWN_TYPE),
        arguments(V3, "b9AQ==", Reason.UNKNOWN_TYPE));
  }

  @ParameterizedTest
  @MethodSource("malformedText")
  void malformedTextIsACodecException(ProtocolVersion v, String wire, Reason reason) {
    assertThatThrownBy(() -> PacketCodec.decodeText(wire, v))
        .isInstanceOfSatisfying(
            CodecException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void malformedV3Frames() {
    assertThatThrownBy(() -> PacketCodec.decodeBinaryFrame(new byte[0], V3))
        .isInstanceOfSatisfying(
            CodecException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY));
    for (String hex : new String[] {"07", "07 01", "ff", "34 01", "80"}) {
      assertThatThrownBy(() -> PacketCodec.decodeBinaryFrame(bytes(hex), V3))
          .as(hex)
          .isInstanceOfSatisfying(
              CodecException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_TYPE));
    }
  }

  @ParameterizedTest
  @EnumSource(value = PacketType.class, names = "MESSAGE", mode = EnumSource.Mode.EXCLUDE)
  void v4CannotEncodeBinaryNonMessages(PacketType type) {
    Packet p = Packet.binary(type, new byte[] {1});
    assertThatThrownBy(() -> PacketCodec.encodeText(p, V4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PacketCodec.encodeBinaryFrame(p, V4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void textPacketsHaveNoBinaryFrame() {
    assertThatThrownBy(() -> PacketCodec.encodeBinaryFrame(Packet.message("x"), V4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PacketCodec.encodeBinaryFrame(Packet.PING, V3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exceptionsAreCheapAndQuoteOnlyAnExcerpt() {
    String huge = "x" + "y".repeat(100_000);
    CodecException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            CodecException.class, () -> PacketCodec.decodeText(huge, V4));
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(e.getMessage()).hasSizeLessThan(80);

    CodecException b =
        org.junit.jupiter.api.Assertions.assertThrows(
            CodecException.class, () -> PacketCodec.decodeText("b" + "!".repeat(100_000), V4));
    assertThat(b.reason()).isEqualTo(Reason.BAD_BASE64);
    assertThat(b.getMessage()).hasSizeLessThan(80).contains("(100001 chars)");

    CodecException c =
        org.junit.jupiter.api.Assertions.assertThrows(
            CodecException.class, () -> PacketCodec.decodeText("\u0000\n\"", V4));
    assertThat(c.getMessage()).doesNotContain("\u0000").doesNotContain("\n");
  }
}
