package dev.eio4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.socketio.SocketIoOptions;
import dev.eio4j.socketio.SocketIoServer;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.FakeWsConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every {@code socketio.*} meter under virtual time, with exact values. */
class SocketIoMetricsTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final EngineHarness h = EngineHarness.create(b -> b.path("/socket.io/"));

  private SocketIoServer attach(SocketIoMetrics metrics) {
    metrics.bindTo(registry);
    SocketIoServer io =
        SocketIoServer.attach(
            h.server(), SocketIoOptions.builder().timers(h.clock()).observer(metrics).build());
    io.onError((socket, error) -> {});
    return io;
  }

  private FakeWsConnection client() {
    FakeWsConnection c = h.openWebSocket("EIO=4").conn();
    h.clock().runPending();
    return c;
  }

  private void send(FakeWsConnection c, String sioPacket) {
    c.clientText("4" + sioPacket);
    h.clock().runPending();
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  @Test
  void everyMeterCounts() {
    SocketIoServer io = attach(new SocketIoMetrics());
    io.of(Pattern.compile("/room-\\w+"))
        .onConnection(
            s -> {
              s.join("r");
              s.on("hi", (args, ack) -> s.emit("hello"));
              s.on("all", (args, ack) -> s.namespace().to("r").emit("news"));
              s.on("ask", (args, ack) -> s.emitWithAck(Duration.ofSeconds(5), "q"));
              s.on(
                  "boom",
                  (args, ack) -> {
                    throw new IllegalStateException("boom");
                  });
            });
    assertThat(gauge("socketio.namespaces", "kind", "static")).isEqualTo(1);
    assertThat(gauge("socketio.namespaces", "kind", "dynamic")).isZero();
    assertThat(gauge("socketio.sockets", "namespace", "/")).isZero();

    FakeWsConnection a = client();
    FakeWsConnection b = client();
    FakeWsConnection c = client();
    send(a, "0/room-1,");
    send(b, "0/room-1,");
    send(c, "0/room-2,");
    send(c, "0");
    String group = "//room-\\w+/";
    assertThat(gauge("socketio.namespaces", "kind", "dynamic")).isEqualTo(2);
    assertThat(gauge("socketio.sockets", "namespace", group)).isEqualTo(3);
    assertThat(gauge("socketio.sockets", "namespace", "/")).isEqualTo(1);
    assertThat(count("socketio.connects", "namespace", group)).isEqualTo(3);

    send(a, "2/room-1,[\"hi\"]");
    send(a, "2/room-1,[\"all\"]");
    assertThat(count("socketio.events", "namespace", group, "direction", "in")).isEqualTo(2);
    assertThat(count("socketio.events", "namespace", group, "direction", "out"))
        .isEqualTo(3); // hello, then news to a and b
    assertThat(registry.get("socketio.broadcast.recipients").summary().count()).isEqualTo(1);
    assertThat(registry.get("socketio.broadcast.recipients").summary().totalAmount()).isEqualTo(2);

    send(a, "2/room-1,[\"ask\"]");
    send(b, "2/room-1,[\"ask\"]");
    assertThat(gauge("socketio.acks.pending")).isEqualTo(2);
    send(a, "3/room-1,0[]");
    assertThat(gauge("socketio.acks.pending")).isEqualTo(1);
    h.clock().advance(Duration.ofSeconds(5));
    assertThat(gauge("socketio.acks.pending")).isZero();
    assertThat(count("socketio.acks", "result", "requested")).isEqualTo(2);
    assertThat(count("socketio.acks", "result", "answered")).isEqualTo(1);
    assertThat(count("socketio.acks", "result", "timed out")).isEqualTo(1);

    send(b, "2/room-1,[\"boom\"]");
    assertThat(count("socketio.listener.errors")).isEqualTo(1);

    send(a, "1/room-1,");
    c.clientClose();
    h.clock().runPending();
    assertThat(count("socketio.disconnects", "reason", "client namespace disconnect")).isEqualTo(1);
    assertThat(count("socketio.disconnects", "reason", "transport close")).isEqualTo(2);
    assertThat(gauge("socketio.sockets", "namespace", group)).isEqualTo(1);
    assertThat(gauge("socketio.sockets", "namespace", "/")).isZero();
    assertThat(gauge("socketio.namespaces", "kind", "dynamic")).isEqualTo(1); // room-2 emptied
  }

  @Test
  void theNamespaceTagIsCapped() {
    SocketIoMetrics metrics = new SocketIoMetrics(Tags.of("server", "t"), 3);
    SocketIoServer io = attach(metrics);
    for (int i = 0; i < 5; i++) {
      io.of("/s" + i);
    }
    FakeWsConnection a = client();
    for (int i = 0; i < 5; i++) {
      send(a, "0/s" + i + ",");
    }
    // "/" and "/s0" have their own series; /s1../s4 share "other"
    assertThat(gauge("socketio.sockets", "namespace", "/s0", "server", "t")).isEqualTo(1);
    assertThat(gauge("socketio.sockets", "namespace", SocketIoMetrics.OTHER)).isEqualTo(4);
    assertThat(registry.find("socketio.sockets").gauges()).hasSize(3);
    assertThat(metrics.sockets("/s3")).isZero();
  }

  @Test
  void aSecondRegistryBoundLaterSeesExistingNamespaces() {
    SocketIoMetrics metrics = new SocketIoMetrics();
    attach(metrics).of("/late");
    MeterRegistry second = new SimpleMeterRegistry();
    metrics.bindTo(second);
    metrics.bindTo(second); // ignored: no double counting
    assertThat(second.get("socketio.sockets").tags("namespace", "/late").gauge().value()).isZero();
    send(client(), "0/late,");
    assertThat(second.get("socketio.sockets").tags("namespace", "/late").gauge().value())
        .isEqualTo(1);
    assertThat(second.get("socketio.connects").tags("namespace", "/late").counter().count())
        .isEqualTo(1);
  }
}
