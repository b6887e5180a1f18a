package dev.eio4j.micrometer;

import dev.eio4j.socketio.Namespace;
import dev.eio4j.socketio.SocketIoDisconnectReason;
import dev.eio4j.socketio.SocketIoObserver;
import dev.eio4j.socketio.SocketIoServer;
import dev.eio4j.socketio.SocketIoSocket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Socket.IO metrics for Micrometer: a {@link SocketIoObserver} that feeds meters named {@code
 * socketio.*} (docs/operations.md lists them with their tags). Needs {@code socketio-core} on the class
 * path (an optional dependency of this module).
 *
 * <pre>{@code
 * SocketIoMetrics metrics = new SocketIoMetrics();
 * metrics.bindTo(registry);                                    // before the server runs
 * SocketIoServer io = SocketIoServer.attach(engine, SocketIoOptions.builder().observer(metrics).build());
 * }</pre>
 *
 * <p><b>The {@code namespace} tag is bounded.</b> A static namespace is tagged with its name; every
 * child of a dynamic namespace with the dynamic namespace's {@linkplain
 * dev.eio4j.socketio.DynamicNamespace#description() description} (e.g. {@code "//dyn-\w+/"} for {@code
 * io.of(Pattern.compile("/dyn-\\w+"))}), so clients cannot create series by inventing names. At most {@code maxNamespaceTags}
 * values are used (default {@value #DEFAULT_MAX_NAMESPACE_TAGS}); namespaces beyond are counted under
 * {@code namespace="other"}.
 *
 * <p>Series without a namespace tag are registered by {@link #bindTo} for every tag value; those with
 * one when the namespace (or its dynamic group) is first seen. Counters count from {@code bindTo} on;
 * the gauges read live state. Thread-safe; never blocks.
 */
public final class SocketIoMetrics implements SocketIoObserver, MeterBinder {
  /** The default cap on distinct {@code namespace} tag values. */
  public static final int DEFAULT_MAX_NAMESPACE_TAGS = 50;

  /** The tag value of namespaces beyond the cap. */
  public static final String OTHER = "other";

  private static final SocketIoDisconnectReason[] REASONS = SocketIoDisconnectReason.values();
  private static final int IN = 0;
  private static final int OUT = 1;
  private static final String[] ACK_RESULTS = {"requested", "answered", "timed out"};
  private static final int REQUESTED = 0;
  private static final int ANSWERED = 1;
  private static final int TIMED_OUT = 2;

  private final Tags commonTags;
  private final int maxNamespaceTags;
  private final Map<String, AtomicLong> socketsByTag = new ConcurrentHashMap<>();
  private final AtomicLong staticNamespaces = new AtomicLong();
  private final AtomicLong dynamicNamespaces = new AtomicLong();
  private final Set<SocketIoServer> servers =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
  private final List<Meters> bound = new CopyOnWriteArrayList<>();

  /** Metrics with no common tags and the default namespace cap. */
  public SocketIoMetrics() {
    this(Tags.empty(), DEFAULT_MAX_NAMESPACE_TAGS);
  }

  /**
   * Metrics whose every meter also carries {@code commonTags}, with at most {@code maxNamespaceTags}
   * (1 or more) distinct {@code namespace} tag values.
   */
  public SocketIoMetrics(Iterable<Tag> commonTags, int maxNamespaceTags) {
    this.commonTags = Tags.of(Objects.requireNonNull(commonTags, "commonTags"));
    if (maxNamespaceTags < 1) {
      throw new IllegalArgumentException("maxNamespaceTags must be >= 1");
    }
    this.maxNamespaceTags = maxNamespaceTags;
  }

  /**
   * Registers the meters with {@code registry}; from now on it receives every event. Binding the same
   * registry again does nothing (so a framework that binds every {@code MeterBinder} bean cannot make it
   * count twice).
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    for (Meters b : bound) {
      if (b.r == registry) {
        return;
      }
    }
    Meters m = new Meters(registry);
    bound.add(m);
    for (String tag : socketsByTag.keySet()) {
      m.of(tag);
    }
  }

  /**
   * Adds {@code server}'s sockets to {@code socketio.acks.pending}. Not needed for a server built with
   * this observer in its options (it reports itself). Held weakly.
   */
  public void monitor(SocketIoServer server) {
    servers.add(Objects.requireNonNull(server, "server"));
  }

  /** The {@code namespace} tag value of {@code namespace} (before the cap). */
  public static String tagOf(Namespace namespace) {
    return namespace.parent() == null ? namespace.name() : namespace.parent().description();
  }

  /** Connected sockets counted under tag value {@code tag} (the {@code socketio.sockets} gauge). */
  public long sockets(String tag) {
    AtomicLong n = socketsByTag.get(tag);
    return n == null ? 0 : n.get();
  }

  /** Namespaces that exist now: static ones and dynamic children ({@code socketio.namespaces}). */
  public long namespaces(boolean dynamic) {
    return dynamic ? dynamicNamespaces.get() : staticNamespaces.get();
  }

  /** Outgoing acks awaiting an answer over every monitored server ({@code socketio.acks.pending}). */
  public long pendingAcks() {
    List<SocketIoServer> copy;
    synchronized (servers) {
      copy = new ArrayList<>(servers);
    }
    long sum = 0;
    for (SocketIoServer server : copy) {
      for (Namespace ns : server.namespaces().values()) {
        for (SocketIoSocket s : ns.sockets().values()) {
          sum += s.pendingAcks();
        }
      }
    }
    return sum;
  }

  // ------------------------------------------------------------------ SocketIoObserver

  @Override
  public void serverCreated(SocketIoServer server) {
    monitor(server);
  }

  @Override
  public void namespaceCreated(Namespace namespace) {
    (namespace.parent() == null ? staticNamespaces : dynamicNamespaces).incrementAndGet();
    String tag = tag(namespace);
    for (Meters m : bound) {
      m.of(tag);
    }
  }

  @Override
  public void namespaceRemoved(Namespace namespace) {
    (namespace.parent() == null ? staticNamespaces : dynamicNamespaces).decrementAndGet();
  }

  @Override
  public void socketConnected(SocketIoSocket socket) {
    String tag = tag(socket.namespace());
    socketsByTag.get(tag).incrementAndGet();
    for (Meters m : bound) {
      m.of(tag).connects.increment();
    }
  }

  @Override
  public void socketDisconnected(SocketIoSocket socket, SocketIoDisconnectReason reason) {
    socketsByTag.get(tag(socket.namespace())).decrementAndGet();
    for (Meters m : bound) {
      m.disconnects[reason.ordinal()].increment();
    }
  }

  @Override
  public void eventIn(SocketIoSocket socket, String event) {
    String tag = tag(socket.namespace());
    for (Meters m : bound) {
      m.of(tag).events[IN].increment();
    }
  }

  @Override
  public void eventOut(SocketIoSocket socket, String event) {
    String tag = tag(socket.namespace());
    for (Meters m : bound) {
      m.of(tag).events[OUT].increment();
    }
  }

  @Override
  public void ackPending(SocketIoSocket socket) {
    for (Meters m : bound) {
      m.acks[REQUESTED].increment();
    }
  }

  @Override
  public void ackAnswered(SocketIoSocket socket) {
    for (Meters m : bound) {
      m.acks[ANSWERED].increment();
    }
  }

  @Override
  public void ackTimedOut(SocketIoSocket socket) {
    for (Meters m : bound) {
      m.acks[TIMED_OUT].increment();
    }
  }

  @Override
  public void broadcast(Namespace namespace, String event, int recipients) {
    String tag = tag(namespace);
    for (Meters m : bound) {
      NsMeters n = m.of(tag);
      n.fanOut.record(recipients);
      n.events[OUT].increment(recipients);
    }
  }

  @Override
  public void listenerError(SocketIoSocket socket, Throwable error) {
    for (Meters m : bound) {
      m.listenerErrors.increment();
    }
  }

  // ------------------------------------------------------------------ meters

  /** The (capped) tag value of {@code namespace}; its sockets counter exists when this returns. */
  private String tag(Namespace namespace) {
    String tag = tagOf(namespace);
    if (socketsByTag.containsKey(tag)) {
      return tag;
    }
    synchronized (socketsByTag) {
      if (!socketsByTag.containsKey(tag)) {
        if (socketsByTag.size() >= maxNamespaceTags - 1 && !tag.equals(OTHER)) {
          tag = OTHER;
        }
        socketsByTag.computeIfAbsent(tag, t -> new AtomicLong());
      }
    }
    return tag;
  }

  /** The meters of one namespace tag value in one registry. */
  private static final class NsMeters {
    final Counter connects;
    final Counter[] events = new Counter[2];
    final DistributionSummary fanOut;

    NsMeters(MeterRegistry r, Tags tags, AtomicLong sockets) {
      Gauge.builder("socketio.sockets", sockets, AtomicLong::get)
          .description(
              "Connected Socket.IO sockets, by namespace (dynamic children by their group)")
          .tags(tags)
          .strongReference(true)
          .register(r);
      connects =
          Counter.builder("socketio.connects")
              .description("Sockets that joined a namespace (CONNECT accepted)")
              .tags(tags)
              .register(r);
      for (int d = IN; d <= OUT; d++) {
        events[d] =
            Counter.builder("socketio.events")
                .description(
                    "Events received (in) and sent (out; a broadcast counts once per recipient)")
                .tags(tags.and("direction", d == IN ? "in" : "out"))
                .register(r);
      }
      fanOut =
          DistributionSummary.builder("socketio.broadcast.recipients")
              .description("Sockets each broadcast was queued for")
              .tags(tags)
              .register(r);
    }
  }

  /** Every meter of one registry. */
  private final class Meters {
    final MeterRegistry r;
    final Map<String, NsMeters> byTag = new ConcurrentHashMap<>();
    final Counter[] disconnects = new Counter[REASONS.length];
    final Counter[] acks = new Counter[ACK_RESULTS.length];
    final Counter listenerErrors;

    Meters(MeterRegistry r) {
      this.r = r;
      for (String kind : new String[] {"static", "dynamic"}) {
        AtomicLong n = kind.equals("static") ? staticNamespaces : dynamicNamespaces;
        Gauge.builder("socketio.namespaces", n, AtomicLong::get)
            .description("Namespaces that exist: static ones, and dynamic children with sockets")
            .tags(commonTags.and("kind", kind))
            .strongReference(true)
            .register(r);
      }
      for (SocketIoDisconnectReason reason : REASONS) {
        disconnects[reason.ordinal()] =
            Counter.builder("socketio.disconnects")
                .description("Sockets that left their namespace, by reason")
                .tags(commonTags.and("reason", reason.wireName()))
                .register(r);
      }
      for (int i = 0; i < ACK_RESULTS.length; i++) {
        acks[i] =
            Counter.builder("socketio.acks")
                .description(
                    "Acks the server asked for (requested), and those answered or timed out")
                .tags(commonTags.and("result", ACK_RESULTS[i]))
                .register(r);
      }
      Gauge.builder("socketio.acks.pending", SocketIoMetrics.this, SocketIoMetrics::pendingAcks)
          .description("Acks the server asked for and still awaits, over every socket")
          .tags(commonTags)
          .strongReference(true)
          .register(r);
      listenerErrors =
          Counter.builder("socketio.listener.errors")
              .description("Exceptions thrown by application listeners and middlewares")
              .tags(commonTags)
              .register(r);
    }

    NsMeters of(String tag) {
      NsMeters n = byTag.get(tag);
      if (n == null) {
        n =
            byTag.computeIfAbsent(
                tag, t -> new NsMeters(r, commonTags.and("namespace", t), socketsByTag.get(t)));
      }
      return n;
    }
  }
}
