package dev.eio4j.codec;

import static dev.eio4j.codec.Hex.bytes;
import static dev.eio4j.codec.Hex.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.eio4j.codec.CodecException.Reason;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.PacketType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Byte-exact polling payload vectors, docs/protocol.md §3.2 and §3.3. */
class PayloadCodecTest {

  private static final String RS = "\u001e";
  private static final String JSON =
      "{\"sid\":\"kjWcDGl7dizmGkr4AAAY\",\"upgrades\":[\"websocket\"],"
          + "\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}";
  private static final Packet OPEN = Packet.text(PacketType.OPEN, JSON);
  private static final Packet BIN_1234 = Packet.message(bytes("01020304"));
  private static final Packet BIN_123 = Packet.message(bytes("010203"));

  // ---------------------------------------------------------------- v4

  static Stream<Arguments> v4Vectors() {
    return Stream.of(
        // T/03: three packets POSTed and echoed
        arguments(
            "4hello" + RS + "4world" + RS + "bAQIDBA==",
            List.of(Packet.message("hello"), Packet.message("world"), BIN_1234)),
        // T/03: server-multi + UTF-8 message
        arguments(
            "4a" + RS + "4b" + RS + "bAQID" + RS + "4\u20ac \ud83d\ude00",
            List.of(
                Packet.message("a"),
                Packet.message("b"),
                BIN_123,
                Packet.message("\u20ac \ud83d\ude00"))),
        // compliance suite (docs/protocol.md §10, v4 test 9)
        arguments(
            "4test1" + RS + "4test2" + RS + "4test3",
            List.of(Packet.message("test1"), Packet.message("test2"), Packet.message("test3"))),
        // T/01: handshake with initialPacket
        arguments(
            "0" + JSON + RS + "4hello-initial", List.of(OPEN, Packet.message("hello-initial"))),
        // T/10 E: deferred close; T/07 A: noop during upgrade; T/06: ping
        arguments("6" + RS + "1", List.of(Packet.NOOP, Packet.CLOSE)),
        arguments("6", List.of(Packet.NOOP)),
        arguments("2", List.of(Packet.PING)),
        arguments("4" + RS + "4", List.of(Packet.message(""), Packet.message(""))));
  }

  @ParameterizedTest
  @MethodSource("v4Vectors")
  void v4Payloads(String wire, List<Packet> packets) {
    assertThat(PayloadCodec.encodeV4(packets)).isEqualTo(wire);
    assertDecoded(PayloadCodec.decodeV4(wire), packets, null);
  }

  @Test
  void v4EmptyListEncodesAsEmptyString() {
    assertThat(PayloadCodec.encodeV4(List.of())).isEmpty();
  }

  static Stream<Arguments> v4Malformed() {
    return Stream.of(
        // T/05b E: an empty body is one empty part
        arguments("", List.of(), Reason.EMPTY),
        // T/05b D2: "ok" is delivered, then parse error
        arguments("4ok" + RS + "x9", List.of(Packet.message("ok")), Reason.UNKNOWN_TYPE),
        // T/05b D: 'abc'
        arguments("abc", List.of(), Reason.UNKNOWN_TYPE),
        // a v3 payload on a v4 session fails only when its first digit is not a type:
        // "6:4hello" would decode as a noop with text ":4hello"
        arguments("8:4abcdefg", List.of(), Reason.UNKNOWN_TYPE),
        arguments("4a" + RS, List.of(Packet.message("a")), Reason.EMPTY),
        arguments(RS + "4a", List.of(), Reason.EMPTY),
        arguments("4a" + RS + RS + "4b", List.of(Packet.message("a")), Reason.EMPTY),
        arguments("4a" + RS + "b!!" + RS + "4b", List.of(Packet.message("a")), Reason.BAD_BASE64));
  }

  @ParameterizedTest
  @MethodSource("v4Malformed")
  void v4MalformedKeepsThePacketsBeforeTheError(String wire, List<Packet> before, Reason reason) {
    assertDecoded(PayloadCodec.decodeV4(wire), before, reason);
  }

  @Test
  void v4TextContainingTheSeparatorCannotRoundTrip() {
    // The separator is not escaped, by the reference either: such a text splits into two parts on
    // decode.
    String wire = PayloadCodec.encodeV4(List.of(Packet.message("a" + RS + "4b")));
    assertThat(wire).isEqualTo("4a" + RS + "4b");
    assertDecoded(
        PayloadCodec.decodeV4(wire), List.of(Packet.message("a"), Packet.message("b")), null);
    assertDecoded(
        PayloadCodec.decodeV4(PayloadCodec.encodeV4(List.of(Packet.message("a" + RS + "x")))),
        List.of(Packet.message("a")),
        Reason.UNKNOWN_TYPE);
  }

  // ---------------------------------------------------------------- v3 string payload

