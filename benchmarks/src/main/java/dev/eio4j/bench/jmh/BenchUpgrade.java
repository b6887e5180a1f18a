package dev.eio4j.bench.jmh;

import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.Lane;
import dev.eio4j.spi.WsConnection;
import dev.eio4j.spi.WsHandler;
import dev.eio4j.spi.WsUpgrade;
import java.net.InetSocketAddress;
import java.util.function.Function;

/** A direct WebSocket handshake that is accepted at once onto a given lane and connection. */
final class BenchUpgrade implements WsUpgrade {
  private final EngineRequest request;
  private final Lane lane;
  private final WsConnection conn;
  WsHandler handler;
  String rejected;

  BenchUpgrade(String uri, Lane lane, WsConnection conn) {
    Headers h =
        new Headers()
            .add("Host", "127.0.0.1")
            .add("Upgrade", "websocket")
            .add("Connection", "Upgrade");
    this.request =
        new EngineRequest("GET", uri, h, new InetSocketAddress("127.0.0.1", 40000), false);
    this.lane = lane;
    this.conn = conn;
  }

  @Override
  public EngineRequest request() {
    return request;
  }

  @Override
  public Lane laneForNewSession() {
    return lane;
  }

  @Override
  public void reject(int status, Headers headers, String body) {
    rejected = status + " " + body;
  }

  @Override
  public void accept(
      Headers extraHeaders, long maxPayload, Function<WsConnection, WsHandler> onOpen) {
    handler = onOpen.apply(conn);
  }
}
