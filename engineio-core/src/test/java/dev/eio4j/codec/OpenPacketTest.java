package dev.eio4j.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Handshake JSON, docs/protocol.md §4.2. */
class OpenPacketTest {

  @Test
  void pollingHandshakeIs118Bytes() {
    // T/01: v4 polling handshake, Content-Length 118
    String json =
        OpenPacket.json("jgWZRV2K_tdOeFZ7AAAE", List.of("websocket"), 25000, 20000, 1_000_000);
    assertThat("0" + json)
        .isEqualTo(
            "0{\"sid\":\"jgWZRV2K_tdOeFZ7AAAE\",\"upgrades\":[\"websocket\"],"
                + "\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}")
        .hasSize(118);
  }

  @Test
  void websocketHandshakeHasNoUpgrades() {
    // T/08 A, T/05b J
    assertThat(OpenPacket.json("DIiesXgJRz3Z49bsAAAo", List.of(), 25000, 20000, 1_000_000))
        .isEqualTo(
            "{\"sid\":\"DIiesXgJRz3Z49bsAAAo\",\"upgrades\":[],\"pingInterval\":25000,"
                + "\"pingTimeout\":20000,\"maxPayload\":1000000}");
    assertThat(OpenPacket.json("2-SYmoKElwPwiFZ4AAAB", List.of(), 25000, 20000, 100))
        .endsWith(",\"maxPayload\":100}");
  }

  @Test
  void compliancesuiteValues() {
    // docs/protocol.md §10: pingInterval 300, pingTimeout 200
    assertThat(OpenPacket.json("s", List.of("websocket", "webtransport"), 300, 200, 1_000_000))
        .isEqualTo(
            "{\"sid\":\"s\",\"upgrades\":[\"websocket\",\"webtransport\"],\"pingInterval\":300,"
                + "\"pingTimeout\":200,\"maxPayload\":1000000}");
  }

  @Test
  void stringsAreJsonEscaped() {
    assertThat(OpenPacket.json("a\"b\\c\n\u0001\u2028", List.of("x\"y"), 1, 2, 3))
        .isEqualTo(
            "{\"sid\":\"a\\\"b\\\\c\\n\\u0001\u2028\",\"upgrades\":[\"x\\\"y\"],"
                + "\"pingInterval\":1,\"pingTimeout\":2,\"maxPayload\":3}");
  }
}
