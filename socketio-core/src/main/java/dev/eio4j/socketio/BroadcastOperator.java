package dev.eio4j.socketio;

import dev.eio4j.socketio.parser.SioPacket;
import dev.eio4j.socketio.spi.Adapter;
import dev.eio4j.socketio.spi.BroadcastAckSink;
import dev.eio4j.socketio.spi.BroadcastFlags;
import dev.eio4j.socketio.spi.BroadcastOptions;
import dev.eio4j.socketio.spi.SocketDetails;
import dev.eio4j.spi.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.node.ArrayNode;

/**
 * A selection of a namespace's sockets, with flags: those in any of {@link #rooms()} (every socket when
 * there is none) and in none of {@link #exceptRooms()}. Immutable: {@link #to}, {@link #except}, {@link
 * #local()}, {@link #asVolatile()}, {@link #compress} and {@link #timeout} return new operators, so one
 * can be kept and reused. The selection is made when an operation runs, by the namespace's {@link
 * Adapter} (on every server, with a cluster adapter, unless {@link #local()}).
 */
public final class BroadcastOperator {
  private final Namespace nsp;
  private final BroadcastOptions opts;

  BroadcastOperator(Namespace nsp, BroadcastOptions opts) {
    this.nsp = nsp;
    this.opts = opts;
  }

  // ------------------------------------------------------------------ selection and flags

  /** This selection plus the sockets of {@code room}. */
  public BroadcastOperator to(String room) {
    return to(List.of(Objects.requireNonNull(room, "room")));
  }

  /** This selection plus the sockets of each of {@code rooms} (a socket is reached once). */
  public BroadcastOperator to(Collection<String> rooms) {
    Set<String> r = new LinkedHashSet<>(opts.rooms());
    r.addAll(rooms);
    return with(new BroadcastOptions(r, opts.except(), opts.flags()));
  }

  /** Same as {@link #to(String)}. */
  public BroadcastOperator in(String room) {
    return to(room);
  }

  /** Same as {@link #to(Collection)}. */
  public BroadcastOperator in(Collection<String> rooms) {
    return to(rooms);
  }

  /** This selection without the sockets of {@code room} (a socket id names its own room). */
  public BroadcastOperator except(String room) {
    return except(List.of(Objects.requireNonNull(room, "room")));
  }

  /** This selection without the sockets of any of {@code rooms}. */
  public BroadcastOperator except(Collection<String> rooms) {
    Set<String> e = new LinkedHashSet<>(opts.except());
    e.addAll(rooms);
    return with(new BroadcastOptions(opts.rooms(), e, opts.flags()));
  }

  /** Only the sockets of this server (no difference with the in-memory adapter). */
  public BroadcastOperator local() {
    return with(opts.flags().withLocal());
  }

  /**
   * Node's {@code volatile} flag: a socket whose connection cannot take the packet now (its queue is
   * above the engine's low-water mark, {@code EngineIoSocket.isWritable()} false, e.g. a polling client
   * with no request held for a while, or a WebSocket peer that does not read) does not get it, and
   * nothing is queued for it later. For packets that may be lost, such as positions or ticks.
   */
  public BroadcastOperator asVolatile() {
    return with(opts.flags().withVolatile());
  }

  /**
   * Node's {@code compress} flag. Accepted and passed to the adapter, without effect on this server:
   * the engine has no per-message compression switch (WebSocket permessage-deflate, when negotiated,
   * applies to every message, and polling responses follow {@code httpCompression}).
   */
  public BroadcastOperator compress(boolean compress) {
    return with(opts.flags().withCompress(compress));
  }

