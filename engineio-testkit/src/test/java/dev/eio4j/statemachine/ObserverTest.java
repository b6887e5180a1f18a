package dev.eio4j.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.DisconnectReason;
import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineObserver;
import dev.eio4j.HandshakeError;
import dev.eio4j.protocol.ProtocolVersion;
import dev.eio4j.protocol.TransportType;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.EngineHarness.PollingClient;
import dev.eio4j.testing.FakeHttpExchange;
import dev.eio4j.testing.FakeWsConnection;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@link EngineObserver} hooks: which events the engine reports, in order, and that none can break it. */
@ExtendWith(NoUnexpectedEvents.class)
class ObserverTest {

  /** Records every event as a short string. */
  static final class Recorder implements EngineObserver {
    final List<String> events = new ArrayList<>();
    final List<EngineIoServer> servers = new ArrayList<>();

    @Override
    public synchronized void serverCreated(EngineIoServer server) {
      servers.add(server);
    }

    @Override
    public synchronized void sessionOpened(ProtocolVersion protocol, TransportType transport) {
      events.add("opened v" + protocol.number() + " " + transport.wireName());
    }

    @Override
    public synchronized void sessionClosed(
        ProtocolVersion protocol,
        TransportType transport,
        DisconnectReason reason,
        long lifetimeMillis) {
      events.add(
          "closed v"
              + protocol.number()
              + " "
              + transport.wireName()
              + " "
              + reason.wireName()
              + " after "
              + lifetimeMillis);
    }

    @Override
    public synchronized void upgradeStarted(ProtocolVersion protocol) {
      events.add("upgrade started");
    }

    @Override
    public synchronized void upgraded(
        ProtocolVersion protocol, TransportType from, TransportType to) {
      events.add("upgraded " + from.wireName() + " -> " + to.wireName());
    }

    @Override
    public synchronized void upgradeFailed(ProtocolVersion protocol, UpgradeFailure reason) {
      events.add("upgrade failed: " + reason.label());
    }

    @Override
    public synchronized void heartbeatRtt(TransportType transport, long millis) {
      events.add("rtt " + transport.wireName() + " " + millis);
    }

    @Override
    public synchronized void pollHeld(ProtocolVersion protocol, long millis) {
      events.add("held " + millis);
    }

    @Override
    public synchronized void packetsIn(TransportType transport, int packets, long bytes) {
      events.add("in " + transport.wireName() + " " + packets + "/" + bytes);
    }

    @Override
    public synchronized void packetsOut(TransportType transport, int packets, long bytes) {
      events.add("out " + transport.wireName() + " " + packets + "/" + bytes);
    }

    @Override
    public synchronized void limitRejected(Limit limit) {
      events.add("limit: " + limit.label());
    }

    @Override
    public synchronized void connectionError(HandshakeError error) {
      events.add("error " + error.code());
    }

    synchronized List<String> take() {
      List<String> copy = List.copyOf(events);
      events.clear();
      return copy;
    }
  }

  private final Recorder recorder = new Recorder();
  private final EngineHarness h =
      EngineHarness.create(
              b ->
                  b.observer(recorder)
                      .pingInterval(Duration.ofMillis(300))
                      .pingTimeout(Duration.ofMillis(200)))
          .echo();

  @Test
  void theServerReportsItself() {
    assertThat(recorder.servers).containsExactly(h.server());
  }

  @Test
  void aPollingSessionWithAnUpgrade() {
    PollingClient c = h.openPolling("EIO=4");
    int open = c.handshake().body().length;
    assertThat(recorder.take()).containsExactly("opened v4 polling", "out polling 1/" + open);

    c.post("4hi");
    FakeHttpExchange held = c.get();
    assertThat(held.bodyString()).isEqualTo("4hi");
    assertThat(recorder.take()).containsExactly("in polling 1/3", "out polling 1/3", "held 0");

    held = c.get();
    h.clock().advanceMillis(40);
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    h.clock().advanceMillis(100); // the noop tick answers the held GET
    assertThat(held.bodyString()).isEqualTo("6");
    ws.clientText("5");
    assertThat(recorder.take())
        .containsExactly(
            "upgrade started",
            "in websocket 1/6",
            "out websocket 1/6",
            "out polling 1/1",
            "held 140",
            "in websocket 1/1",
            "upgraded polling -> websocket");

    h.clock().advanceMillis(160); // t = 300: the ping
    assertThat(ws.frameLog()).endsWith("text:2");
    h.clock().advanceMillis(5);
    ws.clientText("3");
    ws.clientClose();
    assertThat(recorder.take())
        .containsExactly(
            "out websocket 1/1",
            "in websocket 1/1",
            "rtt websocket 5",
            "closed v4 websocket transport close after 305");
    assertThat(c.events().takeLog())
        .containsExactly(
            "open",
            "message:hi",
            "upgrading:websocket",
            "upgrade:websocket",
            "heartbeat",
            "close:transport close");
  }

  @Test
  void failuresAndRefusals() {
    PollingClient c = h.openPolling("EIO=3");
    c.upgrade().connection().clientText("4no");
    h.get("transport=polling&EIO=4&sid=gone");
    c.post("1:1"); // v3 framing
    assertThat(recorder.take())
        .containsExactly(
            "opened v3 polling",
            "out polling 1/" + c.handshake().body().length,
            "upgrade started",
            "in websocket 1/3",
            "upgrade failed: probe aborted",
            "error 1",
            "in polling 1/3",
            "closed v3 polling transport close after 0");
    assertThat(c.events().takeLog()).containsExactly("open", "close:transport close");
  }

  @Test
  void anObserverThatThrowsEverywhereChangesNothing() {
    EngineObserver throwing =
        (EngineObserver)
            Proxy.newProxyInstance(
                EngineObserver.class.getClassLoader(),
                new Class<?>[] {EngineObserver.class},
                (proxy, method, args) -> {
                  if (method.getDeclaringClass() == Object.class) {
                    return method.getName().equals("hashCode")
                        ? 0
                        : method.getName().equals("equals") ? proxy == args[0] : "throwing";
                  }
                  throw new IllegalStateException("observer bug in " + method.getName());
                });
    EngineHarness t = EngineHarness.create(b -> b.observer(throwing).maxHttpBufferSize(10)).echo();
    PollingClient c = t.openPolling("EIO=4");
    c.post("4hello");
    assertThat(c.get().bodyString()).isEqualTo("4hello");
    assertThat(c.post("4hello-too-large").status()).isEqualTo(413);
    FakeHttpExchange held = c.get();
    FakeWsConnection ws = c.upgrade().connection();
    ws.clientText("2probe");
    ws.clientText("5");
    assertThat(held.bodyString()).isEqualTo("1");
    ws.clientText("4over-ws");
    assertThat(ws.frameLog()).containsExactly("text:3probe", "text:4over-ws");
    ws.clientClose();
    assertThat(c.events().log())
        .containsExactly(
            "open",
            "message:hello",
            "upgrading:websocket",
            "upgrade:websocket",
            "message:over-ws",
            "close:transport close");
    assertThat(t.get("EIO=4&transport=bogus").status()).isEqualTo(400);
    assertThat(t.clock().failures()).isEmpty();
  }
}
