package dev.eio4j.socketio;

import dev.eio4j.socketio.parser.SioEncoder;
import dev.eio4j.socketio.parser.SioPacket;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The memory of connection state recovery (one per server, for every namespace): the events sent to v5
 * sockets, each with its offset and the rooms it was sent to, and the sessions of the sockets that
 * dropped. Bounded as {@link RecoveryOptions} says.
 *
 * <p><b>Offsets.</b> Each stored event gets the next sequence number, written in base 36 as its offset
 * (the last argument the client sees). A client that reconnects with an offset has seen every event up
 * to it; it is sent those after it that match its rooms, provided none after it has been dropped.
 *
 * <p><b>Order.</b> One monitor covers numbering an event, storing it and queueing it to the sockets it
 * selects, and, for a socket that joins, replaying what it missed and registering it. So a joining socket
 * gets every event exactly once and in offset order: those numbered before its registration from the
 * replay, the rest live. Sends only queue, so the monitor is held briefly, but it does serialize emits
 * to v5 sockets while recovery is on.
 */
final class RecoveryStore {
  private static final Logger log = LoggerFactory.getLogger(RecoveryStore.class);

  /** One event as sent, with where it went. */
  private record Stored(
      long seq,
      String nsp,
      Set<String> rooms,
      Set<String> except,
      SioEncoder.Encoded encoded,
      long at,
      long bytes) {}

  /** A dropped socket's state, kept until it reconnects or expires. */
  record Session(
      String id,
      String pid,
      String nsp,
      Set<String> rooms,
      Map<String, Object> data,
      long startSeq,
      long disconnectedAt) {}

  /** A session taken for a reconnecting socket: replay the events numbered after {@code from}. */
  record Restored(Session session, long from) {}

  private final RecoveryOptions options;
  private final LongSupplier clock;
  private final Object lock = new Object();

  // all guarded by lock
  private final ArrayDeque<Stored> packets = new ArrayDeque<>();
  private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();
  private long bytes;
  private long lastSeq;

  /** The highest sequence number dropped: a replay must start at or after it. */
  private long droppedUpTo;

  RecoveryStore(RecoveryOptions options, LongSupplier clock) {
    this.options = options;
    this.clock = clock;
  }

  RecoveryOptions options() {
    return options;
  }

  // ------------------------------------------------------------------ emitting

  /**
   * Numbers, stores and sends one event to the sockets {@code select} gives (called under the monitor,
   * so that none joins or leaves the selection half-way). v5 sockets get the offset as the last
   * argument; v4 sockets, which know nothing of offsets, get the event without it.
   *
   * @return how many sockets queued it
   */
  int emit(
      String nsp,
      Set<String> rooms,
      Set<String> except,
      ArrayNode eventAndArgs,
      Supplier<? extends Collection<SocketIoSocket>> select) {
    synchronized (lock) {
      long now = clock.getAsLong();
      prune(now);
      long seq = ++lastSeq;
      ArrayNode withOffset = JsonNodeFactory.instance.arrayNode(eventAndArgs.size() + 1);
      withOffset.addAll(eventAndArgs);
      withOffset.add(offset(seq));
      SioEncoder.Encoded encoded =
          SioEncoder.encode(SioPacket.event(nsp, SioPacket.NO_ID, withOffset));
      long size = size(encoded);
      packets.addLast(
          new Stored(seq, nsp, Set.copyOf(rooms), Set.copyOf(except), encoded, now, size));
      bytes += size;
      while (packets.size() > options.maxPackets() || bytes > options.maxBytes()) {
        drop(packets.pollFirst());
      }
      SioEncoder.Encoded plain = null;
      int n = 0;
      for (SocketIoSocket s : select.get()) {
        SioEncoder.Encoded e;
        if (s.client().isV4()) {
          if (plain == null) {
            plain = SioEncoder.encode(SioPacket.event(nsp, SioPacket.NO_ID, eventAndArgs));
          }
          e = plain;
        } else {
          e = encoded;
        }
        if (s.client().send(e)) {
          n++;
        }
      }
      return n;
    }
  }

  // ------------------------------------------------------------------ sessions

