package dev.eio4j.socketio.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.Message;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Byte-exact vectors: Socket.IO packets as the reference server 4.8.x and its clients put them on the wire
 * (the Engine.IO message prefix {@code 4} removed), decoded and encoded back to the same text and the same
 * attachments; and the inputs the reference refuses, each refused with a decode error.
 */
class SioCodecVectorsTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "0{\"token\":\"123\"}",
        "0{\"sid\":\"VcyzT8MB7lbh-UFwAAAA\"}",
        "2[\"auth\",{\"token\":\"123\"}]",
        "2[\"message\",1,\"2\",{\"3\":[true]}]",
        "2456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]",
        "3456[1,\"2\",{\"3\":[false]}]",
        "20[\"question\",1]",
        "30[\"yes\"]",
        "21[\"join\",\"r1\"]",
        "31[\"joined r1\"]",
        "0/custom,",
        "0/custom,{\"sid\":\"cGIZtNVjBX8BpVS2AAAC\"}",
        "2/custom,[\"auth\",{}]",
        "2/custom,7[\"message-with-ack\",\"a\"]",
        "3/custom,7[\"a\"]",
        "2/dyn-abc,[\"hello\",\"/dyn-abc\",{}]",
        "4/random,{\"message\":\"Invalid namespace\"}",
        "4/private,{\"message\":\"Not authorized\",\"data\":{\"code\":42}}",
        "1/custom,",
        "1",
        "1/dyn-abc,",
        "0/custom?token=abc,",
        "4/private,{\"code\":42}",
        "4/private2,\"Not authorized\"",
        "4/random,\"Invalid namespace\"",
        "2/custom,0[\"message-with-ack\",5]",
        "3/custom,0[5]",
        "0{\"pid\":\"qRhGN9pnCNQNoduLAAAT\",\"offset\":\"Q8HtSgZ\",\"token\":\"t\"}",
        "0{\"sid\":\"Abf8FSr6_CNchtnQAAAL\",\"pid\":\"v8GMr17j7EBYMajsAAAM\"}",
        "2[\"tick\",1,\"Q8HtSDi\"]"
      })
  void textPacketsRoundTripByteExact(String wire) throws Exception {
    SioPacket p = SioDecoder.decodeText(wire);
    SioEncoder.Encoded e = SioEncoder.encode(p);
    assertThat(e.text()).isEqualTo(wire);
    assertThat(e.attachments()).isEmpty();
  }

  @Test
  void fieldsOfADecodedPacket() throws Exception {
    SioPacket p = SioDecoder.decodeText("2/custom,7[\"message-with-ack\",\"a\"]");
    assertThat(p.type()).isEqualTo(SioPacketType.EVENT);
    assertThat(p.nsp()).isEqualTo("/custom");
    assertThat(p.id()).isEqualTo(7);
    assertThat(p.data().get(0).stringValue()).isEqualTo("message-with-ack");
    SioPacket v4 = SioDecoder.decodeText("0/custom?token=abc,");
    assertThat(v4.nsp()).isEqualTo("/custom?token=abc");
    assertThat(v4.data()).isNull();
    // no comma: the namespace runs to the end (the compliance suite sends these)
    assertThat(SioDecoder.decodeText("0/random").nsp()).isEqualTo("/random");
    assertThat(SioDecoder.decodeText("1/custom").nsp()).isEqualTo("/custom");
  }

  @Test
  void binaryEventFromTheClientIsReassembledAndEncodedBackExactly() throws Exception {
    String header =
        "52-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";
    SioDecoder d = new SioDecoder();
    assertThat(d.decode(Message.text(header))).isNull();
    assertThat(d.awaitingAttachments()).isTrue();
    assertThat(d.decode(Message.binary(new byte[] {1, 2, 3}))).isNull();
    SioPacket p = d.decode(Message.binary(new byte[] {4, 5, 6}));
    assertThat(d.awaitingAttachments()).isFalse();
    assertThat(p.type()).isEqualTo(SioPacketType.BINARY_EVENT);
    assertThat(p.id()).isEqualTo(789);
    assertThat(p.data().get(1).binaryValue()).containsExactly(1, 2, 3);
    assertThat(p.data().get(2).binaryValue()).containsExactly(4, 5, 6);

    // the server's answer: 462-789[...] + the same two frames
    ArrayNode args = F.arrayNode().add(p.data().get(1)).add(p.data().get(2));
    SioEncoder.Encoded ack = SioEncoder.encode(SioPacket.ack("/", 789, args));
    assertThat(ack.text())
        .isEqualTo("62-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
    assertThat(ack.attachments()).containsExactly(new byte[] {1, 2, 3}, new byte[] {4, 5, 6});
  }

  @Test
  void nestedBinaryIsNumberedDepthFirst() throws Exception {
    ObjectNode nested = F.objectNode();
    nested.set("nested", F.binaryNode(new byte[] {4}));
    nested.put("n", 1);
    ArrayNode args = F.arrayNode().add("bin").add(F.binaryNode(new byte[] {1, 2, 3})).add(nested);
    SioEncoder.Encoded e = SioEncoder.encode(SioPacket.event("/", SioPacket.NO_ID, args));
    assertThat(e.text())
        .isEqualTo(
            "52-[\"bin\",{\"_placeholder\":true,\"num\":0},{\"nested\":{\"_placeholder\":true,\"num\":1},\"n\":1}]");
    assertThat(e.attachments()).containsExactly(new byte[] {1, 2, 3}, new byte[] {4});
    assertThat(decodeAll(e)).isEqualTo(SioPacket.event("/", SioPacket.NO_ID, args));
  }

  @Test
  void libraryClientBinaryAckRequest() throws Exception {
    SioEncoder.Encoded wire =
        new SioEncoder.Encoded(
            "51-0[\"message-with-ack\",{\"a\":1},{\"_placeholder\":true,\"num\":0}]",
            List.of(new byte[] {9}));
    SioPacket p = decodeAll(wire);
    assertThat(p.data().get(2).binaryValue()).containsExactly(9);
    SioEncoder.Encoded back = SioEncoder.encode(p);
    assertThat(back.text()).isEqualTo(wire.text());
    assertThat(back.attachments()).containsExactly(new byte[] {9});
  }

  @Test
  void placeholderKeysInEitherOrder() throws Exception {
    SioDecoder d = new SioDecoder();
    assertThat(d.decode(Message.text("51-[\"x\",{\"num\":0,\"_placeholder\":true}]"))).isNull();
    SioPacket p = d.decode(Message.binary(new byte[] {7}));
    assertThat(p.data().get(1).binaryValue()).containsExactly(7);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", // empty
        "abc", // unknown type (4abc in the captures)
        "7[\"x\"]", // type out of range
        "2{}", // event payload not an array (42{})
        "2abc[\"message-with-ack\",1]", // not a number, not JSON (42abc[..])
        "2[]", // empty event
        "2", // event without payload
        "0[1]", // CONNECT payload not an object (40[1])
        "0\"x\"",
        "2[1]", // event name not a string
        "2[null]",
        "2[\"connect\"]", // reserved names
        "2[\"disconnect\",1]",
        "2[\"newListener\"]",
        "2[\"removeListener\"]",
        "2[\"disconnecting\"]",
        "2[\"connect_error\"]",
        "3[\"a\"]", // ack without id
        "31{}", // ack payload not an array
        "1{}", // DISCONNECT with payload
        "15", // DISCONNECT with an id
        "4[1]", // CONNECT_ERROR payload neither string nor object
        "2[\"a\"] trailing", // trailing garbage after the JSON
        "2[\"a\"", // truncated JSON
        "5[\"a\"]", // binary event without count
        "5x-[\"a\"]",
        "511-[\"a\"]", // 11 attachments > 10
        "52-[\"a\",{\"_placeholder\":true,\"num\":0}]", // count mismatch: 2 announced, 1
        // placeholder
        "51-[\"a\",{\"_placeholder\":true,\"num\":1}]", // index out of range
        "52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":0}]", // repeated index
        "51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]", // num not a number
        "51-[\"a\",{\"_placeholder\":true,\"num\":0,\"x\":1}]", // extra key
        "61-[{\"_placeholder\":true,\"num\":0}]", // binary ack without id
        "299999999999999999[\"a\"]", // ack id beyond 2^53-1
        "29007199254740992[\"a\"]"
      })
  void invalidInputIsADecodeError(String wire) {
    assertThatThrownBy(() -> new SioDecoder().decode(Message.text(wire)))
        .isInstanceOf(SioDecodeException.class);
  }

  @Test
  void attachmentCapIsConfigurable() throws Exception {
    String three =
        "53-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":2}]";
    assertThatThrownBy(() -> new SioDecoder(2).decode(Message.text(three)))
        .isInstanceOf(SioDecodeException.class)
        .hasMessageContaining("too many attachments");
    assertThat(new SioDecoder(3).decode(Message.text(three))).isNull();
  }

  @Test
  void deeplyNestedJsonIsADecodeErrorNotAStackOverflow() {
    String deep = "2[\"e\"," + "[".repeat(100_000) + "]".repeat(100_000) + "]";
    assertThatThrownBy(() -> SioDecoder.decodeText(deep)).isInstanceOf(SioDecodeException.class);
    String deepBinary =
        "51-[\"e\","
            + "{\"a\":".repeat(100_000)
            + "{\"_placeholder\":true,\"num\":0}"
            + "}".repeat(100_000)
            + "]";
    assertThatThrownBy(() -> new SioDecoder().decode(Message.text(deepBinary)))
        .isInstanceOf(SioDecodeException.class);
  }

  @Test
  void largestAckIdIsAccepted() throws Exception {
    assertThat(SioDecoder.decodeText("29007199254740991[\"a\"]").id()).isEqualTo(SioPacket.MAX_ID);
  }

  @Test
  void binaryWithoutAPendingPacketAndTextWhileOneIsPendingAreErrors() throws Exception {
    assertThatThrownBy(() -> new SioDecoder().decode(Message.binary(new byte[] {1})))
        .isInstanceOf(SioDecodeException.class)
        .hasMessageContaining("binary");
    SioDecoder d = new SioDecoder();
    d.decode(Message.text("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"));
    assertThatThrownBy(() -> d.decode(Message.text("2[\"b\"]")))
        .isInstanceOf(SioDecodeException.class)
        .hasMessageContaining("text");
  }

  @Test
  void errorMessagesDoNotEchoTheInput() {
    String secret = "2[\"a\" <script>secret</script>";
    assertThatThrownBy(() -> SioDecoder.decodeText(secret))
        .isInstanceOf(SioDecodeException.class)
        .message()
        .doesNotContain("secret");
  }

  @Test
  void packetsRefuseBinaryInNonBinaryTypes() {
    ArrayNode args = F.arrayNode().add("x").add(F.binaryNode(new byte[] {1}));
    assertThatThrownBy(() -> new SioPacket(SioPacketType.EVENT, "/", SioPacket.NO_ID, args))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SioPacket(SioPacketType.EVENT, "/a,b", SioPacket.NO_ID, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static SioPacket decodeAll(SioEncoder.Encoded e) throws SioDecodeException {
    SioDecoder d = new SioDecoder();
    List<SioPacket> out = new ArrayList<>();
    SioPacket p = d.decode(Message.text(e.text()));
    if (p != null) {
      out.add(p);
    }
    for (byte[] b : e.attachments()) {
      p = d.decode(Message.binary(b));
      if (p != null) {
        out.add(p);
      }
    }
    assertThat(out).hasSize(1);
    assertThat(d.awaitingAttachments()).isFalse();
    return out.get(0);
  }

  static JsonNode json(String s) {
    return SioJson.mapper().readTree(s);
  }
}
