package dev.eio4j.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageAssemblerTest {
  @Test
  void textIsCountedInUtf8BytesAtTheExactLimit() throws Exception {
    MessageAssembler m = new MessageAssembler(100);
    String atLimit = "4" + "x".repeat(99);
    assertThat(m.text(atLimit, true)).isEqualTo(atLimit);
    assertThatThrownBy(() -> m.text("4" + "x".repeat(100), true))
        .isInstanceOf(MessageAssembler.TooLarge.class);
    // 51 characters, 101 bytes: over (the error table's POST case, for frames)
    assertThatThrownBy(() -> new MessageAssembler(100).text("4" + "\u00e9".repeat(50), true))
        .isInstanceOf(MessageAssembler.TooLarge.class);
  }

  @Test
  void partsAreJoinedAndTheLimitCountsTheWholeMessage() throws Exception {
    MessageAssembler m = new MessageAssembler(10);
    assertThat(m.text("4hel", false)).isNull();
    assertThat(m.text("lo", true)).isEqualTo("4hello");
    assertThat(m.text("4ab", false)).isNull();
    // 3 + 8 = 11 bytes: over 10
    assertThatThrownBy(() -> m.text("cdefghij", false))
        .isInstanceOf(MessageAssembler.TooLarge.class);
  }

  @Test
  void aSurrogatePairSplitBetweenPartsCountsItsFourBytes() throws Exception {
    String emoji = "\uD83D\uDE00"; // U+1F600, 4 bytes in UTF-8
    String text = "4" + emoji.repeat(2); // 9 bytes
    assertThat(text.getBytes(StandardCharsets.UTF_8)).hasSize(9);
    MessageAssembler atLimit = new MessageAssembler(9);
    assertThat(atLimit.text(text.substring(0, 2), false)).isNull(); // "4" + a lone high surrogate
    assertThat(atLimit.text(text.substring(2), true)).isEqualTo(text);
    MessageAssembler under = new MessageAssembler(8);
    under.text(text.substring(0, 2), false);
    assertThatThrownBy(() -> under.text(text.substring(2), true))
        .isInstanceOf(MessageAssembler.TooLarge.class);
    assertThat(MessageAssembler.utf8Length("a\u00e9\u20ac" + emoji)).isEqualTo(1 + 2 + 3 + 4);
  }

  @Test
  void binaryPartsAreCopiedAndJoined() throws Exception {
    MessageAssembler m = new MessageAssembler(6);
    ByteBuffer first = ByteBuffer.wrap(new byte[] {1, 2, 3});
    assertThat(m.binary(first, false)).isNull();
    first.clear().put(new byte[] {9, 9, 9}); // the container reuses its buffer
    assertThat(m.binary(ByteBuffer.wrap(new byte[] {4, 5, 6}), true))
        .containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(m.binary(ByteBuffer.wrap(new byte[] {7}), true)).containsExactly(7);
    assertThatThrownBy(() -> m.binary(ByteBuffer.wrap(new byte[7]), true))
        .isInstanceOf(MessageAssembler.TooLarge.class);
    m.binary(ByteBuffer.wrap(new byte[4]), false);
    assertThatThrownBy(() -> m.binary(ByteBuffer.wrap(new byte[3]), true))
        .isInstanceOf(MessageAssembler.TooLarge.class);
  }
}
