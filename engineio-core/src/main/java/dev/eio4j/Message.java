package dev.eio4j;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One application message: text or binary. Use {@link #isBinary()} to tell them apart.
 *
 * <p>Binary messages wrap the array without copying; neither side may modify it afterwards.
 */
public final class Message {
  private final String text;
  private final byte[] bytes;

  private Message(String text, byte[] bytes) {
    this.text = text;
    this.bytes = bytes;
  }

  /** A text message. */
  public static Message text(String text) {
    return new Message(Objects.requireNonNull(text, "text"), null);
  }

  /** A binary message wrapping {@code bytes} (not copied). */
  public static Message binary(byte[] bytes) {
    return new Message(null, Objects.requireNonNull(bytes, "bytes"));
  }

  /** True for a binary message. */
  public boolean isBinary() {
    return bytes != null;
  }

  /** True for a text message. */
  public boolean isText() {
    return text != null;
  }

  /**
   * The text.
   *
   * @throws IllegalStateException for a binary message
   */
  public String text() {
    if (text == null) {
      throw new IllegalStateException("binary message: use bytes()");
    }
    return text;
  }

  /**
   * The bytes (not a copy).
   *
   * @throws IllegalStateException for a text message
   */
  public byte[] bytes() {
    if (bytes == null) {
      throw new IllegalStateException("text message: use text()");
    }
    return bytes;
  }

  /** A read-only view of the bytes of a binary message. */
  public ByteBuffer byteBuffer() {
    return ByteBuffer.wrap(bytes()).asReadOnlyBuffer();
  }

  /** Size in bytes: the UTF-8 length of text, or the binary length. */
  public int size() {
    return bytes != null ? bytes.length : text.getBytes(StandardCharsets.UTF_8).length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message m && Objects.equals(text, m.text) && Arrays.equals(bytes, m.bytes);
  }

  @Override
  public int hashCode() {
    return text != null ? text.hashCode() : Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return text != null
        ? "Message(text, " + text.length() + " chars)"
        : "Message(binary, " + bytes.length + " bytes)";
  }
}
