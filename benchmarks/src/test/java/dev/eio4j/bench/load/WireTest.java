package dev.eio4j.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireTest {
  private final ByteBuf pad =
      Unpooled.wrappedBuffer("xxxxxxxxxx".getBytes(StandardCharsets.US_ASCII));

  @Test
  void stampedMessagesCarryTheirSendTime() {
    for (long stamp :
        new long[] {
          0, 1, 123_456_789_012L, System.nanoTime(), -5, Long.MAX_VALUE, Long.MIN_VALUE
        }) {
      ByteBuf b = Unpooled.buffer();
      b.writeByte('4');
      Wire.writeMessage(b, stamp, 45, pad);
      assertThat(b.readableBytes()).isEqualTo(46);
      assertThat(Wire.readStamp(b, 1, 45)).isEqualTo(stamp < 0 ? stamp : stamp);
      String s = b.toString(StandardCharsets.US_ASCII);
      assertThat(s).matches("4[0-9a-f]{16}x{29}");
      assertThat(Wire.readStamp(s, 1, 45)).isEqualTo(stamp);
      assertThat(Wire.message(stamp, 45)).isEqualTo(s.substring(1));
      b.release();
    }
    // exactly the stamp, and a size larger than the pad buffer
    ByteBuf b = Unpooled.buffer();
    Wire.writeMessage(b, 99, 16, pad);
    assertThat(b.readableBytes()).isEqualTo(16);
    b.clear();
    Wire.writeMessage(b, 99, 4096, pad);
    assertThat(b.readableBytes()).isEqualTo(4096);
  }

  @Test
  void unstampedMessagesAreRecognised() {
    assertThat(Wire.readStamp("yyyyyyyyyyyyyyyyyyyy", 0, 20)).isEqualTo(-1);
    assertThat(Wire.readStamp("0123456789abcdeF", 0, 16)).isEqualTo(-1); // upper case is not ours
    assertThat(Wire.readStamp("0123", 0, 4)).isEqualTo(-1);
    ByteBuf b = Unpooled.copiedBuffer("broadcast:10:32xxxxxxxx", StandardCharsets.US_ASCII);
    assertThat(Wire.readStamp(b, 0, b.readableBytes())).isEqualTo(-1);
  }

  @Test
  void splitsV4Payloads() {
    List<String> parts = new ArrayList<>();
    int n =
        Wire.forEachV4("4hello\u001e2\u001e4€ x\u001e6", (b, s, e) -> parts.add(b.substring(s, e)));
    assertThat(n).isEqualTo(4);
    assertThat(parts).containsExactly("4hello", "2", "4€ x", "6");
    assertThatThrownBy(() -> Wire.forEachV4("4a\u001e\u001e4b", (b, s, e) -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Wire.forEachV4("", (b, s, e) -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void walksV3Payloads() {
    List<String> parts = new ArrayList<>();
    // lengths count UTF-16 units: "4€ 😀" is 5 (the emoji is two)
    int n = Wire.forEachV3("6:4hello1:30:5:4€ 😀", (b, s, e) -> parts.add(b.substring(s, e)));
    assertThat(n).isEqualTo(3);
    assertThat(parts).containsExactly("4hello", "3", "4€ 😀");
    parts.clear();
    String open =
        "0{\"sid\":\"abc\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}";
    Wire.forEachV3(open.length() + ":" + open, (b, s, e) -> parts.add(b.substring(s, e)));
    assertThat(parts).hasSize(1);
    assertThat(Wire.parseOpen(parts.get(0).substring(1)).sid()).isEqualTo("abc");
    for (String bad : new String[] {"", "6:4hi", "x:4hi", "4hello", "2:4hi9"}) {
      assertThatThrownBy(() -> Wire.forEachV3(bad, (b, s, e) -> {}))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    ByteBuf b = Unpooled.buffer();
    Wire.writeV3Length(b, 33);
    assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("33:");
  }

  @Test
  void readsTheHandshake() {
    Wire.OpenInfo o =
        Wire.parseOpen(
            "{\"sid\":\"XOPMNoYYwJ5ouC0oAAAA\",\"upgrades\":[\"websocket\"],\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":1000000}");
    assertThat(o).isEqualTo(new Wire.OpenInfo("XOPMNoYYwJ5ouC0oAAAA", 300, 200, 1_000_000));
    assertThatThrownBy(() -> Wire.parseOpen("{\"upgrades\":[]}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Wire.parseOpen("not json"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
