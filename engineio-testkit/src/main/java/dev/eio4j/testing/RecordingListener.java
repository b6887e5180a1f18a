package dev.eio4j.testing;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.Message;
import dev.eio4j.protocol.Packet;
import dev.eio4j.protocol.TransportType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Records, per socket and in order, every event the application would see: open (the connection
 * callback), messages, upgrading, upgrade, heartbeats and the close with its description. Attach it with
 * {@link #attach(EngineIoServer)} before the first handshake.
 *
 * <p>Events render as short strings for assertions: {@code open}, {@code message:hello}, {@code
 * message:binary:01 02 03}, {@code upgrading:websocket}, {@code upgrade:websocket}, {@code heartbeat},
 * {@code close:transport error:overlap from client} (or {@code close:forced close} with no description).
 * Packets in both directions are recorded separately ({@link SocketLog#packetsIn()}, {@link
 * SocketLog#packetsOut()}). Thread-safe. The assertion methods throw {@link AssertionError} and need no
 * test framework.
 *
 * <p>Each event is either taken or left. An accessor takes exactly the events it shows: {@link
 * SocketLog#takeLog()}, {@link SocketLog#log()} and {@link SocketLog#events()} take every event they
 * return, {@link SocketLog#messages()} and {@link SocketLog#texts()} take the message events, {@link
 * SocketLog#heartbeats()} the heartbeat events, the close accessors and {@link
 * SocketLog#assertClosed} the close events, and {@link SocketLog#logWithoutHeartbeats()} everything but
 * heartbeats. The open event is taken from the start: a log exists only because its socket opened.
 * {@link SocketLog#assertExhausted()} then fails on any event no accessor showed.
 */
public final class RecordingListener implements Consumer<EngineIoSocket> {
  /** What happened. */
  public enum Kind {
    /** The connection callback ran. */
    OPEN,
    /** A message arrived. */
    MESSAGE,
    /** The probe succeeded. */
    UPGRADING,
    /** The upgrade committed. */
    UPGRADE,
    /** A v4 pong or v3 ping arrived. */
    HEARTBEAT,
    /** The session ended. */
    CLOSE
  }

  /** One recorded event. */
  public record Event(
      Kind kind,
      Message message,
      TransportType transport,
      DisconnectReason reason,
      String description,
      String thread) {
    /** The compact form used by {@link SocketLog#log()}. */
    @Override
    public String toString() {
      return switch (kind) {
        case OPEN -> "open";
        case HEARTBEAT -> "heartbeat";
        case MESSAGE ->
            message.isBinary()
                ? "message:binary:" + Bytes.hex(message.bytes())
                : "message:" + message.text();
        case UPGRADING -> "upgrading:" + transport.wireName();
        case UPGRADE -> "upgrade:" + transport.wireName();
        case CLOSE -> "close:" + reason.wireName() + (description == null ? "" : ":" + description);
      };
    }
  }

  private final Map<String, SocketLog> sockets = new LinkedHashMap<>();
  private final List<Consumer<EngineIoSocket>> onOpen = new ArrayList<>();

  /** A listener not attached to anything yet (pass it to {@link EngineIoServer#onConnection}). */
  public RecordingListener() {}

  /** A listener attached to {@code server}. */
  public static RecordingListener attach(EngineIoServer server) {
    RecordingListener l = new RecordingListener();
    server.onConnection(l);
    return l;
  }

  /** Runs {@code action} for each new socket after its listeners are registered (e.g. an echo). */
  public synchronized RecordingListener onOpen(Consumer<EngineIoSocket> action) {
    onOpen.add(Objects.requireNonNull(action, "action"));
    return this;
  }

  @Override
  public void accept(EngineIoSocket socket) {
    SocketLog log = new SocketLog(socket);
    List<Consumer<EngineIoSocket>> actions;
    synchronized (this) {
      sockets.put(socket.id(), log);
      actions = List.copyOf(onOpen);
    }
    log.add(new Event(Kind.OPEN, null, null, null, null, thread()));
    socket.onMessage(m -> log.add(new Event(Kind.MESSAGE, m, null, null, null, thread())));
    socket.onUpgrading(t -> log.add(new Event(Kind.UPGRADING, null, t, null, null, thread())));
    socket.onUpgrade(t -> log.add(new Event(Kind.UPGRADE, null, t, null, null, thread())));
    socket.onHeartbeat(() -> log.add(new Event(Kind.HEARTBEAT, null, null, null, null, thread())));
    socket.onClose(
        (EngineIoSocket.CloseListener)
            (reason, description) ->
                log.add(new Event(Kind.CLOSE, null, null, reason, description, thread())));
    socket.onPacket(p -> log.packetIn(p));
    socket.onPacketCreate(p -> log.packetOut(p));
    for (Consumer<EngineIoSocket> a : actions) {
      a.accept(socket);
    }
  }

  private static String thread() {
    return Thread.currentThread().getName();
  }

  /** The sockets seen so far, in connection order. */
  public synchronized List<SocketLog> sockets() {
    return List.copyOf(sockets.values());
  }

  /** How many sockets connected. */
  public synchronized int count() {
    return sockets.size();
  }

  /** The log of one socket. */
  public synchronized SocketLog socket(String sid) {
    SocketLog l = sockets.get(sid);
    if (l == null) {
      throw new AssertionError("no socket " + sid + " was opened; seen: " + sockets.keySet());
    }
    return l;
  }

  /** The log of the only socket. */
  public synchronized SocketLog only() {
    if (sockets.size() != 1) {
      throw new AssertionError("expected exactly one socket, got " + sockets.keySet());
    }
    return sockets.values().iterator().next();
  }

  /** The log of the most recent socket. */
  public synchronized SocketLog last() {
    if (sockets.isEmpty()) {
      throw new AssertionError("no socket was opened");
    }
    List<SocketLog> all = new ArrayList<>(sockets.values());
    return all.get(all.size() - 1);
  }

  /**
   * Throws unless every socket's log is exhausted ({@link SocketLog#assertExhausted()}); with {@code
   * heartbeatsAreBackground}, heartbeat events need not be taken.
   */
  public void assertAllExhausted(boolean heartbeatsAreBackground) {
    for (SocketLog l : sockets()) {
      if (heartbeatsAreBackground) {
        l.assertExhaustedExceptHeartbeats();
      } else {
        l.assertExhausted();
      }
    }
  }

  /** The events of one socket. */
  public static final class SocketLog {
    private final EngineIoSocket socket;
    private final List<Event> events = new ArrayList<>();
    private final List<Packet> packetsIn = new ArrayList<>();
    private final List<Packet> packetsOut = new ArrayList<>();

    /** Index of the first event {@link #takeLog()} has not returned yet. */
    private int consumed;

    /** Bit i is set once event i was shown to the test by an accessor. */
    private final BitSet taken = new BitSet();

    SocketLog(EngineIoSocket socket) {
      this.socket = socket;
    }

    synchronized void add(Event e) {
      events.add(e);
      if (e.kind() == Kind.OPEN) {
        taken.set(events.size() - 1);
      }
    }

    /** Marks every event of {@code kind} taken; all kinds when {@code kind} is null. */
    private void take(Kind kind) {
      for (int i = 0; i < events.size(); i++) {
        if (kind == null || events.get(i).kind() == kind) {
          taken.set(i);
        }
      }
    }

    synchronized void packetIn(Packet p) {
      packetsIn.add(p);
    }

    synchronized void packetOut(Packet p) {
      packetsOut.add(p);
    }

    /** The socket (to send, close, inspect). */
    public EngineIoSocket socket() {
      return socket;
    }

    /** The session id. */
    public String id() {
      return socket.id();
    }

    /** Every event, in order. */
    public synchronized List<Event> events() {
      take(null);
      return List.copyOf(events);
    }

    /** Every event rendered as a string, in order. */
    public synchronized List<String> log() {
      take(null);
      return events.stream().map(Event::toString).toList();
    }

    /** The rendered events without heartbeats (handy when timers run in between). */
    public synchronized List<String> logWithoutHeartbeats() {
      for (int i = 0; i < events.size(); i++) {
        if (events.get(i).kind() != Kind.HEARTBEAT) {
          taken.set(i);
        }
      }
      return events.stream().filter(e -> e.kind() != Kind.HEARTBEAT).map(Event::toString).toList();
    }

    /** The messages received, in order. */
    public synchronized List<Message> messages() {
      take(Kind.MESSAGE);
      return events.stream().filter(e -> e.kind() == Kind.MESSAGE).map(Event::message).toList();
    }

    /** The texts of the text messages received, in order. */
    public synchronized List<String> texts() {
      return messages().stream().filter(Message::isText).map(Message::text).toList();
    }

    /** Number of heartbeat events. */
    public synchronized int heartbeats() {
      take(Kind.HEARTBEAT);
      return (int) events.stream().filter(e -> e.kind() == Kind.HEARTBEAT).count();
    }

    /** Packets received on the session's transport (onPacket). */
    public synchronized List<Packet> packetsIn() {
      return List.copyOf(packetsIn);
    }

    /** Packets queued for the client (onPacketCreate). */
    public synchronized List<Packet> packetsOut() {
      return List.copyOf(packetsOut);
    }

    /** True once the close event was seen. */
    public synchronized boolean closed() {
      return closeEvents().size() > 0;
    }

    /** How many close events were seen (1 at most is correct). */
    public synchronized int closeCount() {
      return closeEvents().size();
    }

    /** The close reason, or null while open. */
    public synchronized DisconnectReason closeReason() {
      List<Event> c = closeEvents();
      return c.isEmpty() ? null : c.get(0).reason();
    }

    /** The close description, or null. */
    public synchronized String closeDescription() {
      List<Event> c = closeEvents();
      return c.isEmpty() ? null : c.get(0).description();
    }

    /** The close events, which count as taken from here on. */
    private List<Event> closeEvents() {
      take(Kind.CLOSE);
      return events.stream().filter(e -> e.kind() == Kind.CLOSE).toList();
    }

    /** Events not returned by a previous call of this method, rendered as strings. */
    public synchronized List<String> takeLog() {
      List<String> out =
          events.subList(consumed, events.size()).stream().map(Event::toString).toList();
      taken.set(consumed, events.size());
      consumed = events.size();
      return out;
    }

    /** Throws unless the session closed exactly once with this reason. */
    public synchronized SocketLog assertClosed(DisconnectReason reason) {
      List<Event> c = closeEvents();
      if (c.size() != 1 || c.get(0).reason() != reason) {
        throw new AssertionError("expected one close with '" + reason + "' but got " + renderAll());
      }
      return this;
    }

    /** Throws if the session closed. */
    public synchronized SocketLog assertOpen() {
      if (!closeEvents().isEmpty()) {
        throw new AssertionError("expected the socket to be open but got " + renderAll());
      }
      return this;
    }

    /**
     * Throws unless every event was taken by an accessor (see the class comment), listing the events
     * no accessor showed.
     */
    public synchronized SocketLog assertExhausted() {
      return assertExhausted(false);
    }

    /**
     * Like {@link #assertExhausted()} but heartbeat events need not be taken; for tests that are not
     * about heartbeats.
     */
    public synchronized SocketLog assertExhaustedExceptHeartbeats() {
      return assertExhausted(true);
    }

    private SocketLog assertExhausted(boolean heartbeatsAreBackground) {
      List<String> left = new ArrayList<>();
      for (int i = taken.nextClearBit(0); i < events.size(); i = taken.nextClearBit(i + 1)) {
        Event e = events.get(i);
        if (!(heartbeatsAreBackground && e.kind() == Kind.HEARTBEAT)) {
          left.add("#" + i + " " + e);
        }
      }
      if (!left.isEmpty()) {
        // Bounded so a runaway log still gives a readable failure.
        String shown =
            left.size() <= 20
                ? left.toString()
                : left.subList(0, 20) + " and " + (left.size() - 20) + " more";
        throw new AssertionError("unexpected events on " + socket.id() + ": " + shown);
      }
      return this;
    }

    private List<String> renderAll() {
      return events.stream().map(Event::toString).toList();
    }

    @Override
    public synchronized String toString() {
      return socket.id() + " " + renderAll();
    }
  }
}
