package dev.eio4j.internal;

import dev.eio4j.EngineIoOptions;
import dev.eio4j.OverflowPolicy;
import dev.eio4j.protocol.Packet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A session's write buffer: the packets queued for its transport and the byte accounting behind
 * {@code bufferedAmount()}, the {@code maxBufferedBytes} limit, the low-water mark and the overflow
 * policy. Every packet costs its payload plus {@link EngineIoOptions#PACKET_OVERHEAD_BYTES}, so empty
 * messages count too.
 *
 * <p>Threading: the accounted total ({@link #bufferedAmount()}, {@link #reserve(long)}, {@link
 * #unreserve(long)}, {@link #atOrBelowLowWater()}) is an atomic counter, safe from any thread; a send
 * reserves its size on the caller's thread before it hops onto the session's lane. Everything else
 * (the queue, the bytes of the queued packets, the pending pong) is lane-confined. Invariant: the
 * total is the sizes of the queued packets plus the reservations whose lane task has not run yet.
 * Nothing here blocks or schedules.
 */
final class SendBuffer {
  /** What {@link #take()} handed over: the packets and the bytes they were accounted for. */
  record Batch(List<Packet> packets, long bytes) {}

  private final long maxBytes;
  private final OverflowPolicy overflowPolicy;
  private final AtomicLong buffered = new AtomicLong(); // any thread
  private final ArrayDeque<Packet> queue = new ArrayDeque<>(4); // lane
  private long queuedBytes; // lane; the accounted sizes of the packets in queue
  private boolean pongQueued; // lane; a v3 pong is in queue

  SendBuffer(EngineIoOptions options) {
    this.maxBytes = options.maxBufferedBytes();
    this.overflowPolicy = options.overflowPolicy();
  }

  /** What a message with {@code payloadSize} bytes or chars is accounted for. */
  static long cost(int payloadSize) {
    return payloadSize + (long) EngineIoOptions.PACKET_OVERHEAD_BYTES;
  }

  /** The accounted bytes queued or reserved and not yet handed to the transport (any thread). */
  long bufferedAmount() {
    return buffered.get();
  }

  /** The configured limit on {@link #bufferedAmount()}. */
  long maxBytes() {
    return maxBytes;
  }

  /** True when a refused send also ends the session ({@link OverflowPolicy#CLOSE}). */
  boolean overflowCloses() {
    return overflowPolicy == OverflowPolicy.CLOSE;
  }

  /**
   * Reserves {@code size} bytes for a send (any thread). Refused, with nothing reserved, when the total
   * would go beyond the limit, unless the buffer is empty: a single message larger than the limit is
   * still accepted on its own.
   */
  boolean reserve(long size) {
    long after = buffered.addAndGet(size);
    if (after > maxBytes && after != size) {
      buffered.addAndGet(-size);
      return false;
    }
    return true;
  }

  /** Gives back a reservation whose packet will never be queued (any thread). */
  void unreserve(long size) {
    buffered.addAndGet(-size);
  }

  /** True while the total is at or below the low-water mark, half the limit (any thread). */
  boolean atOrBelowLowWater() {
    return buffered.get() <= lowWaterMark();
  }

  private long lowWaterMark() {
    return maxBytes / 2;
  }

  /**
   * Reserves and queues a v3 pong unless one is already queued and the total would pass the limit, so a
   * client that pings without ever polling cannot grow the queue (lane). Returns whether it was queued.
   */
  boolean addPong(Packet pong) {
    long cost = EngineIoOptions.PACKET_OVERHEAD_BYTES;
    if (pongQueued && buffered.get() + cost > maxBytes) {
      return false;
    }
    pongQueued = true;
    buffered.addAndGet(cost);
    add(pong, cost);
    return true;
  }

  /** Queues {@code packet}, whose {@code accountedSize} is already reserved (lane). */
  void add(Packet packet, long accountedSize) {
    queue.add(packet);
    queuedBytes += accountedSize;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * Takes every queued packet and releases their bytes from the total before they are sent (lane): the
   * send may end the session, which then releases only what is still queued.
   */
  Batch take() {
    List<Packet> packets;
    if (queue.size() == 1) {
      packets = List.of(queue.poll());
    } else {
      packets = new ArrayList<>(queue);
      queue.clear();
    }
    long bytes = queuedBytes;
    queuedBytes = 0;
    pongQueued = false;
    buffered.addAndGet(-bytes);
    return new Batch(packets, bytes);
  }

  /** True when releasing {@code bytes} took the total from above the low-water mark to or below it. */
  boolean crossedLowWater(long bytes) {
    long now = buffered.get();
    long low = lowWaterMark();
    return bytes > 0 && now <= low && now + bytes > low;
  }

  /**
   * Drops every queued packet and releases their bytes (lane). Reservations whose lane task has not
   * run yet are not touched: each gives its own size back when it finds the session closed.
   */
  void discard() {
    long dropped = queuedBytes;
    queuedBytes = 0;
    pongQueued = false;
    queue.clear();
    buffered.addAndGet(-dropped);
  }
}