  /** How long {@link #emitWithAck} waits for the answers (zero or more). */
  public BroadcastOperator timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return with(opts.flags().withTimeout(timeout));
  }

  /** The rooms selected (empty: the whole namespace). */
  public Set<String> rooms() {
    return opts.rooms();
  }

  /** The rooms excluded. */
  public Set<String> exceptRooms() {
    return opts.except();
  }

  /** The flags. */
  public BroadcastFlags flags() {
    return opts.flags();
  }

  /** The selection and flags as the adapter gets them. */
  public BroadcastOptions options() {
    return opts;
  }

  // ------------------------------------------------------------------ operations

  /** The connected sockets of this server selected now. */
  public List<SocketIoSocket> sockets() {
    InMemoryAdapter local = nsp.localAdapter();
    if (nsp.adapter() == local) {
      return local.selectSockets(opts);
    }
    // another adapter may keep the rooms itself: ask it socket by socket
    List<SocketIoSocket> out = new ArrayList<>();
    for (SocketIoSocket s : nsp.socketMap().values()) {
      Set<String> mine = nsp.adapter().socketRooms(s.id());
      boolean in = opts.rooms().isEmpty() || !Collections.disjoint(mine, opts.rooms());
      if (s.connected() && in && Collections.disjoint(mine, opts.except())) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Sends the event to every selected socket (encoded once per server). Arguments as in {@link
   * SocketIoSocket#emit}.
   *
   * @return how many sockets of this server queued it
   * @throws IllegalArgumentException for a reserved event name
   */
  public int emit(String event, Object... args) {
    SocketIoSocket.checkEventName(event);
    RecoveryStore recovery = nsp.server().recovery();
    if (recovery != null && !opts.flags().isVolatile()) {
      // connection state recovery: numbered, stored with an offset and queued to this server's
      // sockets under the store's lock (recovery works with the in-memory adapter only)
      int n =
          recovery.emit(
              nsp.name(), opts.rooms(), opts.except(), Args.event(event, args), this::sockets);
      nsp.server().countBroadcast(n);
      nsp.server().observer().broadcast(nsp, event, n);
      return n;
    }
    SioPacket packet = SioPacket.event(nsp.name(), SioPacket.NO_ID, Args.event(event, args));
    int n = nsp.adapter().broadcast(packet, opts);
    nsp.server().observer().broadcast(nsp, event, n);
    return n;
  }

  /**
   * Sends the event to every selected socket asking each for an answer, and collects the answers (in
   * arrival order) once every selected client on every server has answered or left. When the {@link
   * #timeout} fires first, the future fails with a {@link BroadcastAckTimeoutException} that carries
   * the answers received so far. Either way nothing stays behind: every socket forgets the pending
   * answer and the timer is cancelled. With no socket selected the list is empty at once.
   *
   * @throws IllegalStateException when no {@link #timeout} was set (an answer may never come)
   * @throws IllegalArgumentException for a reserved event name
   */
  public CompletableFuture<List<ArrayNode>> emitWithAck(String event, Object... args) {
    SocketIoSocket.checkEventName(event);
    Duration timeout = opts.flags().timeout();
    if (timeout == null) {
      throw new IllegalStateException("emitWithAck on a broadcast needs timeout(Duration) first");
    }
    SioPacket packet = SioPacket.event(nsp.name(), SioPacket.NO_ID, Args.event(event, args));
    Collector c = new Collector();
    c.timer = nsp.server().schedule(timeout, c::onTimeout);
    Cancellable handle;
    try {
      handle = nsp.adapter().broadcastWithAck(packet, opts, c);
    } catch (RuntimeException e) {
      c.fail(e);
      throw e;
    }
    c.setHandle(handle);
    nsp.adapter()
        .serverCount()
        .whenComplete(
            (n, err) -> {
              if (err != null) {
                c.fail(err);
              } else {
                c.serverCount(n);
              }
            });
    return c.future;
  }

  /** The selected sockets, on every server unless {@link #local()}. */
  public CompletableFuture<List<RemoteSocket>> fetchSockets() {
    return nsp.adapter()
        .fetchSockets(opts)
        .thenApply(
            list -> {
              List<RemoteSocket> out = new ArrayList<>(list.size());
              for (SocketDetails d : list) {
                out.add(new RemoteSocket(nsp, d));
              }
              return List.copyOf(out);
            })
        .toCompletableFuture();
  }

  /** The selected sockets join {@code room}. */
  public CompletableFuture<Void> socketsJoin(String room) {
    return socketsJoin(List.of(Objects.requireNonNull(room, "room")));
  }

  /** The selected sockets join each of {@code rooms}. */
  public CompletableFuture<Void> socketsJoin(Collection<String> rooms) {
    return nsp.adapter().addSockets(opts, Set.copyOf(rooms)).toCompletableFuture();
  }

  /** The selected sockets leave {@code room}. */
  public CompletableFuture<Void> socketsLeave(String room) {
    return socketsLeave(List.of(Objects.requireNonNull(room, "room")));
  }

  /** The selected sockets leave each of {@code rooms}. */
  public CompletableFuture<Void> socketsLeave(Collection<String> rooms) {
    return nsp.adapter().delSockets(opts, Set.copyOf(rooms)).toCompletableFuture();
  }

  /** The selected sockets are disconnected; with {@code close}, their whole connections. */
  public CompletableFuture<Void> disconnectSockets(boolean close) {
    return nsp.adapter().disconnectSockets(opts, close).toCompletableFuture();
  }

  private BroadcastOperator with(BroadcastOptions o) {
    return new BroadcastOperator(nsp, o);
  }

  private BroadcastOperator with(BroadcastFlags f) {
    return new BroadcastOperator(nsp, new BroadcastOptions(opts.rooms(), opts.except(), f));
  }

  @Override
  public String toString() {
    return "BroadcastOperator{"
        + LogText.of(nsp.name())
        + " to="
        + LogText.of(opts.rooms().toString())
        + " except="
        + LogText.of(opts.except().toString())
        + " "
        + opts.flags()
        + "}";
  }

  /**
   * Collects the answers of one broadcast with acks: done when the server count is known, every
   * server has said how many clients it sent to, and each of those answered or left; or when the timer
   * fires. The future is completed outside the monitor.
   */
  private static final class Collector implements BroadcastAckSink {
    final CompletableFuture<List<ArrayNode>> future = new CompletableFuture<>();
    volatile Cancellable timer = Cancellable.NONE;
    private Cancellable handle;
    private final List<ArrayNode> responses = new ArrayList<>();
    private int expectedServers = -1;
    private int reportedServers;
    private int expectedClients;
    private int gone;
    private boolean done;

    void setHandle(Cancellable h) {
      boolean release;
      synchronized (this) {
        handle = h;
        release = done;
      }
      if (release) {
        h.cancel();
      }
    }

    @Override
    public void clientCount(int clients) {
      synchronized (this) {
        reportedServers++;
        expectedClients += clients;
      }
      check();
    }

    @Override
    public void ack(ArrayNode args) {
      synchronized (this) {
        if (done) {
          return;
        }
        responses.add(args);
      }
      check();
    }

    @Override
    public void clientGone() {
      synchronized (this) {
        gone++;
      }
      check();
    }

    void serverCount(int n) {
      synchronized (this) {
        expectedServers = n;
      }
      check();
    }

    private void check() {
      List<ArrayNode> result;
      Cancellable h;
      synchronized (this) {
        if (done
            || expectedServers < 0
            || reportedServers < expectedServers
            || responses.size() + gone < expectedClients) {
          return;
        }
        done = true;
        result = List.copyOf(responses);
        h = handle;
      }
      timer.cancel();
      if (h != null) {
        h.cancel();
      }
      future.complete(result);
    }

    void onTimeout() {
      BroadcastAckTimeoutException e;
      Cancellable h;
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        e =
            new BroadcastAckTimeoutException(
                responses,
                reportedServers < expectedServers || expectedServers < 0
                    ? -1
                    : expectedClients - gone);
        h = handle;
      }
      if (h != null) {
        h.cancel();
      }
      future.completeExceptionally(e);
    }

    void fail(Throwable t) {
      Cancellable h;
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        h = handle;
      }
      timer.cancel();
      if (h != null) {
        h.cancel();
      }
      future.completeExceptionally(t);
    }
  }
}
