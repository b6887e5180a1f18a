package dev.eio4j.bench.load;

/** Everything the clients of one process share. */
final class Ctx {
  final Config cfg;
  final Net net;
  final Metrics metrics;
  final Errors errors;
  final Client.Events events;
  final io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig wsConfig;

  Ctx(Config cfg, Net net, Metrics metrics, Errors errors, Client.Events events) {
    this.cfg = cfg;
    this.net = net;
    this.metrics = metrics;
    this.errors = errors;
    this.events = events;
    this.wsConfig = WsClient.config(cfg, net.hostHeader());
  }
}