  /** Keeps the session of a v5 socket that dropped with a recoverable reason, in {@code rooms}. */
  void persist(SocketIoSocket s, SocketIoDisconnectReason reason, Set<String> rooms) {
    if (!recoverable(reason) || s.pid == null) {
      return;
    }
    synchronized (lock) {
      long now = clock.getAsLong();
      prune(now);
      sessions.put(
          s.pid,
          new Session(
              s.id(),
              s.pid,
              s.namespace().name(),
              Set.copyOf(rooms),
              Map.copyOf(s.data()),
              s.startSeq,
              now));
      Iterator<Session> it = sessions.values().iterator();
      while (sessions.size() > options.maxSessions() && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
  }

  /**
   * The session a CONNECT's payload asks back ({@code pid} and, when the client has one, {@code
   * offset}), removed from the store: one reconnection per session. Null (a new session follows) when
   * there is none for this namespace, it expired, the offset is not one we issued, or an event the
   * client missed was already dropped.
   */
  Restored take(String nsp, JsonNode auth) {
    JsonNode pidNode = auth.get("pid");
    if (pidNode == null || !pidNode.isString()) {
      return null;
    }
    JsonNode offsetNode = auth.get("offset");
    long offsetSeq = -1;
    if (offsetNode != null) {
      offsetSeq = offsetNode.isString() ? parseOffset(offsetNode.stringValue()) : -2;
    }
    synchronized (lock) {
      long now = clock.getAsLong();
      prune(now);
      Session s = sessions.remove(pidNode.stringValue());
      if (s == null) {
        log.debug("recovery: unknown or expired session for {}", LogText.of(nsp));
        return null;
      }
      if (!s.nsp().equals(nsp)) {
        log.debug("recovery: session of {} asked for {}", LogText.of(s.nsp()), LogText.of(nsp));
        return null;
      }
      if (offsetSeq == -2 || offsetSeq > lastSeq) {
        log.debug("recovery: unknown offset for {}", LogText.of(s.id()));
        return null;
      }
      // no offset: the client got nothing since it joined; an offset from before it joined (the
      // client keeps its last offset across sessions) counts from its join too
      long from = Math.max(offsetSeq, s.startSeq());
      if (from < droppedUpTo) {
        log.debug("recovery: events missed by {} were already dropped", LogText.of(s.id()));
        return null;
      }
      return new Restored(s, from);
    }
  }

  /**
   * Registers a joining v5 socket (with {@code register}) under the monitor, after replaying to a
   * recovered one the stored events numbered after its offset that match its rooms, in order.
   */
  void register(SocketIoSocket s, Restored restored, Runnable register) {
    synchronized (lock) {
      if (restored != null) {
        Session session = restored.session();
        if (restored.from() < droppedUpTo) {
          log.debug(
              "recovery: some events for {} were dropped while its middlewares ran",
              LogText.of(s.id()));
        }
        for (Stored p : packets) {
          if (p.seq() > restored.from()
              && p.nsp().equals(session.nsp())
              && matches(session.rooms(), p.rooms(), p.except())) {
            s.client().send(p.encoded());
          }
        }
      }
      register.run();
      s.startSeq = lastSeq;
    }
  }

  // ------------------------------------------------------------------ for tests and diagnostics

  /** How many events are stored now. */
  int packetCount() {
    synchronized (lock) {
      return packets.size();
    }
  }

  /** Their encoded size. */
  long byteCount() {
    synchronized (lock) {
      return bytes;
    }
  }

  /** How many sessions are kept now. */
  int sessionCount() {
    synchronized (lock) {
      return sessions.size();
    }
  }

  // ------------------------------------------------------------------ internals

  /** The reasons the Node server persists a session for (ours: those that are not a decision to leave). */
  static boolean recoverable(SocketIoDisconnectReason reason) {
    return switch (reason) {
      case TRANSPORT_CLOSE, TRANSPORT_ERROR, PING_TIMEOUT, FORCED_CLOSE -> true;
      default -> false;
    };
  }

  private static boolean matches(Set<String> sessionRooms, Set<String> rooms, Set<String> except) {
    boolean included = rooms.isEmpty();
    for (String r : sessionRooms) {
      if (except.contains(r)) {
        return false;
      }
      included = included || rooms.contains(r);
    }
    return included;
  }

  private void prune(long now) {
    long threshold = now - options.maxDisconnectionDuration().toMillis();
    while (!packets.isEmpty() && packets.peekFirst().at() < threshold) {
      drop(packets.pollFirst());
    }
    Iterator<Session> it = sessions.values().iterator();
    while (it.hasNext()) {
      if (it.next().disconnectedAt() >= threshold) {
        break; // in disconnection order
      }
      it.remove();
    }
  }

  private void drop(Stored p) {
    bytes -= p.bytes();
    droppedUpTo = p.seq();
  }

  static String offset(long seq) {
    return Long.toString(seq, 36);
  }

  /** The sequence number of an offset we could have issued, or -2. */
  static long parseOffset(String s) {
    if (s.isEmpty() || s.length() > 12) {
      return -2;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
        return -2;
      }
    }
    return Long.parseLong(s, 36);
  }

  private static long size(SioEncoder.Encoded e) {
    long n = utf8Length(e.text());
    for (byte[] b : e.attachments()) {
      n += b.length;
    }
    return n;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
