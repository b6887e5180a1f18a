package dev.eio4j.interop;

import static dev.eio4j.interop.TestServer.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code perMessageDeflate} option (docs/protocol.md §8.3): off by default, so an offer of permessage-deflate
 * is declined; on, it is negotiated, and a compressed message (RFC 7692: raw deflate, RSV1, the trailing
 * {@code 00 00 ff ff} removed) is understood and echoed.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.eio4j.interop.Backend#selected")
class PerMessageDeflateTest {
  /** The runtime of this run of the suite. */
  @Parameter Backend backend;

  static final String OFFER =
      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits";
  static TestServer off;
  static TestServer on;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    off = TestServer.echo(backend, b -> b);
    on = TestServer.echo(backend, b -> b.perMessageDeflate(true));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    for (TestServer s : new TestServer[] {off, on}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void offByDefaultTheOfferIsDeclined() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.open(off.port(), target("EIO=4&transport=websocket"), OFFER)) {
      assertThat(ws.handshakeResponse().header("Sec-WebSocket-Extensions")).isNull();
      assertThat(ws.readText()).startsWith("0{\"sid\":");
      ws.sendText("4plain");
      assertThat(ws.readText()).isEqualTo("4plain");
    }
  }

  @Test
  void onTheExtensionIsNegotiatedAndCompressedMessagesAreEchoed() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.open(on.port(), target("EIO=4&transport=websocket"), OFFER)) {
      assertThat(ws.handshakeResponse().header("Sec-WebSocket-Extensions"))
          .startsWith("permessage-deflate");
      assertThat(text(ws.read())).startsWith("0{\"sid\":");
      String message = "4" + "compressible ".repeat(500);
      ws.sendFrame(RawWebSocket.OP_TEXT, deflate(message.getBytes(StandardCharsets.UTF_8)), true);
      assertThat(text(ws.read())).isEqualTo(message);
    }
    // without an offer: plain frames, as always
    try (RawWebSocket ws = RawWebSocket.open(on.port(), target("EIO=4&transport=websocket"))) {
      assertThat(ws.handshakeResponse().header("Sec-WebSocket-Extensions")).isNull();
      assertThat(ws.readText()).startsWith("0{\"sid\":");
    }
  }

  /** The text of a message, inflated when it came compressed. */
  private static String text(RawWebSocket.Frame f) throws DataFormatException {
    assertThat(f.opcode()).isEqualTo(RawWebSocket.OP_TEXT);
    byte[] bytes = f.compressed() ? inflate(f.payload()) : f.payload();
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
      out.write(buf, 0, n);
    }
    d.end();
    byte[] b = out.toByteArray();
    return java.util.Arrays.copyOf(b, b.length - 4); // without the 00 00 ff ff tail
  }

  private static byte[] inflate(byte[] data) throws DataFormatException {
    Inflater i = new Inflater(true);
    byte[] withTail = java.util.Arrays.copyOf(data, data.length + 4);
    withTail[withTail.length - 2] = (byte) 0xff;
    withTail[withTail.length - 1] = (byte) 0xff;
    i.setInput(withTail);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = i.inflate(buf)) > 0) {
      out.write(buf, 0, n);
    }
    i.end();
    return out.toByteArray();
  }
}
