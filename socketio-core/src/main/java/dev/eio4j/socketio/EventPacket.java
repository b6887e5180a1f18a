package dev.eio4j.socketio;

import java.util.Objects;
import tools.jackson.databind.node.ArrayNode;

/**
 * One incoming event as a {@link PacketMiddleware} sees it: its name, its arguments and its ack handle.
 * A middleware may rename the event or change the arguments (the array is the one the listeners then
 * get). Not thread-safe: a middleware that continues on another thread hands the packet over with
 * {@link PacketMiddleware.Next}, which orders the change before the next step.
 */
public final class EventPacket {
  private String event;
  private final ArrayNode args;
  private final Ack ack;

  EventPacket(String event, ArrayNode args, Ack ack) {
    this.event = event;
    this.args = args;
    this.ack = ack;
  }

  /** The event name. */
  public String event() {
    return event;
  }

  /**
   * Renames the event: the listeners of {@code event} get it.
   *
   * @throws IllegalArgumentException for a reserved name ({@code connect}, {@code disconnect}, ...)
   */
  public EventPacket event(String event) {
    SocketIoSocket.checkEventName(event);
    this.event = Objects.requireNonNull(event, "event");
    return this;
  }

  /** The arguments after the name (mutable: changes reach the listeners). */
  public ArrayNode args() {
    return args;
  }

  /**
   * The answer handle: a middleware that refuses may still answer the client ({@link
   * Ack#isRequested()} tells whether it asked).
   */
  public Ack ack() {
    return ack;
  }

  @Override
  public String toString() {
    return "EventPacket{" + LogText.of(event) + ", " + args.size() + " args}";
  }
}
