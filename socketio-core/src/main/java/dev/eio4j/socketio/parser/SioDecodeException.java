package dev.eio4j.socketio.parser;

/**
 * A message that is not a valid Socket.IO packet. The message names the rule that was broken and never
 * contains more than a short, escaped excerpt of the input.
 */
public final class SioDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A decode error with this description. */
  public SioDecodeException(String message) {
    super(message);
  }
}
