package dev.eio4j.socketio.spi;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which sockets a broadcast (or a fetch, join, leave, disconnect) selects: those in any of {@link
 * #rooms()} (every socket of the namespace when it is empty) and in none of {@link #except()}; a socket
 * id names the socket's own room. Immutable.
 *
 * @param rooms the rooms selected (a copy is kept, in order)
 * @param except the rooms excluded
 * @param flags the flags
 */
public record BroadcastOptions(Set<String> rooms, Set<String> except, BroadcastFlags flags) {
  /** Copies the sets; checks for nulls. */
  public BroadcastOptions {
    rooms = copy(rooms, "rooms");
    except = copy(except, "except");
    Objects.requireNonNull(flags, "flags");
  }

  /** Every socket of the namespace, no flags. */
  public static BroadcastOptions all() {
    return new BroadcastOptions(Set.of(), Set.of(), BroadcastFlags.NONE);
  }

  /** The sockets in {@code rooms}, no flags. */
  public static BroadcastOptions rooms(Set<String> rooms) {
    return new BroadcastOptions(rooms, Set.of(), BroadcastFlags.NONE);
  }

  private static Set<String> copy(Set<String> s, String what) {
    Objects.requireNonNull(s, what);
    Set<String> c = new LinkedHashSet<>();
    for (String r : s) {
      c.add(Objects.requireNonNull(r, "a room name"));
    }
    return Collections.unmodifiableSet(c);
  }
}
