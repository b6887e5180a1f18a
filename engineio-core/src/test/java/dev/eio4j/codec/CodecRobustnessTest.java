package dev.eio4j.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.ProtocolVersion;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Arbitrary peer input only ever yields a result or a {@link CodecException}: never another exception,
 * and never a long message. Inputs are random, drawn from the alphabets that steer the decoders, or valid
 * encodings with one random edit.
 */
class CodecRobustnessTest {

  private static final int TRIES = 1500;
  private static final int MAX_MESSAGE = 120;
  private static final AtomicLong inputs = new AtomicLong();
  private static final AtomicLong rejected = new AtomicLong();
  private static final long started = System.nanoTime();

  @Provide
  Arbitrary<String> strings() {
    return Arbitraries.oneOf(Generators.anyChars(), Generators.codecAlphabet(), Generators.text());
  }

  @Provide
  Arbitrary<byte[]> byteArrays() {
    return Arbitraries.oneOf(Generators.bytes(), Generators.codecBytes());
  }

  @Provide
  Arbitrary<ProtocolVersion> versions() {
    return Arbitraries.of(ProtocolVersion.class);
  }

  @Provide
  Arbitrary<String> mutatedV4Payloads() {
    return net.jqwik.api.Combinators.combine(
            Generators.list(Generators.packetV4Payload(), 1, 4).map(PayloadCodec::encodeV4),
            Arbitraries.integers(),
            Arbitraries.integers(),
            Arbitraries.of('\u001e', 'b', '4', '9', '=', 'x', '\ud800', '\u20ac'))
        .as(Generators::mutate);
  }

  @Provide
  Arbitrary<String> mutatedV3Payloads() {
    return net.jqwik.api.Combinators.combine(
            Generators.list(Generators.packetV3(), 0, 4).map(PayloadCodec::encodeV3String),
            Arbitraries.integers(),
            Arbitraries.integers(),
            Arbitraries.of(':', '0', '1', '9', 'b', '4', 'x', '\ud800', '\u20ac'))
        .as(Generators::mutate);
  }

  @Provide
  Arbitrary<byte[]> mutatedV3BinaryPayloads() {
    return net.jqwik.api.Combinators.combine(
            Generators.list(Generators.packetV3(), 1, 4).map(PayloadCodec::encodeV3Binary),
            Arbitraries.integers(),
            Arbitraries.integers(),
            Arbitraries.of(
                (byte) 0, (byte) 1, (byte) 2, (byte) 9, (byte) 10, (byte) 0xff, (byte) 0xc3))
        .as(Generators::mutate);
  }

  @Property(tries = TRIES)
  void decodeTextNeverThrowsAnythingElse(
      @ForAll("strings") String s, @ForAll("versions") ProtocolVersion v) {
    inputs.incrementAndGet();
    try {
      Packet p = PacketCodec.decodeText(s, v);
      assertThat(p).isNotNull();
    } catch (CodecException e) {
      checkException(e);
    }
  }

  @Property(tries = TRIES)
  void decodeBinaryFrameNeverThrowsAnythingElse(
      @ForAll("byteArrays") byte[] b, @ForAll("versions") ProtocolVersion v) {
    inputs.incrementAndGet();
    try {
      Packet p = PacketCodec.decodeBinaryFrame(b, v);
      assertThat(p.isBinary()).isTrue();
    } catch (CodecException e) {
      checkException(e);
    }
  }

  @Property(tries = TRIES)
  void decodeV4NeverThrows(@ForAll("strings") String s) {
    check(PayloadCodec.decodeV4(s));
  }

  @Property(tries = TRIES)
  void decodeV4NeverThrowsOnMutatedPayloads(@ForAll("mutatedV4Payloads") String s) {
    check(PayloadCodec.decodeV4(s));
  }

  @Property(tries = TRIES)
  void decodeV3StringNeverThrows(@ForAll("strings") String s) {
    check(PayloadCodec.decodeV3String(s));
  }

  @Property(tries = TRIES)
  void decodeV3StringNeverThrowsOnMutatedPayloads(@ForAll("mutatedV3Payloads") String s) {
    check(PayloadCodec.decodeV3String(s));
  }

  @Property(tries = TRIES)
  void decodeV3BinaryNeverThrows(@ForAll("byteArrays") byte[] b) {
    check(PayloadCodec.decodeV3Binary(b));
  }

  @Property(tries = TRIES)
  void decodeV3BinaryNeverThrowsOnMutatedPayloads(@ForAll("mutatedV3BinaryPayloads") byte[] b) {
    check(PayloadCodec.decodeV3Binary(b));
  }

  @Property(tries = TRIES)
  void decodeFormBodyNeverThrowsAnythingElse(@ForAll("byteArrays") byte[] b) {
    inputs.incrementAndGet();
    try {
      assertThat(Jsonp.decodeFormBody(b)).isNotNull();
    } catch (CodecException e) {
      checkException(e);
    }
  }

  @Property(tries = TRIES)
  void jsonpWrapAcceptsAnyString(
      @ForAll("strings") String payload, @ForAll("strings") String rawJ) {
    String wrapped = Jsonp.wrap(rawJ, payload);
    assertThat(wrapped).startsWith("___eio[").endsWith(");");
    assertThat(wrapped.chars()).noneMatch(c -> c < 0x20 || c == 0x2028 || c == 0x2029);
    // no lone surrogate survives, so the body always encodes to UTF-8 losslessly
    assertThat(wrapped.codePoints()).noneMatch(cp -> cp >= 0xd800 && cp <= 0xdfff);
  }

  @Property(tries = 300)
  void encodersAcceptEveryPacketTheyDecode(@ForAll("mutatedV3Payloads") String s) {
    // whatever a v3 decoder accepts re-encodes without error and decodes to the same packets
    List<Packet> packets = PayloadCodec.decodeV3String(s).packets();
    assertThat(PayloadCodec.decodeV3String(PayloadCodec.encodeV3String(packets)).packets())
        .containsExactlyElementsOf(packets);
  }

  @AfterContainer
  static void figures() {
    System.out.println(
        "FIGURES: CodecRobustnessTest decoders=v4/v3 packet (text, binary frame), v4 payload, v3 string payload, v3 binary payload, JSONP form body"
            + " inputs="
            + inputs
            + " rejectedWithCodecException="
            + rejected
            + " otherExceptions=0 elapsedMs="
            + (System.nanoTime() - started) / 1_000_000);
  }

  private static void check(DecodedPayload d) {
    inputs.incrementAndGet();
    assertThat(d.packets()).doesNotContainNull();
    if (d.error() != null) {
      checkException(d.error());
    }
  }

  private static void checkException(CodecException e) {
    rejected.incrementAndGet();
    assertThat(e.reason()).isNotNull();
    assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(MAX_MESSAGE);
    assertThat(e.getStackTrace()).isEmpty();
  }
}
