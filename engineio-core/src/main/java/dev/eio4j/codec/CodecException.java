package dev.eio4j.codec;

import java.util.Objects;

/**
 * Malformed input from a peer: a packet, payload or form body that cannot be decoded. The session that
 * received it is closed with reason {@code parse error} (docs/protocol.md §2).
 *
 * <p>The message is short and stable and quotes at most a short escaped excerpt of the input. No stack
 * trace is captured, since peers can trigger this exception at will.
 */
public final class CodecException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why decoding failed. */
  public enum Reason {
    /** The packet, frame or payload is empty where data is required. */
    EMPTY,
    /** The packet type is not {@code 0..6} (or a v3 {@code b} packet has no type digit). */
    UNKNOWN_TYPE,
    /** The base64 data of a {@code b} packet is invalid. */
    BAD_BASE64,
    /** A payload length prefix is missing, not decimal, too long, or not terminated. */
    BAD_LENGTH,
    /** A payload length points past the end of the input. */
    TRUNCATED,
    /** A v3 binary payload entry starts with a marker other than {@code 0x00}/{@code 0x01}. */
    BAD_MARKER,
    /** A string in a v3 binary payload is not valid UTF-8. */
    BAD_UTF8,
    /** A JSONP form body has no single {@code d} field. */
    BAD_FORM_BODY
  }

  /** Why decoding failed; never null. */
  private final Reason reason;

  /** Creates an exception with the given reason and a short message (no stack trace is captured). */
  public CodecException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Returns why decoding failed. */
  public Reason reason() {
    return reason;
  }
}
