package dev.eio4j.socketio.parser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.Message;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Properties of the codec: encode then decode is the identity; any input decodes or fails cleanly. */
class SioCodecPropertiesTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  @Property(tries = 500)
  void encodeThenDecodeIsTheIdentity(@ForAll("packets") SioPacket packet) throws Exception {
    SioEncoder.Encoded e = SioEncoder.encode(packet);
    assertThat(SioCodecVectorsTest.decodeAll(e)).isEqualTo(packet);
  }

  @Property(tries = 2000)
  void arbitraryTextDecodesOrFailsWithADecodeError(@ForAll("noise") String text) {
    try {
      SioPacket p = new SioDecoder().decode(Message.text(text));
      if (p != null) {
        assertThat(p.type()).isNotNull();
      }
    } catch (SioDecodeException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 500)
  void arbitraryMessageSequencesDecodeOrFailWithADecodeError(
      @ForAll("sequences") List<Message> messages) {
    SioDecoder d = new SioDecoder(3);
    try {
      for (Message m : messages) {
        d.decode(m);
      }
    } catch (SioDecodeException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> noise() {
    Arbitrary<String> pieces =
        Arbitraries.of(
            "0",
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "9",
            "-",
            "/",
            "/nsp",
            ",",
            "12",
            "3-",
            "[",
            "]",
            "{",
            "}",
            "\"",
            "\"a\"",
            "\"_placeholder\"",
            ":",
            "true",
            "\"num\"",
            "1e999",
            "null",
            "?x=y",
            "\\",
            "\u0000",
            "é");
    Arbitrary<String> structured = pieces.list().ofMaxSize(14).map(l -> String.join("", l));
    return Arbitraries.oneOf(structured, Arbitraries.strings().ofMaxLength(40));
  }

  @Provide
  Arbitrary<List<Message>> sequences() {
    Arbitrary<Message> text = noise().map(Message::text);
    Arbitrary<Message> placeholderHeader =
        Arbitraries.integers()
            .between(0, 4)
            .map(
                n -> {
                  StringBuilder sb = new StringBuilder("5" + n + "-[\"e\"");
                  for (int i = 0; i < n; i++) {
                    sb.append(",{\"_placeholder\":true,\"num\":").append(i).append('}');
                  }
                  return Message.text(sb.append(']').toString());
                });
    Arbitrary<Message> binary =
        Arbitraries.bytes().array(byte[].class).ofMaxSize(4).map(Message::binary);
    return Arbitraries.oneOf(text, placeholderHeader, binary).list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<SioPacket> packets() {
    Arbitrary<String> nsp = Arbitraries.of("/", "/chat", "/dyn-abc", "/custom?token=abc", "/é");
    Arbitrary<Long> id =
        Arbitraries.oneOf(
            Arbitraries.just(SioPacket.NO_ID), Arbitraries.longs().between(0, SioPacket.MAX_ID));
    Arbitrary<SioPacket> connect =
        Combinators.combine(
                nsp, Arbitraries.oneOf(Arbitraries.just((JsonNode) null), object(false, 2)))
            .as((n, d) -> new SioPacket(SioPacketType.CONNECT, n, SioPacket.NO_ID, d));
    Arbitrary<SioPacket> disconnect =
        nsp.map(n -> new SioPacket(SioPacketType.DISCONNECT, n, SioPacket.NO_ID, null));
    Arbitrary<SioPacket> connectError =
        Combinators.combine(
                nsp,
                Arbitraries.oneOf(
                    Arbitraries.strings().ofMaxLength(10).map(F::stringNode), object(false, 2)))
            .as((n, d) -> new SioPacket(SioPacketType.CONNECT_ERROR, n, SioPacket.NO_ID, d));
    Arbitrary<SioPacket> event =
        Combinators.combine(nsp, id, eventName(), value(true, 3).list().ofMaxSize(4))
            .as(
                (n, i, name, rest) -> {
                  ArrayNode a = F.arrayNode().add(name);
                  rest.forEach(a::add);
                  return SioPacket.event(n, i, a);
                })
            .filter(p -> countBinary(p.data()) <= SioDecoder.DEFAULT_MAX_ATTACHMENTS);
    Arbitrary<SioPacket> ack =
        Combinators.combine(
                nsp,
                Arbitraries.longs().between(0, SioPacket.MAX_ID),
                value(true, 3).list().ofMaxSize(4))
            .as(
                (n, i, rest) -> {
                  ArrayNode a = F.arrayNode();
                  rest.forEach(a::add);
                  return SioPacket.ack(n, i, a);
                })
            .filter(p -> countBinary(p.data()) <= SioDecoder.DEFAULT_MAX_ATTACHMENTS);
    return Arbitraries.oneOf(connect, disconnect, connectError, event, ack);
  }

  private static Arbitrary<String> eventName() {
    return Arbitraries.strings()
        .ofMaxLength(12)
        .filter(s -> !SioDecoder.RESERVED_EVENTS.contains(s));
  }

  /**
   * JSON trees up to {@code depth} levels of containers. Each level is built once from the one below (no
   * lazy recursion, no unique-key maps), so generation time is bounded.
   */
  private static Arbitrary<JsonNode> value(boolean binary, int depth) {
    Arbitrary<JsonNode> level =
        Arbitraries.oneOf(
            Arbitraries.integers().map(i -> (JsonNode) F.numberNode(i)),
            Arbitraries.strings().ofMaxLength(8).map(s -> (JsonNode) F.stringNode(s)),
            Arbitraries.of(true, false).map(b -> (JsonNode) F.booleanNode(b)),
            Arbitraries.just((JsonNode) F.nullNode()),
            binary
                ? Arbitraries.bytes()
                    .array(byte[].class)
                    .ofMaxSize(5)
                    .map(b -> (JsonNode) F.binaryNode(b))
                : Arbitraries.just((JsonNode) F.nullNode()));
    for (int d = 0; d < depth; d++) {
      Arbitrary<JsonNode> below = level;
      level =
          Arbitraries.frequencyOf(
              Tuple.of(2, below), Tuple.of(1, objectOf(below)), Tuple.of(1, arrayOf(below)));
    }
    return level;
  }

  private static Arbitrary<JsonNode> object(boolean binary, int depth) {
    return objectOf(value(binary, depth));
  }

  private static Arbitrary<JsonNode> objectOf(Arbitrary<JsonNode> values) {
    Arbitrary<String> keys =
        Arbitraries.strings().ofMaxLength(6).filter(k -> !k.equals(Placeholders.KEY));
    return Combinators.combine(keys, values)
        .as(Tuple::of)
        .list()
        .ofMaxSize(3)
        .map(
            entries -> {
              ObjectNode o = F.objectNode();
              entries.forEach(
                  e -> o.set(e.get1(), e.get2())); // a repeated key keeps the last value
              return o;
            });
  }

  private static Arbitrary<JsonNode> arrayOf(Arbitrary<JsonNode> values) {
    return values
        .list()
        .ofMaxSize(3)
        .map(
            l -> {
              ArrayNode a = F.arrayNode();
              l.forEach(a::add);
              return a;
            });
  }

  private static int countBinary(JsonNode n) {
    if (n.isBinary()) {
      return 1;
    }
    int c = 0;
    for (JsonNode child : n.values()) {
      c += countBinary(child);
    }
    return c;
  }
}
