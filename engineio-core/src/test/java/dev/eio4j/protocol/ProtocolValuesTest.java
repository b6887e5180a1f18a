package dev.eio4j.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PacketType, ProtocolVersion and TransportType lookups (docs/protocol.md §1, §2). */
class ProtocolValuesTest {

  @Test
  void packetTypesHaveTheWireCodesOfTheTable() {
    // docs/protocol.md §2: 0 open, 1 close, 2 ping, 3 pong, 4 message, 5 upgrade, 6 noop
    PacketType[] expected = {
      PacketType.OPEN,
      PacketType.CLOSE,
      PacketType.PING,
      PacketType.PONG,
      PacketType.MESSAGE,
      PacketType.UPGRADE,
      PacketType.NOOP
    };
    assertThat(PacketType.values()).containsExactly(expected);
    for (int code = 0; code < expected.length; code++) {
      PacketType t = expected[code];
      assertThat(t.code()).isEqualTo(code);
      assertThat(t.digit()).isEqualTo((char) ('0' + code));
      assertThat(PacketType.fromCode(code)).isSameAs(t);
      assertThat(PacketType.fromDigit((char) ('0' + code))).isSameAs(t);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 7, 9, 48, 52, 255, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void unknownCodesGiveNull(int code) {
    assertThat(PacketType.fromCode(code)).isNull();
  }

  @ParameterizedTest
  @ValueSource(chars = {'7', '8', '9', 'b', 'a', ':', ' ', '/', '\u0000', '\u0664', '\uffff'})
  void unknownDigitsGiveNull(char c) {
    assertThat(PacketType.fromDigit(c)).isNull();
  }

  @Test
  void protocolVersionFromQueryIsExact() {
    assertThat(ProtocolVersion.fromQuery("4")).isSameAs(ProtocolVersion.V4);
    assertThat(ProtocolVersion.fromQuery("3")).isSameAs(ProtocolVersion.V3);
    assertThat(ProtocolVersion.V3.number()).isEqualTo(3);
    assertThat(ProtocolVersion.V4.number()).isEqualTo(4);
    // T/05: the reference maps these to v3; the enum leaves that policy to the caller
    for (String eio : new String[] {null, "", "5", "abc", " 4", "4 ", "04", "3.0", "v4"}) {
      assertThat(ProtocolVersion.fromQuery(eio)).as("EIO=%s", eio).isNull();
    }
  }

  @Test
  void transportTypesByWireName() {
    assertThat(TransportType.POLLING.wireName()).isEqualTo("polling");
    assertThat(TransportType.WEBSOCKET.wireName()).isEqualTo("websocket");
    assertThat(TransportType.fromWireName("polling")).isSameAs(TransportType.POLLING);
    assertThat(TransportType.fromWireName("websocket")).isSameAs(TransportType.WEBSOCKET);
    for (String name :
        new String[] {null, "", "webtransport", "Polling", "WEBSOCKET", "foo", "polling "}) {
      assertThat(TransportType.fromWireName(name)).as("transport=%s", name).isNull();
    }
  }
}
