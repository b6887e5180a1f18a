package dev.eio4j.socketio;

import java.util.List;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.node.ArrayNode;

/**
 * A broadcast with acks whose timeout fired before every selected client answered: {@link #responses()}
 * holds the answers that came (the Node server passes them along with its timeout error too).
 */
public final class BroadcastAckTimeoutException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  /** Not serialized: the answers are Jackson trees. */
  private final transient List<ArrayNode> responses;

  private final int expected;

  BroadcastAckTimeoutException(List<ArrayNode> responses, int expected) {
    super("operation has timed out");
    this.responses = List.copyOf(responses);
    this.expected = expected;
  }

  /** The answers received before the timeout, in arrival order. */
  public List<ArrayNode> responses() {
    return responses == null ? List.of() : responses;
  }

  /**
   * How many answers were awaited when the timeout fired (counted so far: -1 when some server had not
   * even reported how many clients it sent to).
   */
  public int expected() {
    return expected;
  }
}
