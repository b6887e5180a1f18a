package dev.eio4j.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round-trip properties: decode(encode(x)) == x for every encoding of docs/protocol.md §3. */
class CodecPropertiesTest {

  @Provide
  Arbitrary<Packet> packetV4() {
    return Generators.packetV4();
  }

  @Provide
  Arbitrary<Packet> packetV3() {
    return Generators.packetV3();
  }

  @Provide
  Arbitrary<Packet> binaryMessage() {
    return Generators.bytes().map(Packet::message);
  }

  @Provide
  Arbitrary<Packet> binaryV3() {
    return Generators.packetV3().filter(Packet::isBinary);
  }

  @Provide
  Arbitrary<List<Packet>> payloadV4() {
    return Generators.list(Generators.packetV4Payload(), 1, 8);
  }

  @Provide
  Arbitrary<List<Packet>> payloadV3() {
    return Generators.list(Generators.packetV3(), 0, 8);
  }

  @Provide
  Arbitrary<String> text() {
    return Generators.text();
  }

  @Provide
  Arbitrary<String> textWithoutBackslash() {
    return Generators.text().map(s -> s.replace('\\', '/'));
  }

  @Provide
  Arbitrary<String> textWithoutBackslashBeforeLf() {
    return Generators.text().filter(s -> !s.contains("\\\n"));
  }

  @Property
  void textRoundTripV4(@ForAll("packetV4") Packet p) throws CodecException {
    assertThat(
            PacketCodec.decodeText(
                PacketCodec.encodeText(p, ProtocolVersion.V4), ProtocolVersion.V4))
        .isEqualTo(p);
  }

  @Property
  void textRoundTripV3(@ForAll("packetV3") Packet p) throws CodecException {
    assertThat(
            PacketCodec.decodeText(
                PacketCodec.encodeText(p, ProtocolVersion.V3), ProtocolVersion.V3))
        .isEqualTo(p);
  }

  @Property
  void binaryFrameRoundTripV4(@ForAll("binaryMessage") Packet p) throws CodecException {
    byte[] frame = PacketCodec.encodeBinaryFrame(p, ProtocolVersion.V4);
    assertThat(PacketCodec.decodeBinaryFrame(frame, ProtocolVersion.V4)).isEqualTo(p);
  }

  @Property
  void binaryFrameRoundTripV3(@ForAll("binaryV3") Packet p) throws CodecException {
    byte[] frame = PacketCodec.encodeBinaryFrame(p, ProtocolVersion.V3);
    assertThat(frame).hasSize(p.binary().length + 1);
    assertThat(PacketCodec.decodeBinaryFrame(frame, ProtocolVersion.V3)).isEqualTo(p);
  }

  @Property
  void payloadRoundTripV4(@ForAll("payloadV4") List<Packet> packets) {
    DecodedPayload d = PayloadCodec.decodeV4(PayloadCodec.encodeV4(packets));
    assertThat(d.error()).isNull();
    assertThat(d.packets()).containsExactlyElementsOf(packets);
  }

  @Property
  void stringPayloadRoundTripV3(@ForAll("payloadV3") List<Packet> packets) {
    String wire = PayloadCodec.encodeV3String(packets);
    DecodedPayload d = PayloadCodec.decodeV3String(wire);
    assertThat(d.error()).isNull();
    assertThat(d.packets()).containsExactlyElementsOf(packets);
  }

  @Property
  void binaryPayloadRoundTripV3(@ForAll("payloadV3") List<Packet> packets) {
    DecodedPayload d = PayloadCodec.decodeV3Binary(PayloadCodec.encodeV3Binary(packets));
    assertThat(d.error()).isNull();
    assertThat(d.packets()).containsExactlyElementsOf(packets);
  }

  @Property
  void v3StringLengthsCountUtf16Units(@ForAll("text") String text) {
    String encoded = PayloadCodec.encodeV3String(List.of(Packet.message(text)));
    assertThat(encoded).isEqualTo((text.length() + 1) + ":4" + text);
  }

  @Property
  void v3BinaryLengthsCountUtf8Bytes(@ForAll("text") String text) {
    byte[] encoded = PayloadCodec.encodeV3Binary(List.of(Packet.message(text)));
    int utf8 = ("4" + text).getBytes(StandardCharsets.UTF_8).length;
    StringBuilder digits = new StringBuilder();
    int i = 1;
    while ((encoded[i] & 0xff) != 0xff) {
      digits.append(encoded[i++]);
    }
    assertThat(encoded[0]).isZero();
    assertThat(Integer.parseInt(digits.toString())).isEqualTo(utf8);
    assertThat(encoded).hasSize(i + 1 + utf8);
  }

  @Property
  void jsonpWrapIsAValidLiteralOfThePayload(@ForAll("text") String payload) {
    String wrapped = Jsonp.wrap("7", payload);
    assertThat(wrapped).startsWith("___eio[7](\"").endsWith("\");");
    String literal = wrapped.substring("___eio[7](".length(), wrapped.length() - 2);
    assertThat(literal.chars()).noneMatch(c -> c < 0x20 || c == 0x2028 || c == 0x2029);
    assertThat(parseJsonString(literal)).isEqualTo(payload);
  }

  @Property
  void formBodyRoundTrip(@ForAll("textWithoutBackslash") String payload) throws CodecException {
    assertThat(Jsonp.decodeFormBody(JsonpTest.formBody(payload))).isEqualTo(payload);
  }

  @Property
  void formBodyRoundTripWithClientNewlineEscaping(
      @ForAll("textWithoutBackslashBeforeLf") String payload) throws CodecException {
    assertThat(Jsonp.decodeFormBody(JsonpTest.formBody(JsonpTest.clientEscape(payload))))
        .isEqualTo(payload);
  }

  /** A strict JSON string literal parser (test oracle for {@link Jsonp#wrap}). */
  static String parseJsonString(String literal) {
    assertThat(literal).startsWith("\"").endsWith("\"").hasSizeGreaterThanOrEqualTo(2);
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < literal.length() - 1; i++) {
      char c = literal.charAt(i);
      if (c == '"') {
        throw new AssertionError("unescaped quote at " + i);
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = literal.charAt(++i);
      switch (e) {
        case '"':
          sb.append('"');
          break;
        case '\\':
          sb.append('\\');
          break;
        case '/':
          sb.append('/');
          break;
        case 'b':
          sb.append('\b');
          break;
        case 'f':
          sb.append('\f');
          break;
        case 'n':
          sb.append('\n');
          break;
        case 'r':
          sb.append('\r');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'u':
          sb.append((char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
          i += 4;
          break;
        default:
          throw new AssertionError("bad escape \\" + e);
      }
    }
    return sb.toString();
  }
}
