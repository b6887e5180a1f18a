package dev.eio4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.AllowRequest;
import dev.eio4j.EngineIoOptions;
import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import dev.eio4j.SendResult;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.EngineHarness.WsClient;
import dev.eio4j.testing.FakeHttpExchange;
import dev.eio4j.testing.FakeWsConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every meter under virtual time ({@link EngineHarness}: a real server, a {@code ManualScheduler}, fake
 * exchanges and WebSockets), with exact values.
 */
class EngineIoMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final EngineIoMetrics metrics = new EngineIoMetrics();
  private final Meters m = new Meters(registry);

  private EngineHarness harness(Consumer<EngineIoServer.Builder> config) {
    metrics.bindTo(registry);
    return EngineHarness.create(b -> config.accept(b.observer(metrics))).echo();
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void everyMeterIsRegisteredAtZeroForEveryTagValue() {
    metrics.bindTo(registry);
    assertThat(registry.find("engineio.sessions.open").gauges()).hasSize(4);
    assertThat(registry.find("engineio.handshakes").counters()).hasSize(4);
    assertThat(registry.find("engineio.closes").counters()).hasSize(12); // 6 reasons x 2 transports
    assertThat(registry.find("engineio.upgrades").counters())
        .hasSize(10); // 2 protocols x (2 + 3 failures)
    assertThat(registry.find("engineio.heartbeat.rtt").timers()).hasSize(2);
    assertThat(registry.find("engineio.poll.hold").timers()).hasSize(2);
    assertThat(registry.find("engineio.packets").counters()).hasSize(4);
    assertThat(registry.find("engineio.bytes").counters()).hasSize(4);
    assertThat(registry.find("engineio.send.buffer").gauges()).hasSize(1);
    assertThat(registry.find("engineio.limit.rejections").counters()).hasSize(7);
    assertThat(registry.find("engineio.connection.errors").counters()).hasSize(6);
    assertThat(registry.find("engineio.session.duration").timers()).hasSize(1);
    assertThat(registry.getMeters())
        .allSatisfy(meter -> assertThat(meter.getId().getName()).startsWith("engineio."));
    // SimpleMeterRegistry adds one "<name>.histogram" gauge per bucket of the two timers with
    // buckets
    assertThat(registry.getMeters())
        .filteredOn(meter -> !meter.getId().getName().endsWith(".histogram"))
        .hasSize(4 + 4 + 12 + 10 + 2 + 2 + 4 + 4 + 1 + 7 + 6 + 1);
    assertThat(registry.find("engineio.heartbeat.rtt.histogram").gauges())
        .hasSize(2 * EngineIoMetrics.RTT_BUCKETS.length);
  }

  @Test
  void aPollingSessionCountsItsHandshakeTrafficPollHoldsHeartbeatsAndClose() {
    EngineHarness h =
        harness(b -> b.pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200)));
    PollingClient c = h.openPolling("EIO=4");
    int openBytes = c.handshake().body().length;
    assertThat(m.handshakes("polling", "4")).isEqualTo(1);
    assertThat(m.open("polling", "4")).isEqualTo(1);
    assertThat(metrics.openSessions(TransportType.POLLING, ProtocolVersion.V4)).isEqualTo(1);
    assertThat(m.packets("polling", "out")).isEqualTo(1);
    assertThat(m.bytes("polling", "out")).isEqualTo(openBytes);
    assertThat(m.holds("4").count()).as("the handshake GET is not a held poll").isZero();

    assertThat(c.post("4hello\u001e4你好").bodyString()).isEqualTo("ok");
    assertThat(m.packets("polling", "in")).isEqualTo(2);
    assertThat(m.bytes("polling", "in")).isEqualTo(utf8("4hello\u001e4你好"));
    assertThat(c.get().bodyString()).isEqualTo("4hello\u001e4你好"); // the echoes, answered at once
    assertThat(m.packets("polling", "out")).isEqualTo(3);
    assertThat(m.bytes("polling", "out")).isEqualTo(openBytes + utf8("4hello\u001e4你好"));

    FakeHttpExchange held = c.get(); // t = 0; the first ping goes out at t = 300
    h.clock().advanceMillis(300);
    assertThat(held.bodyString()).isEqualTo("2");
    assertThat(m.holds("4").count()).isEqualTo(2);
    assertThat(m.holds("4").totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(300);
    assertThat(m.holds("4").max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(300);

    h.clock().advanceMillis(16);
    c.post("3"); // the pong, 16 ms after the ping left in the GET's response
    assertThat(m.rtt("polling").count()).isEqualTo(1);
    assertThat(m.rtt("polling").totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(16);

    // the next ping (t = 616) is queued with no GET held: the round trip starts when a GET takes it
    h.clock().advanceMillis(300 + 50);
    assertThat(c.get().bodyString()).isEqualTo("2");
    h.clock().advanceMillis(10);
    c.post("3");
    assertThat(m.rtt("polling").count()).isEqualTo(2);
    assertThat(m.rtt("polling").totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(16 + 10);
    assertThat(m.rtt("websocket").count()).isZero();

    // silence: ping at +300, timeout 200 later
    long lifetime = h.clock().now() + 500;
    h.clock().advanceMillis(500);
    assertThat(m.closes("ping timeout", "polling")).isEqualTo(1);
    assertThat(m.open("polling", "4")).isZero();
    assertThat(m.sessionDuration().count()).isEqualTo(1);
    assertThat(m.sessionDuration().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(lifetime);
    assertThat(m.packets("polling", "in")).isEqualTo(4);
    assertThat(m.holds("4").count()).isEqualTo(3);
    assertThat(m.connectionErrors("1")).isZero();
  }

  @Test
  void aSuccessfulUpgradeMovesTheSessionToWebSocket() {
    EngineHarness h = harness(b -> {});
    PollingClient c = h.openPolling("EIO=3");
    FakeHttpExchange held = c.get();
    FakeWsConnection ws = c.upgrade().connection();
    assertThat(m.upgrades("3", "attempted", "none")).isEqualTo(1);
    ws.clientText("2probe");
    h.clock().advanceMillis(100); // the noop tick answers the held GET
    assertThat(held.bodyString()).isEqualTo("1:6");
    ws.clientText("5");
    assertThat(m.upgrades("3", "succeeded", "none")).isEqualTo(1);
    assertThat(m.open("polling", "3")).isZero();
    assertThat(m.open("websocket", "3")).isEqualTo(1);
    assertThat(m.handshakes("polling", "3")).isEqualTo(1);
    assertThat(m.handshakes("websocket", "3")).isZero();
    assertThat(m.packets("websocket", "in")).isEqualTo(2); // 2probe, 5
    assertThat(m.bytes("websocket", "in")).isEqualTo(7);
    assertThat(m.packets("websocket", "out")).isEqualTo(1); // 3probe
    assertThat(m.bytes("websocket", "out")).isEqualTo(6);

    ws.clientText("4héllo");
    assertThat(ws.frameLog()).endsWith("text:4héllo");
    assertThat(m.packets("websocket", "in")).isEqualTo(3);
    assertThat(m.bytes("websocket", "in")).isEqualTo(7 + 7);
    assertThat(m.packets("websocket", "out")).isEqualTo(2);
    assertThat(m.bytes("websocket", "out")).isEqualTo(6 + 7);

    ws.clientClose();
    assertThat(m.closes("transport close", "websocket")).isEqualTo(1);
    assertThat(m.open("websocket", "3")).isZero();
    assertThat(m.upgrades("3", "failed", "timeout") + m.upgrades("3", "failed", "socket closed"))
        .isZero();
  }

  @Test
  void failedUpgradesAreCountedByReason() {
    EngineHarness h = harness(b -> b.upgradeTimeout(Duration.ofMillis(100)));
    PollingClient c = h.openPolling("EIO=4");
    c.upgrade().connection().clientText("4too-early"); // probe aborted
    c.upgrade().connection().clientText("9"); // undecodable: probe aborted
    c.upgrade();
    h.clock().advanceMillis(100); // timeout
    c.upgrade().connection().clientClose(); // the probe WebSocket closed: socket closed
    c.upgrade().connection().clientText("2probe");
    c.post("1"); // the session closed during the probe: socket closed
    assertThat(m.upgrades("4", "attempted", "none")).isEqualTo(5);
    assertThat(m.upgrades("4", "succeeded", "none")).isZero();
    assertThat(m.upgrades("4", "failed", "probe aborted")).isEqualTo(2);
    assertThat(m.upgrades("4", "failed", "timeout")).isEqualTo(1);
    assertThat(m.upgrades("4", "failed", "socket closed")).isEqualTo(2);
    assertThat(m.closes("transport close", "polling")).isEqualTo(1);
    assertThat(m.open("polling", "4") + m.open("websocket", "4")).isZero();
    assertThat(m.upgrades("3", "attempted", "none")).isZero();
  }

  @Test
  void aDirectWebSocketSessionAndItsHeartbeat() {
    EngineHarness h =
        harness(b -> b.pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200)));
    WsClient c = h.openWebSocket("EIO=4");
    assertThat(m.handshakes("websocket", "4")).isEqualTo(1);
    assertThat(m.open("websocket", "4")).isEqualTo(1);
    h.clock().advanceMillis(300);
    assertThat(c.conn().frameLog()).endsWith("text:2");
    h.clock().advanceMillis(7);
    c.conn().clientText("3");
    assertThat(m.rtt("websocket").count()).isEqualTo(1);
    assertThat(m.rtt("websocket").totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(7);
    assertThat(m.rtt("websocket").max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(7);
    c.conn().clientText("3"); // an unsolicited pong is no round trip
    assertThat(m.rtt("websocket").count()).isEqualTo(1);
    h.server().socket(c.sid()).orElseThrow().close();
    h.clock().runPending();
    assertThat(m.closes("forced close", "websocket")).isEqualTo(1);
    assertThat(m.open("websocket", "4")).isZero();
  }

  @Test
  void limitRejectionsAndTheSendBuffer() {
    EngineHarness h = harness(b -> b.maxHttpBufferSize(10).maxBufferedBytes(5));
    PollingClient c = h.openPolling("EIO=4");
    assertThat(c.post("41234567890").status()).isEqualTo(413);
    assertThat(m.limit("body too large")).isEqualTo(1);
    assertThat(m.packets("polling", "in")).as("a refused body is not traffic").isZero();

    EngineIoSocket socket = h.server().socket(c.sid()).orElseThrow();
    assertThat(socket.send("abc")).isEqualTo(SendResult.QUEUED);
    // the payload plus the fixed per-packet overhead
    assertThat(m.sendBuffer()).isEqualTo(3 + EngineIoOptions.PACKET_OVERHEAD_BYTES);
    assertThat(metrics.bufferedBytes()).isEqualTo(3 + EngineIoOptions.PACKET_OVERHEAD_BYTES);
    assertThat(socket.send("abc")).isEqualTo(SendResult.BUFFER_FULL);
    assertThat(m.limit("send buffer full")).isEqualTo(1);
    assertThat(c.get().bodyString()).isEqualTo("4abc");
    assertThat(m.sendBuffer()).isZero();

    WsClient ws = h.openWebSocket("EIO=4");
    ws.conn().clientText("41234567890");
    assertThat(m.limit("frame too large")).isEqualTo(1);
    assertThat(m.closes("transport error", "websocket")).isEqualTo(1);

    FakeHttpExchange slow = c.postBuilder().body("4a").deferBody().build();
    h.send(slow);
    c.post("4b"); // a second POST while the first is in flight
    assertThat(m.limit("overlapping post")).isEqualTo(1);
    assertThat(m.closes("transport error", "polling")).isEqualTo(1);

    PollingClient d = h.openPolling("EIO=3");
    d.get();
    d.get(); // a second GET while one is held
    assertThat(m.limit("overlapping get")).isEqualTo(1);
    assertThat(m.closes("transport error", "polling")).isEqualTo(2);
    assertThat(m.limitTotal()).isEqualTo(5);
  }

  @Test
  void refusedRequestsAreCountedByCode() {
    EngineHarness h =
        harness(
            b ->
                b.allowRequest(
                    req ->
                        CompletableFuture.completedFuture(
                            "no".equals(req.query().get("auth"))
                                ? AllowRequest.Decision.deny("nope")
                                : AllowRequest.Decision.allow())));
    h.get("EIO=4&transport=bogus"); // 0
    h.get("EIO=4&transport=polling&sid=nope"); // 1
    h.get("EIO=4&transport=polling&sid=nope"); // 1
    h.request("PUT", "EIO=4&transport=polling"); // 2
    h.upgrade("EIO=4&transport=polling"); // 3: polling asked with an upgrade
    h.get("EIO=4&transport=polling&auth=no"); // 4
    h.get("EIO=5&transport=polling"); // 5
    h.upgrade("EIO=abc&transport=websocket"); // 5
    assertThat(m.connectionErrors("0")).isEqualTo(1);
    assertThat(m.connectionErrors("1")).isEqualTo(2);
    assertThat(m.connectionErrors("2")).isEqualTo(1);
    assertThat(m.connectionErrors("3")).isEqualTo(1);
    assertThat(m.connectionErrors("4")).isEqualTo(1);
    assertThat(m.connectionErrors("5")).isEqualTo(2);
    assertThat(h.connectionErrors()).hasSize(8);
    assertThat(m.handshakes("polling", "4") + m.handshakes("websocket", "4")).isZero();
  }

  @Test
  void oneInstanceFeedsEveryRegistryItIsBoundTo() {
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    EngineHarness h = harness(b -> {});
    metrics.bindTo(second);
    h.openPolling("EIO=4");
    assertThat(m.handshakes("polling", "4")).isEqualTo(1);
    assertThat(new Meters(second).handshakes("polling", "4")).isEqualTo(1);
    assertThat(new Meters(second).open("polling", "4")).isEqualTo(1);
  }

  @Test
  void beforeBindingNothingIsCountedButTheGaugesAreRight() {
    EngineHarness h = EngineHarness.create(b -> b.observer(metrics));
    h.openPolling("EIO=4");
    h.get("EIO=4&transport=bogus");
    metrics.bindTo(registry);
    assertThat(m.handshakes("polling", "4")).isZero();
    assertThat(m.connectionErrors("0")).isZero();
    assertThat(m.open("polling", "4")).isEqualTo(1);
  }

  @Test
  void commonTagsAreOnEveryMeter() {
    EngineIoMetrics tagged =
        new EngineIoMetrics(io.micrometer.core.instrument.Tags.of("server", "chat"));
    tagged.bindTo(registry);
    assertThat(registry.getMeters())
        .allSatisfy(meter -> assertThat(meter.getId().getTag("server")).isEqualTo("chat"));
  }

  @Test
  void aServerBuiltWithoutTheObserverCanBeMonitoredForItsSendBuffer() {
    metrics.bindTo(registry);
    EngineHarness h = EngineHarness.create(b -> b.maxBufferedBytes(100));
    metrics.monitor(h.server());
    PollingClient c = h.openPolling("EIO=4");
    h.server().socket(c.sid()).orElseThrow().send("12345");
    assertThat(m.sendBuffer()).isEqualTo(5 + EngineIoOptions.PACKET_OVERHEAD_BYTES);
  }
}
