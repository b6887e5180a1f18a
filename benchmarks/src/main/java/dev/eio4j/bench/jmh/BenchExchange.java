package dev.eio4j.bench.jmh;

import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import dev.eio4j.spi.HttpExchange;
import dev.eio4j.spi.Lane;
import java.net.InetSocketAddress;

/** One polling request whose body is available at once and whose response is kept. */
final class BenchExchange implements HttpExchange {
  private final EngineRequest request;
  private final Lane lane;
  private final byte[] body;
  int status;
  byte[] response;

  BenchExchange(String method, String uri, byte[] body, Lane lane) {
    Headers h = new Headers().add("Host", "127.0.0.1");
    if (body != null) {
      h.add("Content-Type", "text/plain;charset=UTF-8")
          .add("Content-Length", Integer.toString(body.length));
    }
    this.request =
        new EngineRequest(method, uri, h, new InetSocketAddress("127.0.0.1", 40001), false);
    this.lane = lane;
    this.body = body;
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
  public void readBody(long maxBytes, BodyHandler handler) {
    if (body.length > maxBytes) {
      handler.onTooLarge();
    } else {
      handler.onBody(body);
    }
  }

  @Override
  public void respond(int status, Headers headers, byte[] body) {
    if (response == null) {
      this.status = status;
      this.response = body;
    }
  }

  @Override
  public void abort() {
    status = -1;
  }

  @Override
  public void onClientGone(Runnable callback) {
    // the client never goes away here
  }

  boolean answered() {
    return response != null;
  }
}
