package dev.eio4j.servlet.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Joins the parts of one WebSocket message and enforces the size limit in bytes as they arrive, so
 * that a message over the limit is refused without being held. Text is counted in UTF-8 bytes (each
 * surrogate counts 2, so a pair counts its 4 bytes even when the container splits it between parts).
 * One per direction per session; container threads, one part at a time.
 */
final class MessageAssembler {
  private final long limit;
  private final StringBuilder text = new StringBuilder();
  private byte[] binary = new byte[0];
  private int binarySize;
  private long textBytes;

  MessageAssembler(long limit) {
    this.limit = limit;
  }

  /**
   * Adds a text part; returns the whole message when {@code last}, else null.
   *
   * @throws TooLarge when the message has passed the limit (the parts so far are dropped)
   */
  String text(String part, boolean last) throws TooLarge {
    textBytes += utf8Length(part);
    if (textBytes > limit) {
      text.setLength(0);
      textBytes = 0;
      throw new TooLarge();
    }
    if (last) {
      String whole;
      if (text.length() == 0) {
        whole = part;
      } else {
        whole = text.append(part).toString();
        text.setLength(0);
        if (text.capacity() > 64 * 1024) {
          text.trimToSize(); // do not keep a large message's buffer for the life of the session
        }
      }
      textBytes = 0;
      return whole;
    }
    text.append(part);
    return null;
  }

  /**
   * Adds a binary part (copied); returns the whole message when {@code last}, else null.
   *
   * @throws TooLarge when the message has passed the limit (the parts so far are dropped)
   */
  byte[] binary(ByteBuffer part, boolean last) throws TooLarge {
    int n = part.remaining();
    if ((long) binarySize + n > limit) {
      binary = new byte[0];
      binarySize = 0;
      throw new TooLarge();
    }
    if (last && binarySize == 0) {
      byte[] whole = new byte[n];
      part.get(whole);
      return whole;
    }
    if (binarySize + n > binary.length) {
      binary =
          Arrays.copyOf(
              binary,
              (int) Math.min(limit, Math.max((long) binary.length * 2, (long) binarySize + n)));
    }
    part.get(binary, binarySize, n);
    binarySize += n;
    if (!last) {
      return null;
    }
    byte[] whole = Arrays.copyOf(binary, binarySize);
    binary = new byte[0];
    binarySize = 0;
    return whole;
  }

  /** UTF-8 bytes of {@code s}; a surrogate counts 2 (a well-formed pair: 4). */
  static long utf8Length(CharSequence s) {
    long n = 0;
    for (int i = 0, len = s.length(); i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800 || Character.isSurrogate(c)) {
        n += 2;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** The message passed the limit. */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("Max payload size exceeded", null, false, false);
    }
  }
}