  static Stream<Arguments> v3StringVectors() {
    return Stream.of(
        // T/03 (b64=1)
        arguments(
            "6:4hello6:4world10:b4AQIDBA==",
            List.of(Packet.message("hello"), Packet.message("world"), BIN_1234)),
        // T/03: length in UTF-16 units, the emoji counts 2
        arguments("5:4\u20ac \ud83d\ude00", List.of(Packet.message("\u20ac \ud83d\ude00"))),
        // T/03: server-multi on a b64 session
        arguments("2:4a2:4b6:b4AQID", List.of(Packet.message("a"), Packet.message("b"), BIN_123)),
        // T/03: '€' echoed
        arguments("2:4\u20ac", List.of(Packet.message("\u20ac"))),
        // T/02: handshake; docs/protocol.md §4: with initialPacket
        arguments("118:0" + JSON, List.of(OPEN)),
        arguments(
            "118:0" + JSON + "14:4hello-initial", List.of(OPEN, Packet.message("hello-initial"))),
        // compliance suite v3 test 8
        arguments(
            "6:4test16:4test26:4test3",
            List.of(Packet.message("test1"), Packet.message("test2"), Packet.message("test3"))),
        // T/06 D (heartbeat), T/07 F (noop), T/05b A3 (close)
        arguments("1:2", List.of(Packet.PING)),
        arguments("1:3", List.of(Packet.PONG)),
        arguments("1:6", List.of(Packet.NOOP)),
        arguments("1:1", List.of(Packet.CLOSE)),
        arguments("1:4", List.of(Packet.message(""))),
        // parser-v3: encoding an empty list
        arguments("0:", List.of()));
  }

  @ParameterizedTest
  @MethodSource("v3StringVectors")
  void v3StringPayloads(String wire, List<Packet> packets) {
    assertThat(PayloadCodec.encodeV3String(packets)).isEqualTo(wire);
    assertDecoded(PayloadCodec.decodeV3String(wire), packets, null);
  }

  @Test
  void v3HandshakePrefixIs118() {
    // T/02: "118:" + 118 chars = Content-Length 122
    assertThat(PayloadCodec.encodeV3String(List.of(OPEN))).hasSize(122).startsWith("118:0{");
  }

  @Test
  void v3DecodeAcceptsZeroEntriesAndLeadingZeros() {
    assertDecoded(
        PayloadCodec.decodeV3String("0:6:4hello0:"), List.of(Packet.message("hello")), null);
    assertDecoded(PayloadCodec.decodeV3String("06:4hello"), List.of(Packet.message("hello")), null);
  }

  static Stream<Arguments> v3StringMalformed() {
    return Stream.of(
        // docs/protocol.md §9.16: empty body
        arguments("", List.of(), Reason.EMPTY),
        // T/03: UTF-8 byte count instead of UTF-16 units -> parse error
        arguments("4:4\u20ac", List.of(), Reason.TRUNCATED),
        // T/05b G: 'abc'
        arguments("abc", List.of(), Reason.BAD_LENGTH),
        // leftover digits without ':'
        arguments("6:4hello6", List.of(Packet.message("hello")), Reason.BAD_LENGTH),
        arguments("6", List.of(), Reason.BAD_LENGTH),
        // short body
        arguments("6:4hello9:4x", List.of(Packet.message("hello")), Reason.TRUNCATED),
        arguments("7:4hello", List.of(), Reason.TRUNCATED),
        // empty length, stray ':'
        arguments(":4a", List.of(), Reason.BAD_LENGTH),
        arguments("6:4hello:", List.of(Packet.message("hello")), Reason.BAD_LENGTH),
        // only ASCII digits (JavaScript's Number() would take " 6" or "0x6")
        arguments(" 6:4hello", List.of(), Reason.BAD_LENGTH),
        arguments("0x6:4hello", List.of(), Reason.BAD_LENGTH),
        arguments("-1:4", List.of(), Reason.BAD_LENGTH),
        arguments("\u0661:4", List.of(), Reason.BAD_LENGTH),
        // absurd lengths
        arguments("99999999999:4", List.of(), Reason.BAD_LENGTH),
        arguments("9999999999:4", List.of(), Reason.TRUNCATED),
        arguments("1" + "0".repeat(40) + ":4", List.of(), Reason.BAD_LENGTH),
        // a bad packet: the ones before it are kept
        arguments("1:x", List.of(), Reason.UNKNOWN_TYPE),
        arguments("6:4hello1:x6:4world", List.of(Packet.message("hello")), Reason.UNKNOWN_TYPE),
        arguments("6:4hello4:b4@@", List.of(Packet.message("hello")), Reason.BAD_BASE64),
        // a v4 payload sent on a v3 session
        arguments("4hello", List.of(), Reason.BAD_LENGTH));
  }

  @ParameterizedTest
  @MethodSource("v3StringMalformed")
  void v3StringMalformedKeepsThePacketsBeforeTheError(
      String wire, List<Packet> before, Reason reason) {
    assertDecoded(PayloadCodec.decodeV3String(wire), before, reason);
  }

  // ---------------------------------------------------------------- v3 binary payload

