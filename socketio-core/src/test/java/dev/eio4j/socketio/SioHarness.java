package dev.eio4j.socketio;

import dev.eio4j.EngineIoServer;
import dev.eio4j.testing.EngineHarness;
import dev.eio4j.testing.FakeWsConnection;
import dev.eio4j.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A {@link SocketIoServer} on an {@link EngineHarness}: one virtual clock for the engine and the layer. */
final class SioHarness {
  final EngineHarness h;
  final SocketIoServer io;
  final List<Throwable> errors = new ArrayList<>();

  SioHarness(Consumer<SocketIoOptions.Builder> options) {
    this(e -> {}, options);
  }

  /** With engine options of the test's own on top of the harness's. */
  SioHarness(Consumer<EngineIoServer.Builder> engine, Consumer<SocketIoOptions.Builder> options) {
    h =
        EngineHarness.create(
            b -> {
              b.path("/socket.io/")
                  .allowEIO3(true)
                  .pingInterval(Duration.ofMillis(25_000))
                  .pingTimeout(Duration.ofMillis(20_000));
              engine.accept(b);
            });
    SocketIoOptions.Builder b = SocketIoOptions.builder().timers(h.clock());
    options.accept(b);
    io = SocketIoServer.attach(h.server(), b.build());
    io.onError((socket, error) -> errors.add(error));
  }

  SioHarness() {
    this(b -> {});
  }

  ManualScheduler clock() {
    return h.clock();
  }

  /** A WebSocket client whose open packet (and, for EIO=3, anything else sent at once) was taken. */
  Ws ws(String eio) {
    EngineHarness.WsClient c = h.openWebSocket("EIO=" + eio);
    h.clock().runPending();
    Ws ws = new Ws(c.sid(), c.conn(), this);
    ws.conn.takeFrames();
    return ws;
  }

  /** A raw WebSocket client. */
  static final class Ws {
    final String sid;
    final FakeWsConnection conn;
    final SioHarness sio;

    Ws(String sid, FakeWsConnection conn, SioHarness sio) {
      this.sid = sid;
      this.conn = conn;
      this.sio = sio;
    }

    /** Sends a text frame (an Engine.IO message: prefix 4 added) and runs what is due. */
    Ws send(String sioPacket) {
      conn.clientText("4" + sioPacket);
      sio.clock().runPending();
      return this;
    }

    /** Sends a binary frame (v4 Engine.IO: raw bytes) and runs what is due. */
    Ws sendBinary(byte... data) {
      conn.clientBinary(data);
      sio.clock().runPending();
      return this;
    }

    /** The frames written since the last call: {@code text:42[..]} or {@code binary:01 02}. */
    List<String> take() {
      sio.clock().runPending();
      return conn.takeFrameLog();
    }

    boolean closed() {
      return conn.closed();
    }
  }
}
