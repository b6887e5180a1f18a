package dev.eio4j.internal;

import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.TransportType;
import java.util.List;

/** The session's view of one transport. Every method runs on the session's lane. */
abstract class Transport {
  final Session session;

  Transport(Session session) {
    this.session = session;
  }

  abstract TransportType type();

  /** True when {@link #send} may be called now. */
  abstract boolean writable();

  /** Writes a batch (only when writable). */
  abstract void send(List<Packet> packets);

  /**
   * {@code close()} from the application with an empty buffer: end the session as the transport
   * requires (polling may defer until the next GET), eventually calling {@code
   * session.finish(FORCED_CLOSE)}.
   */
  abstract void closeGracefully();

  /** The session is finished: answer or close whatever is still open. */
  abstract void release();

  /** The session moved to another transport: let go of this one. */
  abstract void discard();

  /**
   * Opening the session failed on the server: tell the client without details (a handshake response
   * not yet written becomes 500 with an empty body; a WebSocket is closed with 1011).
   */
  abstract void failOpen();
}
