package dev.eio4j.socketio;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The rooms of one namespace, in memory: which sockets are in which room. A room exists while it has a
 * member (an emptied room is removed), so the maps hold exactly the current memberships. Thread-safe;
 * every method holds the adapter's monitor briefly and does no I/O.
 */
public final class InMemoryAdapter {
  private final Map<String, Set<String>> rooms = new HashMap<>();
  private final Map<String, Set<String>> roomsBySocket = new HashMap<>();

  InMemoryAdapter() {}

  /** Adds socket {@code id} to {@code room} if {@code stillOpen} holds (checked under the monitor). */
  synchronized void add(String id, String room, BooleanSupplier stillOpen) {
    if (!stillOpen.getAsBoolean()) {
      return;
    }
    rooms.computeIfAbsent(room, r -> new HashSet<>()).add(id);
    roomsBySocket.computeIfAbsent(id, s -> new HashSet<>()).add(room);
  }

  /** Removes socket {@code id} from {@code room}. */
  synchronized void del(String id, String room) {
    Set<String> members = rooms.get(room);
    if (members != null && members.remove(id) && members.isEmpty()) {
      rooms.remove(room);
    }
    Set<String> mine = roomsBySocket.get(id);
    if (mine != null && mine.remove(room) && mine.isEmpty()) {
      roomsBySocket.remove(id);
    }
  }

  /** Removes socket {@code id} from every room. */
  synchronized void delAll(String id) {
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

  /** The rooms that have members now (a copy). */
  public synchronized Set<String> rooms() {
    return Set.copyOf(rooms.keySet());
  }

  /** The ids of the sockets in {@code room} now (a copy; empty for an unknown room). */
  public synchronized Set<String> socketsIn(String room) {
    Set<String> members = rooms.get(room);
    return members == null ? Set.of() : Set.copyOf(members);
  }

  /** The rooms socket {@code id} is in now (a copy). */
  public synchronized Set<String> roomsOf(String id) {
    Set<String> mine = roomsBySocket.get(id);
    return mine == null ? Set.of() : Set.copyOf(mine);
  }
}
