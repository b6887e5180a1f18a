package dev.eio4j.codec;

import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.PacketType;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** jqwik generators shared by the codec properties. */
final class Generators {

  private Generators() {}

  /**
   * Well-formed UTF-16 text: mostly ASCII, with control chars (0x1E included), BMP chars, supplementary
   * chars (surrogate pairs), and the chars that matter to the codecs ({@code \ " n b : 4 U+2028 U+2029}).
   */
  @SuppressWarnings("unchecked")
  static Arbitrary<String> text() {
    Arbitrary<Integer> codePoint =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.integers().between(0x20, 0x7e)),
            Tuple.of(2, Arbitraries.integers().between(0x00, 0x1f)),
            Tuple.of(2, Arbitraries.integers().between(0x80, 0xd7ff)),
            Tuple.of(1, Arbitraries.integers().between(0xe000, 0xffff)),
            Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10ffff)),
            Tuple.of(
                2,
                Arbitraries.of(
                    0x1e,
                    0x2028,
                    0x2029,
                    (int) '\\',
                    (int) '"',
                    (int) 'n',
                    (int) '\n',
                    (int) 'b',
                    (int) ':',
                    (int) '4',
                    0x7f,
                    0x20ac,
                    0x1f600)));
    return codePoint.list().ofMaxSize(24).map(Generators::fromCodePoints);
  }

  /** Text that never contains the v4 separator 0x1E. */
  static Arbitrary<String> textWithoutSeparator() {
    return text().map(s -> s.replace('\u001e', '_'));
  }

  /** Arbitrary UTF-16 units, lone surrogates included. */
  static Arbitrary<String> anyChars() {
    return Arbitraries.integers()
        .between(0, 0xffff)
        .map(i -> (char) i.intValue())
        .list()
        .ofMaxSize(40)
        .map(Generators::fromChars);
  }

  /** Strings over the chars that steer the text decoders. */
  static Arbitrary<String> codecAlphabet() {
    return Arbitraries.strings()
        .withChars("0123456789:b4AQID=+/\u001e\\nd&%x\u20ac")
        .ofMaxLength(40);
  }

  static Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
  }

  /** Bytes biased to the values that steer the v3 binary decoder and the form decoder. */
  static Arbitrary<byte[]> codecBytes() {
    return Arbitraries.of(
            (byte) 0,
            (byte) 1,
            (byte) 2,
            (byte) 4,
            (byte) 9,
            (byte) 10,
            (byte) 0xff,
            (byte) 0x34,
            (byte) 0xe2,
            (byte) 0x82,
            (byte) 0xac,
            (byte) 'd',
            (byte) '=',
            (byte) '&',
            (byte) '%',
            (byte) '+',
            (byte) '\\',
            (byte) 'n',
            (byte) 'F')
        .list()
        .ofMaxSize(40)
        .map(
            list -> {
              byte[] b = new byte[list.size()];
              for (int i = 0; i < b.length; i++) {
                b[i] = list.get(i);
              }
              return b;
            });
  }

  /** Packets that survive a v4 text or frame round trip. */
  static Arbitrary<Packet> packetV4() {
    return Arbitraries.oneOf(textPackets(text()), bytes().map(Packet::message));
  }

  /** Packets that survive a v4 payload round trip (no 0x1E in text). */
  static Arbitrary<Packet> packetV4Payload() {
    return Arbitraries.oneOf(textPackets(textWithoutSeparator()), bytes().map(Packet::message));
  }

  /** Packets that survive a v3 round trip: binary packets of any type. */
  static Arbitrary<Packet> packetV3() {
    Arbitrary<Packet> binary =
        Combinators.combine(Arbitraries.of(PacketType.class), bytes()).as(Packet::binary);
    return Arbitraries.oneOf(textPackets(text()), binary);
  }

  /**
   * Text packets in the canonical form a decoder returns: messages always have text ({@code "4"} decodes
   * to an empty message), other types have no data or non-empty text.
   */
  static Arbitrary<Packet> textPackets(Arbitrary<String> text) {
    Arbitrary<Packet> messages = text.map(Packet::message);
    Arbitrary<Packet> others =
        Combinators.combine(
                Arbitraries.of(PacketType.class).filter(t -> t != PacketType.MESSAGE),
                text.filter(s -> !s.isEmpty()).injectNull(0.3))
            .as((t, s) -> s == null ? Packet.of(t) : Packet.text(t, s));
    return Arbitraries.oneOf(messages, others);
  }

  static Arbitrary<List<Packet>> list(Arbitrary<Packet> packets, int min, int max) {
    return packets.list().ofMinSize(min).ofMaxSize(max);
  }

  /** Applies one edit to {@code s}: delete, insert or replace the char at {@code pos % (len+1)}. */
  static String mutate(String s, int op, int pos, char c) {
    int at = Math.floorMod(pos, s.length() + 1);
    switch (Math.floorMod(op, 3)) {
      case 0:
        return at < s.length() ? s.substring(0, at) + s.substring(at + 1) : s;
      case 1:
        return s.substring(0, at) + c + s.substring(at);
      default:
        return at < s.length() ? s.substring(0, at) + c + s.substring(at + 1) : s + c;
    }
  }

  /** Byte version of {@link #mutate(String, int, int, char)}. */
  static byte[] mutate(byte[] b, int op, int pos, byte v) {
    int at = Math.floorMod(pos, b.length + 1);
    switch (Math.floorMod(op, 3)) {
      case 0:
        {
          if (at == b.length) {
            return b;
          }
          byte[] out = new byte[b.length - 1];
          System.arraycopy(b, 0, out, 0, at);
          System.arraycopy(b, at + 1, out, at, b.length - at - 1);
          return out;
        }
      case 1:
        {
          byte[] out = new byte[b.length + 1];
          System.arraycopy(b, 0, out, 0, at);
          out[at] = v;
          System.arraycopy(b, at, out, at + 1, b.length - at);
          return out;
        }
      default:
        {
          byte[] out = b.clone();
          if (at < out.length) {
            out[at] = v;
          }
          return out;
        }
    }
  }

  private static String fromCodePoints(List<Integer> cps) {
    StringBuilder sb = new StringBuilder();
    for (int cp : cps) {
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }

  private static String fromChars(List<Character> chars) {
    StringBuilder sb = new StringBuilder(chars.size());
    for (char c : chars) {
      sb.append(c);
    }
    return sb.toString();
  }
}
