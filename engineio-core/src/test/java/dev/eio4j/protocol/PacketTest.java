package dev.eio4j.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PacketTest {

  @Test
  void factoriesSetTypeAndData() {
    Packet none = Packet.of(PacketType.NOOP);
    assertThat(none.type()).isEqualTo(PacketType.NOOP);
    assertThat(none.text()).isNull();
    assertThat(none.binary()).isNull();
    assertThat(none.isBinary()).isFalse();

    Packet text = Packet.text(PacketType.OPEN, "{}");
    assertThat(text.type()).isEqualTo(PacketType.OPEN);
    assertThat(text.text()).isEqualTo("{}");
    assertThat(text.isBinary()).isFalse();

    byte[] data = {1, 2, 3};
    Packet bin = Packet.binary(PacketType.PING, data);
    assertThat(bin.isBinary()).isTrue();
    assertThat(bin.text()).isNull();
    assertThat(bin.binary()).isSameAs(data); // documented: no defensive copy

    assertThat(Packet.message("hi")).isEqualTo(Packet.text(PacketType.MESSAGE, "hi"));
    assertThat(Packet.message(new byte[] {1}))
        .isEqualTo(Packet.binary(PacketType.MESSAGE, new byte[] {1}));
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThatThrownBy(() -> Packet.of(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Packet.text(PacketType.MESSAGE, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Packet.message((String) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Packet.message((byte[]) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void constants() {
    assertThat(Packet.PING).isEqualTo(Packet.of(PacketType.PING));
    assertThat(Packet.PONG).isEqualTo(Packet.of(PacketType.PONG));
    assertThat(Packet.NOOP).isEqualTo(Packet.of(PacketType.NOOP));
    assertThat(Packet.CLOSE).isEqualTo(Packet.of(PacketType.CLOSE));
    assertThat(Packet.UPGRADE).isEqualTo(Packet.of(PacketType.UPGRADE));
    assertThat(Packet.PROBE_PING).isEqualTo(Packet.text(PacketType.PING, "probe"));
    assertThat(Packet.PROBE_PONG).isEqualTo(Packet.text(PacketType.PONG, "probe"));
    assertThat(Packet.PROBE_PING.isProbe()).isTrue();
    assertThat(Packet.PROBE_PONG.isProbe()).isTrue();
    assertThat(Packet.PING.isProbe()).isFalse();
    assertThat(Packet.text(PacketType.PING, "probe2").isProbe()).isFalse();
    assertThat(
            Packet.binary(
                    PacketType.PING, "probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .isProbe())
        .isFalse();
  }

  @Test
  void equalityIsByValue() {
    assertThat(Packet.message(new byte[] {1, 2}))
        .isEqualTo(Packet.message(new byte[] {1, 2}))
        .hasSameHashCodeAs(Packet.message(new byte[] {1, 2}));
    assertThat(Packet.message("a"))
        .isEqualTo(Packet.message("a"))
        .hasSameHashCodeAs(Packet.message("a"));
    assertThat(Packet.message(new byte[] {1, 2})).isNotEqualTo(Packet.message(new byte[] {1, 3}));
    assertThat(Packet.message("a")).isNotEqualTo(Packet.text(PacketType.PING, "a"));
    // no data, empty text and empty binary are three different packets
    assertThat(Packet.of(PacketType.MESSAGE)).isNotEqualTo(Packet.message(""));
    assertThat(Packet.message("")).isNotEqualTo(Packet.message(new byte[0]));
    assertThat(Packet.of(PacketType.MESSAGE)).isNotEqualTo(Packet.message(new byte[0]));
    assertThat(Packet.PING).isNotEqualTo(null).isNotEqualTo("2");
  }

  @Test
  void toStringIsReadableAndBounded() {
    assertThat(Packet.PING).hasToString("Packet[PING]");
    assertThat(Packet.message("hi \"x\"\n")).hasToString("Packet[MESSAGE \"hi \\\"x\\\"\\x0a\"]");
    assertThat(Packet.message(new byte[] {1, 2, (byte) 0xff}))
        .hasToString("Packet[MESSAGE binary(3) 0102ff]");
    assertThat(Packet.message(new byte[0])).hasToString("Packet[MESSAGE binary(0)]");
    String longText = "x".repeat(10_000);
    assertThat(Packet.message(longText).toString()).hasSizeLessThan(120).contains("(10000 chars)");
    assertThat(Packet.message(new byte[10_000]).toString())
        .hasSizeLessThan(120)
        .contains("binary(10000)");
  }
}
