package dev.eio4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoServer;
import dev.eio4j.testing.RawClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * WebSocket framing rules (RFC 6455) and permessage-deflate (RFC 7692) on the Netty runtime, with raw
 * frames on a loopback socket: the size limit on inflated data, UTF-8 in text messages (whole and
 * fragmented), and the protocol errors a server must fail the connection for, each with its close code.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketConformanceTest {
  static final int MAX = 1000;
  static final int RSV1 = 0x40;
  static final int RSV2 = 0x20;
  static final int CONTINUATION = 0;
  static final String WS = "/engine.io/?EIO=4&transport=websocket";
  static final String DEFLATE =
      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits";
  static EngineIoServer server;
  static EngineIoNettyServer running;
  static final BlockingQueue<String> opened = new LinkedBlockingQueue<>();
  static final Queue<String> messages = new ConcurrentLinkedQueue<>();
  static final Map<String, String> closes = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    server =
        EngineIoServer.builder()
            .pingInterval(Duration.ofSeconds(30))
            .pingTimeout(Duration.ofSeconds(30))
            .maxHttpBufferSize(MAX)
            .perMessageDeflate(true)
            .build();
    server.onConnection(
        s -> {
          opened.add(s.id());
          s.onMessage(
              m -> {
                messages.add(m.text());
                s.send(m.text());
              });
          s.onClose(
              (reason, description) ->
                  closes.put(
                      s.id(), reason.wireName() + (description == null ? "" : ": " + description)));
        });
    running =
        EngineIoNettyServer.builder(server)
            .host("127.0.0.1")
            .port(0)
            .ioThreads(1)
            .webSocketCloseTimeout(Duration.ofSeconds(2))
            .start();
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @BeforeEach
  void clear() {
    opened.clear();
    messages.clear();
  }

  @AfterEach
  void allConnectionsGone() throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (running.connectionCount() > 0 && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertThat(running.connectionCount()).as("every connection of the case closed").isZero();
  }

  // --- helpers

  /** Opens a WebSocket session; with {@code deflate}, permessage-deflate must have been agreed. */
  private static RawClient open(boolean deflate) throws IOException {
    RawClient c = RawClient.connect(running.port());
    RawClient.Response r = deflate ? c.upgrade(WS, DEFLATE) : c.upgrade(WS);
    assertThat(r.status()).isEqualTo(101);
    if (deflate) {
      assertThat(r.header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
    } else {
      assertThat(r.header("Sec-WebSocket-Extensions")).isNull();
      assertThat(c.readText()).startsWith("0{");
    }
    return c;
  }

  private static String sid() throws InterruptedException {
    String sid = opened.poll(10, TimeUnit.SECONDS);
    assertThat(sid).as("session opened").isNotNull();
    return sid;
  }

  private static String awaitClose(String sid) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (!closes.containsKey(sid) && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    return closes.get(sid);
  }

  /** One masked client frame with the given FIN flag, reserved bits and opcode. */
  static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload) {
    byte[] f = RawClient.frame(opcode, payload, true);
    f[0] = (byte) ((fin ? 0x80 : 0) | rsv | opcode);
    return f;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /**
   * The data of one compressed message as RFC 7692 §7.2.1 has it: raw deflate, each part ended by a
   * sync flush, the final {@code 00 00 ff ff} removed. One array per part, to be sent as fragments.
   */
  static List<byte[]> deflate(byte[]... parts) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      return deflate(d, parts);
    } finally {
      d.end();
    }
  }

  /** As {@link #deflate(byte[]...)}, continuing the stream of {@code d} (context takeover). */
  static List<byte[]> deflate(Deflater d, byte[]... parts) {
    byte[][] out = new byte[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      d.setInput(parts[i]);
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      int n;
      while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
        o.write(buf, 0, n);
      }
      out[i] = o.toByteArray();
    }
    byte[] last = out[parts.length - 1];
    assertThat(Arrays.copyOfRange(last, last.length - 4, last.length))
        .isEqualTo(bytes(0, 0, 0xff, 0xff));
    out[parts.length - 1] = Arrays.copyOf(last, last.length - 4);
    return List.of(out);
  }

  /** Sends {@code parts} as one compressed text message, one fragment per part. */
  static void sendDeflated(RawClient c, byte[]... parts) throws IOException {
    List<byte[]> z = deflate(parts);
    for (int i = 0; i < z.size(); i++) {
      c.write(
          frame(
              i == z.size() - 1,
              i == 0 ? RSV1 : 0,
              i == 0 ? RawClient.TEXT : CONTINUATION,
              z.get(i)));
    }
  }

  // --- permessage-deflate and the size limit

  @Test
  void aSmallDeflatedFrameThatInflatesPastTheLimitIsClosedWith1009() throws Exception {
    byte[] bomb = utf8("4" + "a".repeat(900_000));
    assertThat(deflate(bomb).get(0).length).as("on the wire, well under the limit").isLessThan(MAX);
    try (RawClient c = open(true)) {
      String sid = sid();
      sendDeflated(c, bomb);
      assertThat(c.awaitClose()).isEqualTo(1009);
      assertThat(awaitClose(sid)).isEqualTo("transport error: Max payload size exceeded");
    }
    assertThat(messages).isEmpty();
  }

  @Test
  void theLimitHoldsExactlyOnTheInflatedSize() throws Exception {
    String atLimit = "4" + "b".repeat(MAX - 1);
    try (RawClient c = open(true)) {
      String sid = sid();
      sendDeflated(c, utf8(atLimit));
      sendDeflated(c, utf8("4" + "c".repeat(MAX)));
      assertThat(c.awaitClose()).isEqualTo(1009);
      assertThat(awaitClose(sid)).isEqualTo("transport error: Max payload size exceeded");
    }
    assertThat(messages).containsExactly(atLimit.substring(1));
  }

  @Test
  void anIncompressibleMessageAtTheLimitPasses() throws Exception {
    StringBuilder sb = new StringBuilder("4");
    java.util.Random rnd = new java.util.Random(42);
    while (sb.length() < MAX) {
      sb.append((char) ('!' + rnd.nextInt(90)));
    }
    String atLimit = sb.toString();
    assertThat(deflate(utf8(atLimit)).get(0).length)
        .as("deflate gains nothing")
        .isGreaterThan(MAX * 3 / 4);
    try (RawClient c = open(true)) {
      sid();
      sendDeflated(c, utf8(atLimit));
      c.sendClose(1000);
      assertThat(c.awaitClose()).isEqualTo(1000);
    }
    assertThat(messages).containsExactly(atLimit.substring(1));
  }

  @Test
  void compressedMessagesMayReferToEarlierOnes() throws Exception {
    // one compression context for the connection (no client_no_context_takeover agreed): the second
    // message is mostly a back-reference into the first
    String text = "4" + "the same words again and again, ".repeat(20);
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    try (RawClient c = open(true)) {
      sid();
      for (int i = 0; i < 3; i++) {
        List<byte[]> z = deflate(d, utf8(text));
        c.write(frame(true, RSV1, RawClient.TEXT, z.get(0)));
        // the next message continues the stream after this one's sync flush (RFC 7692 §7.2.3.1)
        d.setInput(new byte[0]);
      }
      c.sendClose(1000);
      assertThat(c.awaitClose()).isEqualTo(1000);
    } finally {
      d.end();
    }
    assertThat(messages).containsExactly(text.substring(1), text.substring(1), text.substring(1));
  }

  @Test
  void withoutContextTakeoverEachMessageStandsAlone() throws Exception {
    try (RawClient c = RawClient.connect(running.port())) {
      RawClient.Response r =
          c.upgrade(WS, "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover");
      assertThat(r.status()).isEqualTo(101);
      // the server need not agree to the hint; a client that asked for it starts each message anew
      // either way
      assertThat(r.header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
      sid();
      sendDeflated(c, utf8("4first"));
      sendDeflated(c, utf8("4second"), utf8(" in two"));
      c.sendClose(1000);
      assertThat(c.awaitClose()).isEqualTo(1000);
    }
    assertThat(messages).containsExactly("first", "second in two");
  }

  @Test
  void aFragmentedDeflatedMessageIsLimitedOnItsInflatedTotal() throws Exception {
    try (RawClient c = open(true)) {
      String sid = sid();
      // each fragment inflates to 400 bytes, under the limit; the message to 1201
      sendDeflated(c, utf8("4" + "d".repeat(400)), utf8("d".repeat(400)), utf8("d".repeat(400)));
      assertThat(c.awaitClose()).isEqualTo(1009);
      assertThat(awaitClose(sid)).isEqualTo("transport error: Max payload size exceeded");
    }
    assertThat(messages).isEmpty();
  }

  @Test
  void fragmentedDeflatedMessagesUnderTheLimitArriveWhole() throws Exception {
    try (RawClient c = open(true)) {
      sid();
      sendDeflated(c, utf8("4x€"), utf8("y".repeat(300)), utf8("z€"));
      sendDeflated(c, utf8("4second"));
      c.sendClose(1000);
      assertThat(c.awaitClose()).isEqualTo(1000);
    }
    assertThat(messages).containsExactly("x€" + "y".repeat(300) + "z€", "second");
  }

  @Test
  void uncompressedFragmentsAreLimitedOnTheirTotal() throws Exception {
    try (RawClient c = open(false)) {
      String sid = sid();
      c.write(frame(false, 0, RawClient.TEXT, utf8("4" + "e".repeat(600))));
      c.write(frame(true, 0, CONTINUATION, utf8("e".repeat(600))));
      assertThat(c.awaitClose()).isEqualTo(1009);
      assertThat(awaitClose(sid)).isEqualTo("transport error: Max payload size exceeded");
    }
    assertThat(messages).isEmpty();
  }

  // --- UTF-8 (RFC 6455 §8.1)

  static Stream<Arguments> invalidUtf8() {
    return Stream.of(
        Arguments.of("a lone continuation byte", List.of(bytes('4', 0x80))),
        Arguments.of("a lead byte without its continuation", List.of(bytes('4', 0xc3, 0x28))),
        Arguments.of("an overlong encoding", List.of(bytes('4', 0xc0, 0xaf))),
        Arguments.of("an encoded surrogate", List.of(bytes('4', 0xed, 0xa0, 0x80))),
        Arguments.of("a code point past U+10FFFF", List.of(bytes('4', 0xf4, 0x90, 0x80, 0x80))),
        Arguments.of("a sequence cut at the end", List.of(bytes('4', 0xe2, 0x82))),
        Arguments.of(
            "across fragments, broken in the second", List.of(bytes('4', 0xe2, 0x82), bytes(0x28))),
        Arguments.of(
            "across fragments, cut at the end of the message",
            List.of(bytes('4', 'a'), bytes('b', 0xe2, 0x82))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidUtf8")
  void invalidUtf8InATextMessageIsClosedWith1007(String name, List<byte[]> fragments)
      throws Exception {
    try (RawClient c = open(false)) {
      String sid = sid();
      for (int i = 0; i < fragments.size(); i++) {
        c.write(
            frame(
                i == fragments.size() - 1,
                0,
                i == 0 ? RawClient.TEXT : CONTINUATION,
                fragments.get(i)));
      }
      assertThat(c.awaitClose()).isEqualTo(1007);
      assertThat(awaitClose(sid)).startsWith("transport error");
    }
    assertThat(messages).isEmpty();
  }

  @Test
  void invalidUtf8InACompressedMessageIsClosedWith1007() throws Exception {
    try (RawClient c = open(true)) {
      String sid = sid();
      sendDeflated(c, bytes('4', 0xc3, 0x28));
      assertThat(c.awaitClose()).isEqualTo(1007);
      assertThat(awaitClose(sid)).startsWith("transport error");
    }
    assertThat(messages).isEmpty();
  }

  @Test
  void utf8SplitAcrossFragmentsIsJoinedWhenValid() throws Exception {
    byte[] text = utf8("4€ and 𝄞 and é");
    try (RawClient c = open(false)) {
      sid();
      // one byte per fragment: every multi-byte character is split, with a ping in the middle
      for (int i = 0; i < text.length; i++) {
        c.write(
            frame(
                i == text.length - 1,
                0,
                i == 0 ? RawClient.TEXT : CONTINUATION,
                new byte[] {text[i]}));
        if (i == 2) {
          c.write(frame(true, 0, RawClient.PING, utf8("mid-message")));
        }
      }
      assertThat(c.readText()).isEqualTo("4€ and 𝄞 and é");
    }
    assertThat(messages).containsExactly("€ and 𝄞 and é");
  }

  // --- protocol errors (RFC 6455 §5)

  static Stream<Arguments> protocolErrors() {
    byte[] big = new byte[126];
    return Stream.of(
        Arguments.of("a ping over 125 bytes", frame(true, 0, RawClient.PING, big)),
        Arguments.of("a fragmented ping", frame(false, 0, RawClient.PING, utf8("p"))),
        Arguments.of(
            "a close over 125 bytes",
            frame(true, 0, RawClient.CLOSE, concat(bytes(0x03, 0xe8), big))),
        Arguments.of("reserved data opcode 3", frame(true, 0, 3, utf8("4x"))),
        Arguments.of("reserved control opcode 0xB", frame(true, 0, 0xb, utf8("x"))),
        Arguments.of(
            "RSV1 without permessage-deflate", frame(true, RSV1, RawClient.TEXT, utf8("4x"))),
        Arguments.of("RSV2", frame(true, RSV2, RawClient.TEXT, utf8("4x"))),
        Arguments.of("RSV3", frame(true, 0x10, RawClient.TEXT, utf8("4x"))),
        Arguments.of(
            "a continuation with nothing to continue", frame(true, 0, CONTINUATION, utf8("4x"))),
        Arguments.of(
            "a new message inside a fragmented one",
            concat(
                frame(false, 0, RawClient.TEXT, utf8("4a")),
                frame(true, 0, RawClient.TEXT, utf8("4b")))),
        Arguments.of("a close with a one-byte body", frame(true, 0, RawClient.CLOSE, bytes(0x03))),
        Arguments.of(
            "close code 1005 (never sent)", frame(true, 0, RawClient.CLOSE, bytes(0x03, 0xed))),
        Arguments.of(
            "close code 1006 (never sent)", frame(true, 0, RawClient.CLOSE, bytes(0x03, 0xee))),
        Arguments.of("close code 999", frame(true, 0, RawClient.CLOSE, bytes(0x03, 0xe7))),
        Arguments.of("close code 5000", frame(true, 0, RawClient.CLOSE, bytes(0x13, 0x88))),
        Arguments.of("an unmasked frame", RawClient.frame(RawClient.TEXT, utf8("4x"), false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protocolErrors")
  void protocolErrorsAreClosedWith1002(String name, byte[] bytes) throws Exception {
    try (RawClient c = open(false)) {
      String sid = sid();
      c.write(bytes);
      assertThat(c.awaitClose()).isEqualTo(1002);
      assertThat(awaitClose(sid)).startsWith("transport");
    }
    assertThat(messages).isEmpty();
  }

  @Test
  void compressedDataThatDoesNotInflateIsClosedWith1007() throws Exception {
    try (RawClient c = open(true)) {
      String sid = sid();
      // block type 3 does not exist in deflate (RFC 1951 §3.2.3)
      c.write(frame(true, RSV1, RawClient.TEXT, bytes(0xff, 0xff, 0xff, 0xff)));
      assertThat(c.awaitClose()).isEqualTo(1007);
      assertThat(awaitClose(sid)).startsWith("transport error");
    }
    assertThat(messages).isEmpty();
  }

  @Test
  void theRsv1OfACompressedMessageIsOnItsFirstFragmentOnly() throws Exception {
    try (RawClient c = open(true)) {
      String sid = sid();
      List<byte[]> z = deflate(utf8("4ab"), utf8("cd"));
      c.write(frame(false, RSV1, RawClient.TEXT, z.get(0)));
      c.write(frame(true, RSV1, CONTINUATION, z.get(1)));
      assertThat(c.awaitClose()).isEqualTo(1002);
      assertThat(awaitClose(sid)).startsWith("transport error");
    }
    assertThat(messages).isEmpty();
  }

  @Test
  void aPeerCloseIsAnsweredWithItsCode() throws Exception {
    for (int code : new int[] {1000, 1001, 3000, 4999}) {
      try (RawClient c = open(false)) {
        String sid = sid();
        c.sendClose(code);
        assertThat(c.awaitClose()).isEqualTo(code);
        assertThat(awaitClose(sid)).isEqualTo("transport close");
      }
    }
    // a close with a reason: the reason must be UTF-8 as well
    try (RawClient c = open(false)) {
      String sid = sid();
      c.write(frame(true, 0, RawClient.CLOSE, concat(bytes(0x03, 0xe8), bytes(0xc3, 0x28))));
      assertThat(c.awaitClose()).isEqualTo(1007);
      assertThat(awaitClose(sid)).startsWith("transport");
    }
  }

  @Test
  void binaryMessagesNeedNoUtf8() throws Exception {
    byte[] data = new byte[200];
    ThreadLocalRandom.current().nextBytes(data);
    try (RawClient c = open(false)) {
      sid();
      c.write(frame(false, 0, RawClient.BINARY, Arrays.copyOf(data, 100)));
      c.write(frame(true, 0, CONTINUATION, Arrays.copyOfRange(data, 100, 200)));
      c.sendClose(1000);
      assertThat(c.awaitClose()).isEqualTo(1000);
    }
  }
}
