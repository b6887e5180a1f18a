package dev.eio4j.internal;

import dev.eio4j.ReadyState;
import dev.eio4j.protocol.Packet;
import java.util.List;

/**
 * A session's way out: its {@link SendBuffer} and the flush that hands what is queued to the transport.
 * Lane only, like the session that owns it (the buffer's accounted total excepted, see {@link
 * SendBuffer}).
 *
 * <p>A queued packet is not written at once: at most one flush is scheduled at a time, as a lane task of
 * its own, so that every packet queued in the current lane task goes out in one batch. A flush writes
 * only when the transport is writable (a held GET, an open WebSocket); otherwise the packets wait for
 * the next {@link #flush()} the transport asks for. Each flush emits {@code flush} and {@code drain},
 * and {@code writable} when it takes the total back to the low-water mark. Packets are accepted only
 * while the session is opening or open; afterwards their reservation is given back.
 */
final class Outbox {
  private final Session session;
  final SendBuffer buffer;
  private final Runnable flushTask = this::flush;
  private boolean flushScheduled;
  private boolean closeAfterDrain; // close() waits for the next flush that empties the queue

  Outbox(Session session) {
    this.session = session;
    this.buffer = new SendBuffer(session.options);
  }

  /** Queues a packet whose {@code accountedSize} is already reserved, and schedules a flush. */
  void add(Packet packet, long accountedSize) {
    ReadyState state = session.readyState();
    if (state == ReadyState.CLOSING || state == ReadyState.CLOSED) {
      buffer.unreserve(accountedSize);
      return;
    }
    buffer.add(packet, accountedSize);
    queued(packet);
  }

  /** Queues the answer to a v3 ping, unless a pong already queued would take the total past its limit. */
  void addPong() {
    if (buffer.addPong(Packet.PONG)) {
      queued(Packet.PONG);
    }
  }

  private void queued(Packet packet) {
    session.emitPacketCreate(packet);
    if (!flushScheduled) {
      flushScheduled = true;
      session.lane.execute(flushTask);
    }
  }

  boolean isEmpty() {
    return buffer.isEmpty();
  }

  /** Hands everything queued to the transport if it can take it now. */
  void flush() {
    flushScheduled = false;
    Transport t = session.currentTransport();
    if (session.isClosed() || buffer.isEmpty() || t == null || !t.writable()) {
      return;
    }
    SendBuffer.Batch taken = buffer.take();
    List<Packet> batch = taken.packets();
    session.emitFlush(batch);
    session.heartbeat.flushed(batch, session.engine.observing);
    t.send(batch);
    session.emitDrain();
    if (buffer.crossedLowWater(taken.bytes()) && session.readyState() == ReadyState.OPEN) {
      session.emitWritable(); // the socket is writable again
    }
    if (closeAfterDrain && session.isClosing()) {
      closeAfterDrain = false;
      session.closeTransport();
    }
  }

  /**
   * {@code close()} found packets queued: they are flushed, and the transport is closed by the flush
   * that hands them over (docs/protocol.md §8.6), or by the close timeout.
   */
  void closeAfterDrain() {
    closeAfterDrain = true;
    flush();
  }

  /**
   * The session is about to finish: packets queued earlier in this lane task still go out if the
   * transport can take them now, as the reference writes each send at once (an echo reaches the held
   * GET before a parse error closes); no close waits for a drain any more.
   */
  void flushBeforeFinish() {
    closeAfterDrain = false;
    Transport live = session.currentTransport();
    if (!buffer.isEmpty() && live != null && live.writable()) {
      flush();
    }
  }

  /** Drops what is still queued (the session finished). */
  void discard() {
    buffer.discard();
  }
}
