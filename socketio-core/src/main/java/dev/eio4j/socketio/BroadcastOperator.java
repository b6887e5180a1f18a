package dev.eio4j.socketio;

import dev.eio4j.socketio.parser.SioEncoder;
import dev.eio4j.socketio.parser.SioPacket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A selection of a namespace's sockets: those in any of {@link #rooms()} (every socket when there is
 * none) and in none of {@link #exceptRooms()}. Immutable: {@link #to}, {@link #in} and {@link #except}
 * return new operators, so one can be kept and reused. The selection is made when {@link #emit} runs.
 */
public final class BroadcastOperator {
  private final Namespace nsp;
  private final Set<String> rooms;
  private final Set<String> except;

  BroadcastOperator(Namespace nsp, Set<String> rooms, Set<String> except) {
    this.nsp = nsp;
    this.rooms = Collections.unmodifiableSet(new LinkedHashSet<>(rooms));
    this.except = Collections.unmodifiableSet(new LinkedHashSet<>(except));
  }

  /** This selection plus the sockets of {@code room}. */
  public BroadcastOperator to(String room) {
    Objects.requireNonNull(room, "room");
    Set<String> r = new LinkedHashSet<>(rooms);
    r.add(room);
    return new BroadcastOperator(nsp, r, except);
  }

  /** Same as {@link #to}. */
  public BroadcastOperator in(String room) {
    return to(room);
  }

  /** This selection without the sockets of {@code room} (a socket id names its own room). */
  public BroadcastOperator except(String room) {
    Objects.requireNonNull(room, "room");
    Set<String> e = new LinkedHashSet<>(except);
    e.add(room);
    return new BroadcastOperator(nsp, rooms, e);
  }

  /** The rooms selected (empty: the whole namespace). */
  public Set<String> rooms() {
    return rooms;
  }

  /** The rooms excluded. */
  public Set<String> exceptRooms() {
    return except;
  }

  /** The connected sockets selected now. */
  public List<SocketIoSocket> sockets() {
    Set<String> ids = nsp.adapter().select(rooms, except, nsp.socketMap().keySet());
    List<SocketIoSocket> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      SocketIoSocket s = nsp.socketMap().get(id);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Sends the event to every selected socket (encoded once). Arguments as in {@link
   * SocketIoSocket#emit}.
   *
   * @return how many sockets queued it
   * @throws IllegalArgumentException for a reserved event name
   */
  public int emit(String event, Object... args) {
    SocketIoSocket.checkEventName(event);
    SioEncoder.Encoded encoded =
        SioEncoder.encode(SioPacket.event(nsp.name(), SioPacket.NO_ID, Args.event(event, args)));
    int n = 0;
    for (SocketIoSocket s : sockets()) {
      if (s.client().send(encoded)) {
        n++;
      }
    }
    nsp.server().observer().broadcast(nsp, event, n);
    return n;
  }

  @Override
  public String toString() {
    return "BroadcastOperator{"
        + nsp.name()
        + " to="
        + LogText.of(rooms.toString())
        + " except="
        + LogText.of(except.toString())
        + "}";
  }
}
