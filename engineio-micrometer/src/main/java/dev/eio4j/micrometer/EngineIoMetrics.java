package dev.eio4j.micrometer;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.EngineObserver;
import dev.eio4j.HandshakeError;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Engine.IO metrics for Micrometer: an {@link EngineObserver} that feeds meters named {@code engineio.*}
 * (docs/operations.md lists them with their tags).
 *
 * <pre>{@code
 * EngineIoMetrics metrics = new EngineIoMetrics();
 * metrics.bindTo(registry);                                   // before the server runs
 * EngineIoServer server = EngineIoServer.builder().observer(metrics).build();
 * }</pre>
 *
 * <p>Every meter is registered by {@link #bindTo}, for every tag value, so a scrape shows zeros rather
 * than missing series, and an event costs an array look-up and an atomic add (no registry look-up).
 * Events that happen before the first {@code bindTo} are not counted; the two gauges (open sessions, send
 * buffer) read live state and are always right. One instance may be bound to several registries (each
 * gets every event); bind one instance per server to a registry, or give each its own {@linkplain
 * #EngineIoMetrics(Iterable) common tags}, since two instances with the same meter ids would share (or,
 * for the gauges, shadow) each other's meters. Thread-safe; never blocks.
 */
public final class EngineIoMetrics implements EngineObserver, MeterBinder {
  /** The buckets of {@code engineio.heartbeat.rtt}. */
  static final Duration[] RTT_BUCKETS =
      millis(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 20000);

  /** The buckets of {@code engineio.poll.hold}. */
  static final Duration[] HOLD_BUCKETS =
      millis(10, 100, 1000, 5000, 10000, 20000, 25000, 30000, 60000);

  private static final TransportType[] TRANSPORTS = TransportType.values();
  private static final ProtocolVersion[] PROTOCOLS = ProtocolVersion.values();
  private static final DisconnectReason[] REASONS = DisconnectReason.values();
  private static final UpgradeFailure[] FAILURES = UpgradeFailure.values();
  private static final Limit[] LIMITS = Limit.values();
  private static final HandshakeError[] ERRORS = HandshakeError.values();
  private static final int IN = 0;
  private static final int OUT = 1;
  private static final int ATTEMPTED = 0;
  private static final int SUCCEEDED = 1;
  private static final int FAILED = 2; // + UpgradeFailure ordinal

  private final Tags commonTags;
  private final AtomicLong[][] open = new AtomicLong[TRANSPORTS.length][PROTOCOLS.length];
  private final Set<EngineIoServer> servers =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
  private final List<Meters> bound = new CopyOnWriteArrayList<>();

  /** Metrics with no common tags. */
  public EngineIoMetrics() {
    this(Tags.empty());
  }

  /** Metrics whose every meter also carries {@code commonTags} (e.g. {@code server=chat}). */
  public EngineIoMetrics(Iterable<Tag> commonTags) {
    this.commonTags = Tags.of(Objects.requireNonNull(commonTags, "commonTags"));
    for (AtomicLong[] row : open) {
      for (int p = 0; p < row.length; p++) {
        row[p] = new AtomicLong();
      }
    }
  }

  /** Registers every meter with {@code registry}; from now on it receives every event. */
  @Override
  public void bindTo(MeterRegistry registry) {
    bound.add(new Meters(Objects.requireNonNull(registry, "registry")));
  }

  /**
   * Adds {@code server}'s sockets to {@code engineio.send.buffer}. Not needed for a server built with
   * this observer in its options (it reports itself); for a server built otherwise. Held weakly.
   */
  public void monitor(EngineIoServer server) {
    servers.add(Objects.requireNonNull(server, "server"));
  }

  /** Open sessions on {@code transport} with {@code protocol} (the {@code engineio.sessions.open} gauge). */
  public long openSessions(TransportType transport, ProtocolVersion protocol) {
    return open[transport.ordinal()][protocol.ordinal()].get();
  }

  /** The outbound bytes queued over every monitored server's sockets ({@code engineio.send.buffer}). */
  public long bufferedBytes() {
    List<EngineIoServer> copy;
    synchronized (servers) {
      copy = new ArrayList<>(servers);
    }
    long sum = 0;
    for (EngineIoServer server : copy) {
      for (EngineIoSocket socket : server.sockets()) {
        sum += socket.bufferedAmount();
      }
    }
    return sum;
  }

  // ------------------------------------------------------------------ EngineObserver

  @Override
  public void serverCreated(EngineIoServer server) {
    monitor(server);
  }

  @Override
  public void sessionOpened(ProtocolVersion protocol, TransportType transport) {
    open[transport.ordinal()][protocol.ordinal()].incrementAndGet();
    for (Meters m : bound) {
      m.handshakes[transport.ordinal()][protocol.ordinal()].increment();
    }
  }

  @Override
  public void sessionClosed(
      ProtocolVersion protocol,
      TransportType transport,
      DisconnectReason reason,
      long lifetimeMillis) {
    open[transport.ordinal()][protocol.ordinal()].decrementAndGet();
    for (Meters m : bound) {
      m.closes[reason.ordinal()][transport.ordinal()].increment();
      m.sessionDuration.record(lifetimeMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void upgradeStarted(ProtocolVersion protocol) {
    for (Meters m : bound) {
      m.upgrades[protocol.ordinal()][ATTEMPTED].increment();
    }
  }

  @Override
  public void upgraded(ProtocolVersion protocol, TransportType from, TransportType to) {
    open[from.ordinal()][protocol.ordinal()].decrementAndGet();
    open[to.ordinal()][protocol.ordinal()].incrementAndGet();
    for (Meters m : bound) {
      m.upgrades[protocol.ordinal()][SUCCEEDED].increment();
    }
  }

  @Override
  public void upgradeFailed(ProtocolVersion protocol, UpgradeFailure reason) {
    for (Meters m : bound) {
      m.upgrades[protocol.ordinal()][FAILED + reason.ordinal()].increment();
    }
  }

  @Override
  public void heartbeatRtt(TransportType transport, long millis) {
    for (Meters m : bound) {
      m.heartbeatRtt[transport.ordinal()].record(millis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void pollHeld(ProtocolVersion protocol, long millis) {
    for (Meters m : bound) {
      m.pollHold[protocol.ordinal()].record(millis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void packetsIn(TransportType transport, int packets, long bytes) {
    for (Meters m : bound) {
      m.packets[transport.ordinal()][IN].increment(packets);
      m.bytes[transport.ordinal()][IN].increment(bytes);
    }
  }

  @Override
  public void packetsOut(TransportType transport, int packets, long bytes) {
    for (Meters m : bound) {
      m.packets[transport.ordinal()][OUT].increment(packets);
      m.bytes[transport.ordinal()][OUT].increment(bytes);
    }
  }

  @Override
  public void limitRejected(Limit limit) {
    for (Meters m : bound) {
      m.limitRejections[limit.ordinal()].increment();
    }
  }

  @Override
  public void connectionError(HandshakeError error) {
    for (Meters m : bound) {
      m.connectionErrors[error.ordinal()].increment();
    }
  }

  // ------------------------------------------------------------------ meters

  private static String protocolTag(ProtocolVersion p) {
    return String.valueOf(p.number());
  }

  private static Duration[] millis(long... values) {
    Duration[] d = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      d[i] = Duration.ofMillis(values[i]);
    }
    return d;
  }

  /** Every meter of one registry, indexed by the ordinals of the events' enums. */
  private final class Meters {
    final Counter[][] handshakes = new Counter[TRANSPORTS.length][PROTOCOLS.length];
    final Counter[][] closes = new Counter[REASONS.length][TRANSPORTS.length];
    final Timer sessionDuration;
    final Counter[][] upgrades = new Counter[PROTOCOLS.length][FAILED + FAILURES.length];
    final Timer[] heartbeatRtt = new Timer[TRANSPORTS.length];
    final Timer[] pollHold = new Timer[PROTOCOLS.length];
    final Counter[][] packets = new Counter[TRANSPORTS.length][2];
    final Counter[][] bytes = new Counter[TRANSPORTS.length][2];
    final Counter[] limitRejections = new Counter[LIMITS.length];
    final Counter[] connectionErrors = new Counter[ERRORS.length];

    Meters(MeterRegistry r) {
      for (TransportType t : TRANSPORTS) {
        for (ProtocolVersion p : PROTOCOLS) {
          Tags tags = commonTags.and("transport", t.wireName(), "protocol", protocolTag(p));
          Gauge.builder("engineio.sessions.open", open[t.ordinal()][p.ordinal()], AtomicLong::get)
              .description(
                  "Open Engine.IO sessions, by their current transport and protocol version")
              .tags(tags)
              .strongReference(true)
              .register(r);
          handshakes[t.ordinal()][p.ordinal()] =
              Counter.builder("engineio.handshakes")
                  .description(
                      "Successful handshakes (sessions opened), by the transport they opened on")
                  .tags(tags)
                  .register(r);
        }
      }
      for (DisconnectReason reason : REASONS) {
        for (TransportType t : TRANSPORTS) {
          closes[reason.ordinal()][t.ordinal()] =
              Counter.builder("engineio.closes")
                  .description("Sessions closed, by reason and by the transport they were on")
                  .tags(commonTags.and("reason", reason.wireName(), "transport", t.wireName()))
                  .register(r);
        }
      }
      sessionDuration =
          Timer.builder("engineio.session.duration")
              .description("How long sessions lived, from the handshake to the close")
              .tags(commonTags)
              .register(r);
      for (ProtocolVersion p : PROTOCOLS) {
        Tags tags = commonTags.and("protocol", protocolTag(p));
        upgrades[p.ordinal()][ATTEMPTED] = upgradeCounter(r, tags, "attempted", "none");
        upgrades[p.ordinal()][SUCCEEDED] = upgradeCounter(r, tags, "succeeded", "none");
        for (UpgradeFailure f : FAILURES) {
          upgrades[p.ordinal()][FAILED + f.ordinal()] =
              upgradeCounter(r, tags, "failed", f.label());
        }
        pollHold[p.ordinal()] =
            Timer.builder("engineio.poll.hold")
                .description(
                    "How long a polling GET was held before it was answered (the handshake excluded)")
                .tags(tags)
                .serviceLevelObjectives(HOLD_BUCKETS)
                .register(r);
      }
      for (TransportType t : TRANSPORTS) {
        heartbeatRtt[t.ordinal()] =
            Timer.builder("engineio.heartbeat.rtt")
                .description(
                    "v4 heartbeat round trip: from the ping reaching the transport to the pong's arrival")
                .tags(commonTags.and("transport", t.wireName()))
                .serviceLevelObjectives(RTT_BUCKETS)
                .register(r);
        for (int d = IN; d <= OUT; d++) {
          Tags tags =
              commonTags.and("transport", t.wireName(), "direction", d == IN ? "in" : "out");
          packets[t.ordinal()][d] =
              Counter.builder("engineio.packets")
                  .description("Engine.IO packets received (in) and sent (out), by transport")
                  .tags(tags)
                  .register(r);
          bytes[t.ordinal()][d] =
              Counter.builder("engineio.bytes")
                  .description(
                      "Payload bytes received and sent: POST bodies, polling responses before HTTP compression, WebSocket frames")
                  .baseUnit("bytes")
                  .tags(tags)
                  .register(r);
        }
      }
      Gauge.builder("engineio.send.buffer", EngineIoMetrics.this, EngineIoMetrics::bufferedBytes)
          .description("Outbound bytes queued and not yet handed to a transport, over every socket")
          .baseUnit("bytes")
          .tags(commonTags)
          .strongReference(true)
          .register(r);
      for (Limit l : LIMITS) {
        limitRejections[l.ordinal()] =
            Counter.builder("engineio.limit.rejections")
                .description("Requests, frames and sends refused for breaking a limit, by kind")
                .tags(commonTags.and("kind", l.label()))
                .register(r);
      }
      for (HandshakeError e : ERRORS) {
        connectionErrors[e.ordinal()] =
            Counter.builder("engineio.connection.errors")
                .description("Requests refused with an Engine.IO error code (0-5), by code")
                .tags(commonTags.and("code", String.valueOf(e.code())))
                .register(r);
      }
    }

    private Counter upgradeCounter(MeterRegistry r, Tags tags, String result, String reason) {
      return Counter.builder("engineio.upgrades")
          .description(
              "Upgrades from polling to WebSocket: attempted, succeeded, failed (by reason)")
          .tags(tags.and("result", result, "reason", reason))
          .register(r);
    }
  }
}
