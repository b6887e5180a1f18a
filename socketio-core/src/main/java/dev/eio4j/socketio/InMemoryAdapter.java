package dev.eio4j.socketio;

import dev.eio4j.socketio.parser.SioEncoder;
import dev.eio4j.socketio.parser.SioPacket;
import dev.eio4j.socketio.spi.Adapter;
import dev.eio4j.socketio.spi.BroadcastAckSink;
import dev.eio4j.socketio.spi.BroadcastOptions;
import dev.eio4j.socketio.spi.SessionState;
import dev.eio4j.socketio.spi.SocketDetails;
import dev.eio4j.spi.Cancellable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The default {@link Adapter}: the rooms of one namespace's sockets on this server, in memory, and the
 * delivery to them. A room exists while it has a member (an emptied room is removed), so the maps hold
 * exactly the current memberships. Thread-safe; the maps are guarded by the adapter's monitor, held
 * briefly and never while sending.
 *
 * <p>There is no other server: {@link #serverCount()} is 1, {@link #serverSideEmit} reaches nobody and
 * {@link #serverSideEmitWithAck} completes with an empty list; the {@code local} flag changes nothing.
 * It keeps no sessions: {@link #persistSession} does nothing and {@link #restoreSession} finds nothing
 * (connection state recovery brings its own store).
 */
public final class InMemoryAdapter implements Adapter {
  private final Namespace nsp;
  private final Map<String, Set<String>> rooms = new HashMap<>();
  private final Map<String, Set<String>> roomsBySocket = new HashMap<>();

  InMemoryAdapter(Namespace nsp) {
    this.nsp = nsp;
  }

  // ------------------------------------------------------------------ rooms

  @Override
  public synchronized void addAll(String id, Set<String> toJoin) {
    for (String room : toJoin) {
      rooms.computeIfAbsent(room, r -> new HashSet<>()).add(id);
      roomsBySocket.computeIfAbsent(id, s -> new HashSet<>()).add(room);
    }
  }

  @Override
  public synchronized void del(String id, String room) {
    Set<String> members = rooms.get(room);
    if (members != null && members.remove(id) && members.isEmpty()) {
      rooms.remove(room);
    }
    Set<String> mine = roomsBySocket.get(id);
    if (mine != null && mine.remove(room) && mine.isEmpty()) {
      roomsBySocket.remove(id);
    }
  }

  @Override
  public synchronized void delAll(String id) {
    Set<String> mine = roomsBySocket.remove(id);
    if (mine == null) {
      return;
    }
    for (String room : mine) {
      Set<String> members = rooms.get(room);
      if (members != null && members.remove(id) && members.isEmpty()) {
        rooms.remove(room);
      }
    }
  }

  @Override
  public synchronized Set<String> rooms() {
    return Set.copyOf(rooms.keySet());
  }

  /** The ids of the sockets in {@code room} now (a copy; empty for an unknown room). */
  public synchronized Set<String> socketsIn(String room) {
    Set<String> members = rooms.get(room);
    return members == null ? Set.of() : Set.copyOf(members);
  }

  @Override
  public synchronized Set<String> socketRooms(String id) {
    Set<String> mine = roomsBySocket.get(id);
    return mine == null ? Set.of() : Set.copyOf(mine);
  }

  /** The ids of the sockets in any of {@code in} (all {@code candidates} when empty) and in none of {@code except}. */
  synchronized Set<String> select(Set<String> in, Set<String> except, Set<String> candidates) {
    Set<String> out = new HashSet<>();
    if (in.isEmpty()) {
      out.addAll(candidates);
    } else {
      for (String room : in) {
        Set<String> members = rooms.get(room);
        if (members != null) {
          out.addAll(members);
        }
      }
    }
    for (String room : except) {
      Set<String> members = rooms.get(room);
      if (members != null) {
        out.removeAll(members);
      }
    }
    return out;
  }

  /** The connected sockets {@code opts} selects now. */
  List<SocketIoSocket> selectSockets(BroadcastOptions opts) {
    Map<String, SocketIoSocket> all = nsp.socketMap();
    Set<String> ids = select(opts.rooms(), opts.except(), all.keySet());
    List<SocketIoSocket> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      SocketIoSocket s = all.get(id);
      if (s != null && s.connected()) {
        out.add(s);
      }
    }
    return out;
  }

  @Override
  public CompletionStage<Set<String>> sockets(Set<String> in) {
    Set<String> ids = select(in, Set.of(), nsp.socketMap().keySet());
    return CompletableFuture.completedFuture(Set.copyOf(ids));
  }

  // ------------------------------------------------------------------ broadcast

  @Override
  public int broadcast(SioPacket packet, BroadcastOptions opts) {
    SioEncoder.Encoded encoded = SioEncoder.encode(packet);
    int n = 0;
    for (SocketIoSocket s : selectSockets(opts)) {
      if (opts.flags().isVolatile() && !s.conn().isWritable()) {
        continue; // the client is not keeping up: a volatile packet is dropped for it
      }
      if (s.client().send(encoded)) {
        n++;
      }
    }
    nsp.server().countBroadcast(n);
    return n;
  }

  @Override
  public Cancellable broadcastWithAck(
      SioPacket packet, BroadcastOptions opts, BroadcastAckSink sink) {
    long ackId = nsp.nextAckId();
    SioEncoder.Encoded encoded =
        SioEncoder.encode(new SioPacket(packet.type(), packet.nsp(), ackId, packet.data()));
    List<SocketIoSocket> sent = new ArrayList<>();
    for (SocketIoSocket s : selectSockets(opts)) {
      if (opts.flags().isVolatile() && !s.conn().isWritable()) {
        continue;
      }
      if (s.sendForBroadcastAck(encoded, ackId, sink::ack, sink::clientGone)) {
        sent.add(s);
      }
    }
    nsp.server().countBroadcast(sent.size());
    sink.clientCount(sent.size());
    return () -> {
      for (SocketIoSocket s : sent) {
        s.forgetBroadcastAck(ackId);
      }
    };
  }

  // ------------------------------------------------------------------ remote-capable operations

  @Override
  public CompletionStage<List<SocketDetails>> fetchSockets(BroadcastOptions opts) {
    List<SocketDetails> out = new ArrayList<>();
    for (SocketIoSocket s : selectSockets(opts)) {
      out.add(s.details());
    }
    return CompletableFuture.completedFuture(List.copyOf(out));
  }

  @Override
  public CompletionStage<Void> addSockets(BroadcastOptions opts, Set<String> toJoin) {
    for (SocketIoSocket s : selectSockets(opts)) {
      for (String room : toJoin) {
        s.join(room);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> delSockets(BroadcastOptions opts, Set<String> toLeave) {
    for (SocketIoSocket s : selectSockets(opts)) {
      for (String room : toLeave) {
        s.leave(room);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> disconnectSockets(BroadcastOptions opts, boolean close) {
    for (SocketIoSocket s : selectSockets(opts)) {
      s.disconnect(close);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void serverSideEmit(ArrayNode eventAndArgs) {
    // no other server
  }

  @Override
  public CompletionStage<List<JsonNode>> serverSideEmitWithAck(ArrayNode eventAndArgs) {
    return CompletableFuture.completedFuture(List.of());
  }

  @Override
  public CompletionStage<Void> persistSession(SessionState session) {
    return CompletableFuture.completedFuture(null); // keeps no sessions
  }

  @Override
  public CompletionStage<Optional<SessionState>> restoreSession(String pid, String offset) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  @Override
  public CompletionStage<Integer> serverCount() {
    return CompletableFuture.completedFuture(1);
  }

  @Override
  public String toString() {
    return "InMemoryAdapter{" + LogText.of(nsp.name()) + "}";
  }
}