  static Stream<Arguments> v3BinaryVectors() {
    return Stream.of(
        // T/03 and docs/protocol.md §3.3
        arguments(
            "00 06 ff 34 68 65 6c 6c 6f 01 05 ff 04 01 02 03 04",
            List.of(Packet.message("hello"), BIN_1234)),
        arguments(
            "00 04 ff 34 e2 82 ac 01 05 ff 04 01 02 03 04",
            List.of(Packet.message("\u20ac"), BIN_1234)),
        // T/03: POST of a string-only binary payload '4€'
        arguments("00 04 ff 34 e2 82 ac", List.of(Packet.message("\u20ac"))),
        // multi-digit lengths: one byte per decimal digit
        arguments(
            Hex.hex(concat(bytes("00 01 02 ff"), "4hello world")),
            List.of(Packet.message("hello world"))),
        arguments(
            Hex.hex(concat(bytes("01 01 01 ff 04"), new byte[10])),
            List.of(Packet.message(new byte[10]))),
        arguments("00 01 ff 36 01 01 ff 04", List.of(Packet.NOOP, Packet.message(new byte[0]))),
        arguments("01 02 ff 02 07", List.of(Packet.binary(PacketType.PING, bytes("07")))),
        // supplementary char: 4 UTF-8 bytes
        arguments("00 05 ff 34 f0 9f 98 80", List.of(Packet.message("\ud83d\ude00"))),
        arguments("", List.of()));
  }

  @ParameterizedTest
  @MethodSource("v3BinaryVectors")
  void v3BinaryPayloads(String hex, List<Packet> packets) {
    assertThat(Hex.hex(PayloadCodec.encodeV3Binary(packets))).isEqualTo(hex);
    assertDecoded(PayloadCodec.decodeV3Binary(bytes(hex)), packets, null);
  }

  @Test
  void v3BinaryTextEntriesMayCarryBase64() {
    assertDecoded(
        PayloadCodec.decodeV3Binary(concat(bytes("00 01 00 ff"), "b4AQIDBA==")),
        List.of(BIN_1234),
        null);
  }

  static Stream<Arguments> v3BinaryMalformed() {
    return Stream.of(
        arguments("02 01 ff 36", List.of(), Reason.BAD_MARKER),
        arguments("ff", List.of(), Reason.BAD_MARKER),
        arguments("00", List.of(), Reason.TRUNCATED),
        arguments("00 06", List.of(), Reason.TRUNCATED),
        arguments("00 ff 34", List.of(), Reason.BAD_LENGTH),
        arguments("00 0a ff 34", List.of(), Reason.BAD_LENGTH),
        arguments("00 34 ff 34", List.of(), Reason.BAD_LENGTH),
        arguments("00 09 ff 34", List.of(), Reason.TRUNCATED),
        arguments("00 00 ff", List.of(), Reason.EMPTY),
        arguments("01 00 ff", List.of(), Reason.EMPTY),
        arguments("00 09 09 09 09 09 09 09 09 09 09 09 ff", List.of(), Reason.BAD_LENGTH),
        arguments("00 09 09 09 09 09 09 09 09 09 ff", List.of(), Reason.TRUNCATED),
        arguments("00 02 ff c3 28", List.of(), Reason.BAD_UTF8),
        arguments("00 04 ff 34 ed a0 80", List.of(), Reason.BAD_UTF8), // encoded lone surrogate
        arguments("00 01 ff 78", List.of(), Reason.UNKNOWN_TYPE),
        arguments("01 02 ff 07 00", List.of(), Reason.UNKNOWN_TYPE),
        arguments("00 01 ff 36 00 01 ff 78", List.of(Packet.NOOP), Reason.UNKNOWN_TYPE),
        arguments("00 01 ff 36 01 05 ff 04 01", List.of(Packet.NOOP), Reason.TRUNCATED),
        arguments("00 01 ff 36 00", List.of(Packet.NOOP), Reason.TRUNCATED));
  }

  @ParameterizedTest
  @MethodSource("v3BinaryMalformed")
  void v3BinaryMalformedKeepsThePacketsBeforeTheError(
      String hex, List<Packet> before, Reason reason) {
    assertDecoded(PayloadCodec.decodeV3Binary(bytes(hex)), before, reason);
  }

  @Test
  void decodedPayloadIsImmutable() {
    DecodedPayload d = PayloadCodec.decodeV4("4a");
    assertThat(d.hasError()).isFalse();
    org.junit.jupiter.api.Assertions.assertThrows(
        UnsupportedOperationException.class, () -> d.packets().add(Packet.PING));
  }

  static void assertDecoded(DecodedPayload d, List<Packet> packets, Reason reason) {
    assertThat(d.packets()).containsExactlyElementsOf(packets);
    if (reason == null) {
      assertThat(d.error()).isNull();
      assertThat(d.hasError()).isFalse();
    } else {
      assertThat(d.error()).isNotNull();
      assertThat(d.hasError()).isTrue();
      assertThat(d.error().reason()).isEqualTo(reason);
    }
  }
}
